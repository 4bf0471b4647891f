from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from anlan.core.pagination import Pagination
from anlan.registry.models import Enterprise
from anlan.rescue.models import Team

from . import notify, services
from .choices import NotificationKind, RegionLevel, UserRole
from .models import Notification, Region, User
from .permissions import can_manage_users, require

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


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    role: UserRole
    role_label: str
    scope: str
    mobile: str
    is_active: bool
    password_change_required: bool

    @staticmethod
    def resolve_role_label(obj):
        return str(obj.get_role_display())

    @staticmethod
    def resolve_scope(obj):
        return obj.scope_label


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    display_name: str = Field("", max_length=50)
    mobile: str = Field("", max_length=20)
    role: UserRole
    region: str | None = Field(None, description="Region code, for regional roles")
    enterprise: int | None = Field(None, description="Enterprise id, for enterprise roles")
    team: int | None = Field(None, description="Rescue team id, for team commanders")


class UserCreatedOut(UserOut):
    temporary_password: str


def _visible_users(request):
    return User.objects.visible_to(request.user).select_related(
        "region", "enterprise__region", "team__region"
    )


@router.get("/users", response=list[UserOut], summary="Accounts in your jurisdiction")
@paginate(Pagination)
def list_users(request, role: UserRole | None = None, q: str = ""):
    require(can_manage_users(request.user), _("You may not manage accounts."))
    qs = _visible_users(request)
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(username__icontains=q[:50])
    return qs.order_by("username")


@router.post(
    "/users",
    response={201: UserCreatedOut},
    summary="Create an account; its temporary password is returned once",
)
def create_user(request, payload: UserIn):
    data = payload.dict()
    lookups = {
        "region": (Region.objects.all(), "code", _("No region has this code.")),
        "enterprise": (
            Enterprise.objects.visible_to(request.user),
            "pk",
            _("No such enterprise in your jurisdiction."),
        ),
        "team": (
            Team.objects.visible_to(request.user),
            "pk",
            _("No such rescue team in your jurisdiction."),
        ),
    }
    errors = {}
    for field, (queryset, key, message) in lookups.items():
        value = data[field]
        if value is None or value == "":
            data[field] = None
            continue
        data[field] = queryset.filter(**{key: value}).first()
        if data[field] is None:
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    user, password = services.save_user(actor=request.user, data=data)
    user.temporary_password = password
    return Status(201, user)


@router.post(
    "/users/{int:user_id}/reset-password",
    response={200: UserCreatedOut},
    summary="Issue a new temporary password",
)
def reset_user_password(request, user_id: int):
    user = get_object_or_404(_visible_users(request), pk=user_id)
    user.temporary_password = services.reset_password(actor=request.user, user=user)
    return user


# ---------------------------------------------------------------- notifications

MAX_ID = 2**63 - 1


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    kind_label: str
    title: str
    body: str
    link: str
    subject: str
    created_at: datetime
    read_at: datetime | None
    is_read: bool

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


@router.get(
    "/notifications",
    response=list[NotificationOut],
    tags=["notifications"],
    summary="Your own notifications, newest first",
)
@paginate(Pagination)
def list_notifications(request, unread: bool = False, kind: NotificationKind | None = None):
    qs = Notification.objects.for_user(request.user)
    if unread:
        qs = qs.unread()
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get(
    "/notifications/unread-count",
    response=UnreadCountOut,
    tags=["notifications"],
    summary="How many of your notifications are unread",
)
def notifications_unread_count(request):
    return {"unread": notify.unread_count(request.user)}


@router.post(
    "/notifications/read-all",
    response=MarkedOut,
    tags=["notifications"],
    summary="Mark all your notifications read",
)
def notifications_read_all(request):
    return {"marked": notify.mark_all_read(user=request.user)}


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    tags=["notifications"],
    summary="Mark one of your notifications read",
)
def notification_read(request, notification_id: int = Path(..., ge=1, le=MAX_ID)):
    note = get_object_or_404(Notification.objects.for_user(request.user), pk=notification_id)
    return notify.mark_read(user=request.user, notification=note)
