from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from anlan.core.pagination import Pagination

from .choices import RegionLevel
from .models import Region

router = Router(tags=["regions and users"])


class RegionOut(Schema):
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None = Field(None, alias="parent.code")
    is_fictional: bool


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    scope: str


@router.get("/me", response=MeOut, summary="The signed-in user, role and scope")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "scope": user.scope_label,
    }


@router.get("/regions", response=list[RegionOut], summary="Regions in your jurisdiction")
@paginate(Pagination)
def list_regions(
    request,
    level: RegionLevel | None = None,
    parent: str | None = None,
    q: str | None = None,
):
    qs = Region.objects.visible_to(request.user).select_related("parent")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    if q:
        qs = qs.filter(name__icontains=q[:50])
    return qs.order_by("code")


@router.get("/regions/{code}", response=RegionOut, summary="One region by GB/T 2260 code")
def get_region(request, code: str):
    return get_object_or_404(
        Region.objects.visible_to(request.user).select_related("parent"), code=code
    )
