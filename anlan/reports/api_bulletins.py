"""API of bulletins (mounted at /api/bulletins).

Scoped like the pages: 404 for bulletins the user may not open, 403 for changes the user may not
make, 422 naming the field for bad input."""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from anlan.core.api import MAX_ID
from anlan.core.models import Region
from anlan.core.pagination import Pagination

from . import bulletins as services
from . import render as rendering
from .figures import SECTIONS
from .models import Bulletin

router = Router(tags=["bulletins"])

Kind = Literal["weekly", "monthly", "briefing"]
Section = Literal[SECTIONS]  # type: ignore[valid-type]


class BulletinSummary(Schema):
    id: int
    kind: str
    region: str
    region_name: str
    period_start: dt.date
    period_end: dt.date = Field(..., description="The period's last day, included")
    number: int
    title: str
    state: str
    generated_at: dt.datetime | None
    published_at: dt.datetime | None

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class BulletinOut(BulletinSummary):
    figures: dict
    commentary: dict
    pdf_url: str
    docx_url: str

    @staticmethod
    def resolve_pdf_url(obj):
        return f"/api/bulletins/{obj.pk}/pdf"

    @staticmethod
    def resolve_docx_url(obj):
        return f"/api/bulletins/{obj.pk}/docx"


class BulletinGenerateIn(Schema):
    kind: Kind
    region: str = Field(..., max_length=12, description="Region code, e.g. 140700")
    period_start: dt.date
    period_end: dt.date = Field(..., description="The period's last day, included")


class CommentaryIn(Schema):
    section: Section
    text: str = Field("", max_length=services.COMMENTARY_MAX)


class SubscriptionIn(Schema):
    kind: Kind
    region: str = Field(..., max_length=12)


class SubscriptionOut(Schema):
    kind: str
    region: str
    subscribed: bool


class BulletinListFilters(Schema):
    kind: Kind | None = None
    state: Literal["draft", "published"] | None = None
    region: str | None = Field(None, max_length=12, description="Region code (and below)")
    date_from: dt.date | None = Field(None, description="Periods ending on or after")
    date_to: dt.date | None = Field(None, description="Periods starting on or before")


def _visible(request):
    return services.visible(request.user).select_related("region")


def _get(request, bulletin_id) -> Bulletin:
    return get_object_or_404(_visible(request), pk=bulletin_id)


BulletinId = Path(..., ge=1, le=MAX_ID)


@router.get("", response=list[BulletinSummary], summary="Bulletins you may read")
@paginate(Pagination)
def list_bulletins(request, filters: Query[BulletinListFilters]):
    region = None
    if filters.region:
        region = Region.objects.visible_to(request.user).filter(code=filters.region).first()
        if region is None:
            return Bulletin.objects.none()
    return services.filter_list(
        _visible(request),
        kind=filters.kind or "",
        state=filters.state or "",
        region=region,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


@router.post(
    "", response={201: BulletinOut}, summary="Generate (or refresh) the draft for a period"
)
def generate(request, payload: BulletinGenerateIn):
    region = services.region_by_code(payload.region)
    if not Region.objects.visible_to(request.user).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("Unknown region %(code)s.") % {"code": payload.region}})
    bulletin = services.generate(
        kind=payload.kind,
        region=region,
        start=payload.period_start,
        end=payload.period_end,
        user=request.user,
    )
    return Status(201, bulletin)


@router.get("/subscriptions", response=list[SubscriptionOut], summary="Your subscriptions")
def my_subscriptions(request):
    return [
        {"kind": s.kind, "region": s.region.code, "subscribed": True}
        for s in request.user.bulletin_subscriptions.select_related("region")
    ]


@router.post("/subscriptions", response=SubscriptionOut, summary="Subscribe to bulletins")
def subscribe(request, payload: SubscriptionIn):
    region = services.region_by_code(payload.region)
    services.subscribe(user=request.user, kind=payload.kind, region=region)
    return {"kind": payload.kind, "region": region.code, "subscribed": True}


@router.delete("/subscriptions", response=SubscriptionOut, summary="Unsubscribe")
def unsubscribe(request, payload: SubscriptionIn):
    region = services.region_by_code(payload.region)
    services.unsubscribe(user=request.user, kind=payload.kind, region=region)
    return {"kind": payload.kind, "region": region.code, "subscribed": False}


@router.get("/{bulletin_id}", response=BulletinOut, summary="One bulletin with its figures")
def get_bulletin(request, bulletin_id: int = BulletinId):
    return _get(request, bulletin_id)


@router.post("/{bulletin_id}/refresh", response=BulletinOut, summary="Refresh a draft's figures")
def refresh(request, bulletin_id: int = BulletinId):
    return services.refresh(bulletin=_get(request, bulletin_id), user=request.user)


@router.put(
    "/{bulletin_id}/commentary", response=BulletinOut, summary="Set one section's commentary"
)
def commentary(request, payload: CommentaryIn, bulletin_id: int = BulletinId):
    bulletin = _get(request, bulletin_id)
    services.set_commentary(
        bulletin=bulletin, section=payload.section, text=payload.text, user=request.user
    )
    return _get(request, bulletin_id)


@router.post(
    "/{bulletin_id}/publish",
    response=BulletinOut,
    summary="Publish: freeze, store the PDF and Word files, notify subscribers",
)
def publish(request, bulletin_id: int = BulletinId):
    return services.publish(bulletin=_get(request, bulletin_id), user=request.user)


def _file(bulletin, attr, render, suffix, content_type):
    stored = getattr(bulletin, attr)
    content = stored.read() if stored else render(bulletin)
    if stored:
        stored.close()
    response = HttpResponse(content, content_type=content_type)
    draft = "" if stored else "-draft"
    name = f"{services.file_stem(bulletin)}{draft}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/{bulletin_id}/pdf",
    summary="The PDF (stored when published; rendered on the fly for a draft)",
    response={200: bytes},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def pdf(request, bulletin_id: int = BulletinId):
    return _file(_get(request, bulletin_id), "pdf", rendering.pdf_bytes, "pdf", "application/pdf")


@router.get(
    "/{bulletin_id}/docx",
    summary="The Word file (stored when published; rendered on the fly for a draft)",
    response={200: bytes},
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}
                }
            }
        }
    },
)
def docx(request, bulletin_id: int = BulletinId):
    return _file(
        _get(request, bulletin_id),
        "docx",
        rendering.docx_bytes,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
