"""Warnings API (mounted at /api/warnings): list and board of warnings, CAP import, rejected
messages, feeds, targets' acknowledgements and measures, the summary for reports, and the
sensitivity matrix. Scoped by ``visible_to``; 404 outside the user's scope; 422 naming the
field; a refused CAP message answers 422 with the reason and the failing elements."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from anlan.core.api import MAX_ID
from anlan.hazards.choices import HazardCategory, HazardLevel

from . import ingest, matrix, response
from .choices import Colour, SignalType
from .models import Alert, FeedState, RejectedMessage, SensitivityRule, Target
from .services import may_import

router = Router(tags=["warnings"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class AlertOut(Schema):
    id: int
    thread_id: int
    identifier: str
    sender: str
    sent: dt.datetime
    status: str
    msg_type: str
    stage: str
    origin: str
    signal_type: str
    colour: str
    event: str
    headline: str
    severity: str
    urgency: str
    certainty: str
    effective: dt.datetime
    onset: dt.datetime | None
    expires: dt.datetime
    area_desc: str
    regions: list[str]
    active: bool
    cancelled: bool

    @staticmethod
    def resolve_thread_id(obj):
        return obj.root.pk

    @staticmethod
    def resolve_regions(obj):
        return [r.code for r in obj.regions.all()]

    @staticmethod
    def resolve_active(obj):
        return obj.is_active()

    @staticmethod
    def resolve_cancelled(obj):
        return bool(obj.root.cancelled_at)


class TargetOut(Schema):
    id: int
    warning_id: int
    kind: str
    name: str
    region: str
    enterprise_id: int | None
    team_id: int | None
    reason: str
    state: str
    overdue: bool
    ack_due: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    measures_due: dt.datetime
    measures: str
    measures_at: dt.datetime | None
    readiness: str
    escalated_at: dt.datetime | None
    withdrawn_at: dt.datetime | None

    @staticmethod
    def resolve_warning_id(obj):
        return obj.thread_id

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue()

    @staticmethod
    def resolve_acknowledged_by(obj):
        return str(obj.acknowledged_by) if obj.acknowledged_by_id else None


class ImportOut(Schema):
    status: str
    warning_id: int | None
    rejected_id: int | None
    reason: str
    errors: list[dict]


class RejectedOut(Schema):
    id: int
    received_at: dt.datetime
    received_from: str
    identifier: str
    size: int
    sha256: str
    reason: str
    errors: list[dict]


class RejectedDetailOut(RejectedOut):
    content: str


class FeedOut(Schema):
    url: str
    last_polled_at: dt.datetime | None = None
    last_success_at: dt.datetime | None = None
    last_error: str = ""
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0


class MeasuresIn(Schema):
    measures: str = Field(..., max_length=4000)


class WarningHazardIn(Schema):
    description: str = Field(..., max_length=2000)
    level: str = Field(HazardLevel.GENERAL, description=", ".join(HazardLevel.values))
    category: str = Field(HazardCategory.OTHER, description=", ".join(HazardCategory.values))
    place_name: str = Field("", max_length=200)


class RuleIn(Schema):
    industries: list[str] = Field(default_factory=list, max_length=50)
    risk_flags: list[str] = Field(default_factory=list, max_length=50)
    min_colour: str = Field(Colour.BLUE, description=", ".join(Colour.values))
    note: str = Field("", max_length=500)


class RuleOut(Schema):
    signal_type: str
    industries: list[str]
    risk_flags: list[str]
    min_colour: str
    note: str


class ListFilters(Schema):
    active: bool = Field(True, description="Only warnings in force now")
    signal: str | None = Field(None, description=", ".join(SignalType.values))
    colour: str | None = Field(None, description=", ".join(Colour.values))
    limit: int = Field(100, ge=1, le=1000)


@router.get("", response=list[AlertOut], summary="Warnings (latest message of each)")
def list_warnings(request, filters: Query[ListFilters]):
    alerts = Alert.objects.visible_to(request.user).filter(is_latest=True)
    if filters.active:
        alerts = alerts.current()
    if filters.signal:
        alerts = alerts.filter(signal_type=filters.signal)
    if filters.colour:
        alerts = alerts.filter(colour=filters.colour)
    return alerts.select_related("thread").prefetch_related("regions")[: filters.limit]


@router.post(
    "/import",
    response={201: ImportOut, 200: ImportOut, 422: ImportOut, 403: dict},
    summary="Import one CAP 1.2 message (XML body, or a multipart file named 'file')",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/cap+xml": {"schema": {"type": "string"}},
                "application/xml": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            }
        }
    },
)
def import_cap(request):
    if not may_import(request.user):
        raise PermissionDenied(_("Only regulators import warnings."))
    if (request.content_type or "").startswith("multipart/"):
        try:
            upload = request.FILES.get("file")
        except MultiPartParserError as exc:
            raise ValidationError(
                {"file": _("The upload is not readable: %(error)s") % {"error": exc}}
            ) from None
        if upload is None:
            raise ValidationError({"file": _("Send the CAP message as a file named “file”.")})
        data, name = upload.read(settings.ANLAN_CAP_MAX_BYTES + 1), upload.name or "upload.xml"
    else:
        data, name = request.body, "api"
    outcome = ingest.import_message(data, received_from=f"api:{name}"[:500], user=request.user)
    code = {"imported": 201, "duplicate": 200, "rejected": 422}[outcome.status]
    return Status(code, outcome.as_dict())


@router.get("/rejected", response=list[RejectedOut], summary="Rejected CAP messages")
def rejected(request, limit: int = Query(100, ge=1, le=1000)):
    if not may_import(request.user):
        raise PermissionDenied(_("Only regulators see rejected messages."))
    return RejectedMessage.objects.all()[:limit]


@router.get("/rejected/{int:rejected_id}", response=RejectedDetailOut, summary="A rejected message")
def rejected_detail(request, rejected_id: Id):
    if not may_import(request.user):
        raise PermissionDenied(_("Only regulators see rejected messages."))
    return get_object_or_404(RejectedMessage, pk=rejected_id)


@router.get("/feeds", response=list[FeedOut], summary="Polled feeds and what they gave")
def feeds(request):
    if not may_import(request.user):
        raise PermissionDenied(_("Only regulators see the feeds."))
    states = {s.url: s for s in FeedState.objects.all()}
    return [states.get(url) or FeedOut(url=url) for url in settings.ANLAN_CAP_FEEDS]


@router.post("/feeds/poll", response=dict, summary="Poll every configured feed now")
def poll(request):
    if not may_import(request.user):
        raise PermissionDenied(_("Only regulators poll the feeds."))
    return ingest.poll_all()


@router.get("/targets", response=list[TargetOut], summary="Warnings for me to act on")
def my_targets(request):
    from .views import my_targets as mine

    return mine(request.user, timezone.now())


@router.get("/matrix", response=list[RuleOut], summary="The sensitivity matrix")
def get_matrix(request):
    return SensitivityRule.objects.all()


@router.put("/matrix/{signal}", response=RuleOut, summary="Set which enterprises a signal concerns")
def put_rule(request, signal: str, payload: RuleIn):
    return matrix.save_rule(user=request.user, signal_type=signal, **payload.dict())


def _target(request, target_id: int) -> Target:
    return get_object_or_404(
        Target.objects.visible_to(request.user).select_related("thread", "region"), pk=target_id
    )


@router.post("/targets/{int:target_id}/ack", response=TargetOut, summary="Acknowledge a warning")
def ack(request, target_id: Id):
    return response.acknowledge(user=request.user, target=_target(request, target_id))


@router.post("/targets/{int:target_id}/measures", response=TargetOut, summary="Report measures")
def measures(request, target_id: Id, payload: MeasuresIn):
    return response.report_measures(
        user=request.user, target=_target(request, target_id), measures=payload.measures
    )


@router.post(
    "/targets/{int:target_id}/hazard", response={201: dict}, summary="Report a hazard found"
)
def hazard(request, target_id: Id, payload: WarningHazardIn):
    found = response.report_hazard(
        user=request.user, target=_target(request, target_id), **payload.dict()
    )
    return Status(201, {"hazard_id": found.pk, "code": found.code})


def _warning(request, warning_id: int) -> Alert:
    return get_object_or_404(Alert.objects.visible_to(request.user), pk=warning_id).root


@router.get("/{int:warning_id}", response=AlertOut, summary="A warning (its latest message)")
def warning(request, warning_id: Id):
    return response.latest_of(_warning(request, warning_id))


@router.get("/{int:warning_id}/messages", response=list[AlertOut], summary="Every message of it")
def messages(request, warning_id: Id):
    from django.db.models import Q

    root = _warning(request, warning_id)
    return Alert.objects.filter(Q(pk=root.pk) | Q(thread=root)).published().order_by("sent")


@router.get("/{int:warning_id}/targets", response=list[TargetOut], summary="The board: targets")
def targets(request, warning_id: Id):
    root = _warning(request, warning_id)
    return (
        Target.objects.filter(thread=root)
        .visible_to(request.user)
        .select_related("region", "enterprise", "team", "acknowledged_by")
    )


@router.get("/{int:warning_id}/summary", response=dict, summary="Counts for reports (no names)")
def warning_summary(request, warning_id: Id):
    return response.summary(_warning(request, warning_id))
