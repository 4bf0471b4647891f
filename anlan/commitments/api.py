"""Commitments API (``/api/commitments``): commitments (enterprise users create or change
today's for their own enterprise), the day's status per enterprise, missed commitments, work
permits (one by one or from Excel) and the county overview. Every answer is scoped by
``visible_to``; each commitment carries ``late`` and ``mismatches: [{kind, announced,
permits}]`` against the permits of its day."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from anlan.core.api import MAX_ID
from anlan.core.scoping import scope_of
from anlan.registry.models import Enterprise

from . import services
from .choices import SpecialWorkKind
from .models import SafetyCommitment, WorkPermit

router = Router(tags=["commitments"])

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A local day the platform can hold (beyond these, day bounds overflow).
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2099, 12, 31))]

Count = Field(0, ge=0, le=9999)


class MismatchOut(Schema):
    kind: str
    announced: int
    permits: int


class CommitmentOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    day: dt.date
    units_total: int
    units_running: int
    units_shut_down: int
    units_maintenance: int
    special_operations: dict[str, int]
    special_operations_total: int
    contractor_operations: int
    trial_production: bool
    startup_shutdown: bool
    hazards_safe: bool
    unsafe_reason: str
    text: str
    principal_name: str
    submitted_at: dt.datetime
    due: dt.datetime
    late: bool
    mismatches: list[MismatchOut]

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_special_operations(obj):
        return {kind: count for kind, _label, count in obj.kind_counts()}


class CommitmentIn(Schema):
    units_total: int = Count
    units_running: int = Count
    units_shut_down: int = Count
    units_maintenance: int = Count
    hot_special_count: int = Count
    hot_1_count: int = Count
    hot_2_count: int = Count
    confined_space_count: int = Count
    height_count: int = Count
    lifting_count: int = Count
    temporary_power_count: int = Count
    excavation_count: int = Count
    road_closure_count: int = Count
    blind_plate_count: int = Count
    contractor_operations: int = Count
    trial_production: bool = False
    startup_shutdown: bool = False
    hazards_safe: bool = True
    unsafe_reason: str = Field("", max_length=1000)
    text: str | None = Field(None, max_length=2000, description="Default: the standard text")
    principal_name: str | None = Field(
        None, max_length=50, description="Default: the enterprise's principal"
    )
    enterprise_id: Id | None = Field(None, description="Default and only choice: your own")
    day: Day | None = Field(None, description="Only today is accepted")


class CommitmentFilter(Schema):
    date: Day | None = Field(None, description="Only this local day")
    enterprise: Id | None = None
    late: bool | None = None
    mismatch: bool | None = Field(None, description="Only those whose counts differ")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


def _with_checks(queryset) -> list[SafetyCommitment]:
    return services.attach_mismatches(queryset.select_related("enterprise"))


@router.get("", response=list[CommitmentOut], summary="Commitments in your scope, newest first")
def list_commitments(request, filters: Query[CommitmentFilter]):
    qs = SafetyCommitment.objects.visible_to(request.user)
    if filters.date:
        qs = qs.filter(day=filters.date)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    rows = _with_checks(qs.order_by("-day", "enterprise_id"))
    if filters.late is not None:
        rows = [c for c in rows if c.late == filters.late]
    if filters.mismatch is not None:
        rows = [c for c in rows if bool(c.mismatches) == filters.mismatch]
    return rows[filters.offset : filters.offset + filters.limit]


@router.post(
    "",
    response={201: CommitmentOut},
    summary="Make or change today's commitment of your own enterprise",
)
def create_commitment(request, payload: CommitmentIn):
    """Counts left out are 0; ``text`` and ``principal_name`` default to the standard text and
    the enterprise's principal. Running + shut down + under maintenance must equal the total;
    ``hazards_safe: false`` needs ``unsafe_reason``. A second call the same day changes it."""
    user = request.user
    if not scope_of(user).enterprise_id or not services.can_commit(user, user.enterprise):
        raise PermissionDenied(_("Only enterprise users make the daily safety commitment."))
    if payload.enterprise_id not in (None, user.enterprise_id):
        raise PermissionDenied(_("You may only commit for your own enterprise."))
    enterprise = user.enterprise
    data = payload.dict(exclude={"enterprise_id"})
    if data["text"] is None or data["principal_name"] is None:
        defaults = services.initial_for(enterprise, timezone.localdate())
        data["text"] = data["text"] if data["text"] is not None else defaults["text"]
        if data["principal_name"] is None:
            data["principal_name"] = defaults["principal_name"]
    commitment = services.submit_commitment(user=user, enterprise=enterprise, data=data)
    return Status(201, _with_checks(SafetyCommitment.objects.filter(pk=commitment.pk))[0])


class DayRowOut(Schema):
    enterprise_id: int
    enterprise: str
    county: str
    day: dt.date
    due: dt.datetime
    status: str
    commitment_id: int | None
    submitted_at: dt.datetime | None
    mismatches: list[MismatchOut]


class DayFilter(Schema):
    date: Day | None = None
    status: Literal["on_time", "late", "missing", "pending", "mismatch"] | None = None
    county: str = Field("", max_length=6, description="6-digit county code")


@router.get(
    "/status",
    response=list[DayRowOut],
    summary="Every enterprise that must commit, with the day's status",
)
def day_status(request, filters: Query[DayFilter]):
    day = filters.date or timezone.localdate()
    rows = services.day_rows(day=day, enterprises=Enterprise.objects.visible_to(request.user))
    rows = services.filter_rows(rows, status=filters.status or "", county=filters.county)
    return [
        {
            "enterprise_id": r.enterprise.pk,
            "enterprise": r.enterprise.name,
            "county": r.enterprise.region.prefix[:6],
            "day": r.day,
            "due": r.due,
            "status": r.status,
            "commitment_id": r.commitment.pk if r.commitment else None,
            "submitted_at": r.commitment.submitted_at if r.commitment else None,
            "mismatches": r.mismatches,
        }
        for r in rows
    ]


class CountyOut(Schema):
    code: str
    name: str
    required: int
    on_time: int
    late: int
    missing: int
    pending: int
    mismatches: int


@router.get("/overview", response=list[CountyOut], summary="Per county: the day's commitments")
def county_overview(request, date: Day | None = None):
    if not services.can_see_overview(request.user):
        raise PermissionDenied(_("The commitment overview is for county and city regulators."))
    day = date or timezone.localdate()
    enterprises = Enterprise.objects.visible_to(request.user)
    return [r.as_dict() for r in services.overview(day=day, enterprises=enterprises)]


# ---------------------------------------------------------------- work permits


class PermitOut(Schema):
    id: int
    enterprise_id: int
    hazard_source_id: int | None
    number: str
    kind: str
    planned_start: dt.datetime
    planned_end: dt.datetime
    location: str
    supervisor: str


class PermitIn(Schema):
    enterprise_id: Id | None = Field(None, description="Default: your own enterprise")
    hazard_source_id: Id | None = None
    number: str = Field(..., min_length=1, max_length=40)
    kind: SpecialWorkKind
    planned_start: dt.datetime
    planned_end: dt.datetime
    location: str = Field(..., min_length=1, max_length=200)
    supervisor: str = Field(..., min_length=1, max_length=50)


class PermitFilter(Schema):
    enterprise: Id | None = None
    date: Day | None = Field(None, description="Permits whose interval overlaps this day")
    kind: SpecialWorkKind | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


def _aware(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def _permit_enterprise(request, enterprise_id: int | None) -> Enterprise:
    enterprise_id = enterprise_id or request.user.enterprise_id
    if enterprise_id is None:
        raise PermissionDenied(_("Name the enterprise (enterprise_id)."))
    return get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_id)


@router.get("/permits", response=list[PermitOut], summary="Work permits in your scope")
def list_permits(request, filters: Query[PermitFilter]):
    qs = WorkPermit.objects.visible_to(request.user)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.date:
        start, end = services.day_bounds(filters.date)
        qs = qs.filter(planned_start__lt=end, planned_end__gt=start)
    qs = qs.order_by("-planned_start", "-pk")
    return qs[filters.offset : filters.offset + filters.limit]


@router.post("/permits", response={201: PermitOut}, summary="Enter a work permit")
def create_permit(request, payload: PermitIn):
    enterprise = _permit_enterprise(request, payload.enterprise_id)
    source = None
    if payload.hazard_source_id is not None:
        source = enterprise.hazard_sources.filter(pk=payload.hazard_source_id).first()
        if source is None:
            raise ValidationError(
                {"hazard_source_id": _("The hazard source must belong to this enterprise.")}
            )
    data = payload.dict(exclude={"enterprise_id", "hazard_source_id"})
    data.update(
        hazard_source=source,
        kind=str(payload.kind.value),
        planned_start=_aware(payload.planned_start),
        planned_end=_aware(payload.planned_end),
    )
    return Status(201, services.save_permit(user=request.user, enterprise=enterprise, data=data))


class PermitImportOut(Schema):
    created: int


@router.get("/permits/template.xlsx", summary="An empty work-permit sheet")
def permit_template(request):
    from anlan.core.downloads import xlsx_response

    from .excel import template

    return xlsx_response(template(), "work-permits-template")


@router.post(
    "/permits/import",
    response=PermitImportOut,
    summary="Import work permits from Excel (all or nothing; 422 lists every bad cell)",
)
def import_permits(request, file: File[UploadedFile], enterprise: Id | None = None):
    from anlan.monitoring.api import request_errors

    from .excel import import_permits as run_import

    target = _permit_enterprise(request, enterprise)
    report = run_import(file.read(), user=request.user, enterprise=target)
    if not report.ok:
        return request_errors(request, report.errors)
    return {"created": report.created}


@router.get("/missing", summary="Enterprises that missed the day's commitment, with evidence")
def missing(request, date: Day | None = None):
    """``{enterprise id: {reason, due, submitted_at, link}}``, limited to your scope."""
    day = date or timezone.localdate()
    visible = set(Enterprise.objects.visible_to(request.user).values_list("pk", flat=True))
    return {
        str(pk): evidence
        for pk, evidence in services.missed_commitments(day).items()
        if pk in visible
    }


@router.get("/{commitment_id}", response=CommitmentOut, summary="One commitment")
def get_commitment(request, commitment_id: int = Path(..., ge=1, le=MAX_ID)):
    obj = get_object_or_404(SafetyCommitment.objects.visible_to(request.user), pk=commitment_id)
    return _with_checks(SafetyCommitment.objects.filter(pk=obj.pk))[0]
