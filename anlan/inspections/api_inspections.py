"""API for checklists, inspections, the coverage report and inspection plans (signed in,
scoped; 404 outside the user's jurisdiction; 422 naming the field on bad input)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from anlan.core.models import Region
from anlan.core.pagination import Pagination
from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag
from anlan.registry.models import Enterprise

from . import coverage as cov
from . import services
from .models import (
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    InspectionTask,
    InspectionType,
    ItemResult,
    PlanFrequency,
)

checklist_router = Router(tags=["checklists"])
inspection_router = Router(tags=["inspections"])


class InspectionItemIn(Schema):
    clause: str = Field("", max_length=40, description="Clause id, or empty for a general item")
    text: str = Field("", max_length=2000, description="What to check; defaults to the clause")


class InspectionItemOut(Schema):
    id: int
    order: int
    clause: str | None
    citation: str
    verified: bool
    text: str

    @staticmethod
    def resolve_clause(obj):
        return obj.clause_id

    @staticmethod
    def resolve_citation(obj):
        return obj.clause.citation if obj.clause_id else ""

    @staticmethod
    def resolve_verified(obj):
        return obj.clause.verified if obj.clause_id else True


class ChecklistOut(Schema):
    id: int
    name: str
    industry: str
    risk_flags: list[str]
    is_active: bool
    version: int | None
    items: list[InspectionItemOut]

    @staticmethod
    def resolve_version(obj):
        current = obj.current
        return current.number if current else None

    @staticmethod
    def resolve_items(obj):
        current = obj.current
        return list(current.items.select_related("clause__standard")) if current else []


class ChecklistSummaryOut(Schema):
    id: int
    name: str
    industry: str
    risk_flags: list[str]
    is_active: bool


class ChecklistIn(Schema):
    name: str = Field(..., max_length=100)
    industry: EnterpriseIndustry | None = None
    risk_flags: list[EnterpriseRiskFlag] = []
    extra_items: list[InspectionItemIn] = []
    description: str = Field("", max_length=2000)


class RevisionIn(Schema):
    items: list[InspectionItemIn]
    note: str = Field("", max_length=200)


class InspectionIn(Schema):
    enterprise: int
    kind: InspectionType
    checklist: int = Field(..., description="Checklist id; its current version is used")
    inspected_on: date | None = None
    inspectors: str = Field("", max_length=200)
    peer: int | None = Field(None, description="Inspecting enterprise, for a mutual inspection")


class AnswerOut(Schema):
    item: int
    order: int
    text: str
    clause: str | None
    result: str
    note: str
    hazard_id: int | None

    @staticmethod
    def resolve_item(obj):
        return obj.item_id

    @staticmethod
    def resolve_order(obj):
        return obj.item.order

    @staticmethod
    def resolve_text(obj):
        return obj.item.text

    @staticmethod
    def resolve_clause(obj):
        return obj.item.clause_id


class InspectionOut(Schema):
    id: int
    kind: InspectionType
    enterprise_id: int
    peer_id: int | None
    checklist: str
    inspected_on: date
    inspectors: str
    status: InspectionStatus
    completed_at: datetime | None
    answers: list[AnswerOut]

    @staticmethod
    def resolve_checklist(obj):
        return str(obj.checklist)

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.select_related("item"))


class InspectionSummaryOut(Schema):
    id: int
    kind: InspectionType
    enterprise_id: int
    inspected_on: date
    status: InspectionStatus


class InspectionFilterIn(Schema):
    kind: InspectionType | None = None
    status: InspectionStatus | None = None
    enterprise: int | None = None


class AnswerIn(Schema):
    item: int
    result: ItemResult | None = None
    note: str = Field("", max_length=2000)


class AnswersIn(Schema):
    answers: list[AnswerIn]


class CompletedOut(Schema):
    inspection: InspectionOut
    hazards: list[int] = Field(..., description="Ids of the hazards the failed items became")


class CoverageFilterIn(Schema):
    month: str = Field("", description="YYYY-MM; default last month", max_length=7)
    region: str = Field("", max_length=12)
    industry: EnterpriseIndustry | None = None


class CoverageRowOut(Schema):
    enterprise_id: int
    enterprise: str
    region: str
    self_inspections: int
    mutual_inspections: int
    department_inspections: int


class CoverageOut(Schema):
    start: date
    end: date
    totals: dict[str, int]
    rows: list[CoverageRowOut]


class InspectionPlanIn(Schema):
    name: str = Field(..., max_length=100)
    kind: InspectionType
    checklist: int
    region: str = Field("", max_length=12, description="Region code (or give enterprise)")
    industry: EnterpriseIndustry | None = None
    enterprise: int | None = None
    frequency: PlanFrequency
    starts_on: date | None = None


class InspectionPlanOut(Schema):
    id: int
    name: str
    kind: InspectionType
    template_id: int
    region_code: str
    industry: str
    enterprise_id: int | None
    frequency: PlanFrequency
    starts_on: date
    is_active: bool

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code


class InspectionTaskOut(Schema):
    id: int
    plan_id: int
    enterprise_id: int
    period_start: date
    due_on: date
    inspection_id: int | None

    @staticmethod
    def resolve_inspection_id(obj):
        inspection = getattr(obj, "inspection", None)
        return inspection.pk if inspection else None


# ---------------------------------------------------------------- checklists


@checklist_router.get("", response=list[ChecklistSummaryOut], summary="Checklists")
def list_checklists(request):
    return ChecklistTemplate.objects.all()


@checklist_router.get(
    "/{int:checklist_id}", response=ChecklistOut, summary="One checklist (current version)"
)
def get_checklist(request, checklist_id: int):
    return get_object_or_404(ChecklistTemplate, pk=checklist_id)


@checklist_router.post(
    "", response={201: ChecklistOut}, summary="Build a checklist from the standards"
)
def create_checklist(request, payload: ChecklistIn):
    template = services.create_checklist(
        user=request.user,
        name=payload.name,
        industry=payload.industry or "",
        flags=[str(f) for f in payload.risk_flags],
        extra_items=[i.dict() for i in payload.extra_items],
        description=payload.description,
    )
    return Status(201, template)


@checklist_router.post(
    "/{int:checklist_id}/versions",
    response={201: ChecklistOut},
    summary="Save the items as a new version",
)
def revise_checklist(request, checklist_id: int, payload: RevisionIn):
    template = get_object_or_404(ChecklistTemplate, pk=checklist_id)
    services.revise_checklist(
        template=template,
        user=request.user,
        items=[i.dict() for i in payload.items],
        note=payload.note,
    )
    return Status(201, template)


# ---------------------------------------------------------------- inspections


def _inspection(request, inspection_id: int) -> Inspection:
    return get_object_or_404(Inspection.objects.visible_to(request.user), pk=inspection_id)


def _enterprise(request, pk: int | None, field: str) -> Enterprise | None:
    if pk is None:
        return None
    enterprise = Enterprise.objects.visible_to(request.user).filter(pk=pk).first()
    if enterprise is None:
        raise ValidationError({field: _("No such enterprise in your jurisdiction.")})
    return enterprise


@inspection_router.get(
    "", response=list[InspectionSummaryOut], summary="Inspections in your jurisdiction"
)
@paginate(Pagination)
def list_inspections(request, filters: Query[InspectionFilterIn]):
    qs = Inspection.objects.visible_to(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    return qs


@inspection_router.post("", response={201: InspectionOut}, summary="Start an inspection")
def start(request, payload: InspectionIn):
    template = ChecklistTemplate.objects.filter(pk=payload.checklist, is_active=True).first()
    if template is None:
        raise ValidationError({"checklist": _("No such checklist in use.")})
    inspection = services.start_inspection(
        user=request.user,
        enterprise=_enterprise(request, payload.enterprise, "enterprise"),
        kind=payload.kind,
        template=template,
        inspected_on=payload.inspected_on,
        inspectors=payload.inspectors,
        peer=Enterprise.objects.filter(pk=payload.peer).first() if payload.peer else None,
    )
    return Status(201, inspection)


@inspection_router.get(
    "/{int:inspection_id}", response=InspectionOut, summary="One inspection with its answers"
)
def get_inspection(request, inspection_id: int):
    return _inspection(request, inspection_id)


@inspection_router.post(
    "/{int:inspection_id}/answers", response=InspectionOut, summary="Record answers"
)
def record_answers(request, inspection_id: int, payload: AnswersIn):
    inspection = _inspection(request, inspection_id)
    for a in payload.answers:
        services.answer(
            inspection=inspection,
            user=request.user,
            item_id=a.item,
            result=a.result or "",
            note=a.note,
        )
    return inspection


@inspection_router.post(
    "/{int:inspection_id}/complete",
    response=CompletedOut,
    summary="Complete: every failed item becomes a hazard graded by the determination engine",
)
def complete(request, inspection_id: int):
    inspection = _inspection(request, inspection_id)
    hazards = services.complete_inspection(inspection=inspection, user=request.user)
    inspection.refresh_from_db()
    return {"inspection": inspection, "hazards": [h.pk for h in hazards]}


@inspection_router.get(
    "/coverage", response=CoverageOut, summary="Three-level coverage for a month"
)
def coverage(request, filters: Query[CoverageFilterIn]):
    start, end = services.month_bounds(filters.month or None)
    region = None
    if filters.region:
        region = Region.objects.visible_to(request.user).filter(code=filters.region).first()
        if region is None:
            raise ValidationError({"region": _("No region has this code in your jurisdiction.")})
    report = cov.coverage(request.user, start, end, region=region, industry=filters.industry or "")
    return {
        "start": start,
        "end": end,
        "totals": report.totals,
        "rows": [
            {
                "enterprise_id": r.enterprise.pk,
                "enterprise": r.enterprise.name,
                "region": r.enterprise.region.full_name,
                "self_inspections": r.self_count,
                "mutual_inspections": r.mutual_count,
                "department_inspections": r.department_count,
            }
            for r in report.rows
        ],
    }


@inspection_router.get("/plans", response=list[InspectionPlanOut], summary="Inspection plans")
def list_plans(request):
    return InspectionPlan.objects.visible_to(request.user).select_related("region")


@inspection_router.post(
    "/plans", response={201: InspectionPlanOut}, summary="Create a plan (and this period's tasks)"
)
def create_plan(request, payload: InspectionPlanIn):
    template = ChecklistTemplate.objects.filter(pk=payload.checklist).first()
    if template is None:
        raise ValidationError({"checklist": _("No such checklist.")})
    region = None
    if payload.region:
        region = Region.objects.visible_to(request.user).filter(code=payload.region).first()
        if region is None:
            raise ValidationError({"region": _("No region has this code in your jurisdiction.")})
    plan = services.create_plan(
        user=request.user,
        data={
            "name": payload.name,
            "kind": payload.kind,
            "template": template,
            "region": region,
            "industry": payload.industry or "",
            "enterprise": _enterprise(request, payload.enterprise, "enterprise"),
            "frequency": payload.frequency,
            "starts_on": payload.starts_on,
        },
    )
    services.generate_tasks()
    return Status(201, plan)


@inspection_router.get("/tasks", response=list[InspectionTaskOut], summary="Inspection tasks")
@paginate(Pagination)
def list_tasks(request, open_only: bool = False):
    qs = InspectionTask.objects.visible_to(request.user).select_related("inspection")
    if open_only:
        qs = qs.filter(inspection__isnull=True)
    return qs
