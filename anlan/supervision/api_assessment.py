"""API of assessment schemes and assessments (mounted at /api/office).

Every look-up goes through ``visible_to``: 404 outside the user's scope, 403 for what only the
committee office may do, 422 naming the field for bad input."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from anlan.core.api import MAX_ID
from anlan.core.models import Region
from anlan.core.pagination import Pagination

from . import assessment as services
from . import periods
from .models import Assessment, AssessmentScheme, Indicator

router = Router(tags=["assessments"])
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# ---------------------------------------------------------------- schemas


class IndicatorOut(Schema):
    id: int
    parent_id: int | None
    code: str
    name: str
    kind: str
    weight: float
    source: str
    metric: str
    rule: str
    params: dict[str, Any]
    guidance: str
    order: int
    depth: int = 0


class SchemeOut(Schema):
    id: int
    region: str
    name: str
    period: str
    applies_to: str
    full_marks: float
    decimals: int
    active: bool
    note: str

    @staticmethod
    def resolve_region(obj):
        return obj.region.code


class SchemeDetailOut(SchemeOut):
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj):
        return services.tree(obj)


class SchemeIn(Schema):
    region: str = Field(..., max_length=12, description="Committee region code, e.g. 140729")
    name: str = Field(..., min_length=1, max_length=120)
    period: str = Field(..., description="month | half | year")
    applies_to: str = "all"
    full_marks: float = Field(100, gt=0, le=1000)
    decimals: int = Field(1, ge=0, le=2)
    active: bool = True
    note: str = Field("", max_length=2000)


class SchemePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    applies_to: str | None = None
    full_marks: float | None = Field(None, gt=0, le=1000)
    decimals: int | None = Field(None, ge=0, le=2)
    active: bool | None = None
    note: str | None = Field(None, max_length=2000)


class CopyIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    period: str | None = Field(None, description="month | half | year (default: the same)")


class IndicatorIn(Schema):
    parent: Id | None = None
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., description="group | scored | bonus | deduction | veto")
    weight: float = Field(0, ge=0, le=9999)
    source: str = Field("manual", description="manual | computed | rollup")
    metric: str = Field("", max_length=40)
    rule: str = Field("direct", description="linear | per_unit | threshold | direct")
    params: dict[str, Any] = Field(default_factory=dict)
    guidance: str = Field("", max_length=2000)
    order: int = Field(0, ge=0, le=32767)


class IndicatorPatch(Schema):
    parent: Id | None = None
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: str | None = None
    weight: float | None = Field(None, ge=0, le=9999)
    source: str | None = None
    metric: str | None = Field(None, max_length=40)
    rule: str | None = None
    params: dict[str, Any] | None = None
    guidance: str | None = Field(None, max_length=2000)
    order: int | None = Field(None, ge=0, le=32767)


class PeriodIn(Schema):
    period: str = Field(..., max_length=10, description="YYYY-MM or YYYY-MM-DD in the period")


class ScoreOut(Schema):
    indicator_id: int
    code: str
    name: str
    kind: str
    weight: float
    value: float | None
    points: float
    vetoes: bool
    detail: dict[str, Any]
    evidence: str
    files: list[str]

    @staticmethod
    def resolve_code(obj):
        return obj.indicator.code

    @staticmethod
    def resolve_name(obj):
        return obj.indicator.name

    @staticmethod
    def resolve_kind(obj):
        return obj.indicator.kind

    @staticmethod
    def resolve_weight(obj):
        return float(obj.indicator.weight)

    @staticmethod
    def resolve_files(obj):
        return [f.original_name for f in obj.files.all()]


class AssessmentOut(Schema):
    id: int
    scheme_id: int
    unit_id: int
    unit: str
    period_start: dt.date
    period_end: dt.date
    state: str
    total: float | None
    grade: str
    vetoed: bool
    veto_reason: str
    rank: int | None
    computed_at: dt.datetime | None
    signed_at: dt.datetime | None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name


class AssessmentDetailOut(AssessmentOut):
    comment: str
    scores: list[ScoreOut]

    @staticmethod
    def resolve_scores(obj):
        return list(
            obj.scores.select_related("indicator")
            .prefetch_related("files")
            .order_by("indicator__order", "indicator__code")
        )


class ComputeOut(Schema):
    scheme_id: int
    period_start: dt.date
    created: int
    refreshed: int
    locked: int
    assessments: list[AssessmentOut]


class ScoreIn(Schema):
    indicator: Id
    value: float = Field(..., ge=-1e7, le=1e7)
    evidence: str = Field(..., max_length=4000)


class CommentIn(Schema):
    comment: str = Field("", max_length=2000)


# ---------------------------------------------------------------- helpers


def _schemes(request):
    return AssessmentScheme.objects.visible_to(request.user).select_related("region")


def _assessments(request):
    return Assessment.objects.visible_to(request.user).select_related("unit", "scheme__region")


def _period(text: str, field: str = "period") -> dt.date:
    try:
        return periods.parse_period(text)
    except (ValueError, TypeError):
        raise ValidationError({field: _("Give the period as YYYY-MM or YYYY-MM-DD.")}) from None


def _decimalise(data: dict, *names) -> dict:
    for name in names:
        if data.get(name) is not None:
            data[name] = Decimal(str(data[name]))
    return data


# ---------------------------------------------------------------- schemes


@router.get("/schemes", response=list[SchemeOut], summary="Assessment schemes you can see")
@paginate(Pagination)
def list_schemes(request, period: str = "", region: str = ""):
    qs = _schemes(request)
    if period:
        qs = qs.filter(period=period)
    if region:
        qs = qs.filter(region__code=region)
    return qs


@router.post("/schemes", response={201: SchemeDetailOut}, summary="Create a scheme")
def create_scheme(request, payload: SchemeIn):
    region = Region.objects.filter(code=payload.region).first()
    if region is None:
        raise ValidationError({"region": _("No such region.")})
    data = _decimalise(payload.dict(exclude={"region"}), "full_marks")
    scheme = services.save_scheme(user=request.user, region=region, data=data)
    return Status(201, scheme)


@router.get("/schemes/{scheme_id}", response=SchemeDetailOut, summary="A scheme and its tree")
def get_scheme(request, scheme_id: Id):
    return get_object_or_404(_schemes(request), pk=scheme_id)


@router.patch("/schemes/{scheme_id}", response=SchemeDetailOut, summary="Edit a scheme")
def edit_scheme(request, scheme_id: Id, payload: SchemePatch):
    scheme = get_object_or_404(_schemes(request), pk=scheme_id)
    data = _decimalise(payload.dict(exclude_unset=True), "full_marks")
    return services.save_scheme(user=request.user, region=scheme.region, data=data, scheme=scheme)


@router.post("/schemes/{scheme_id}/copy", response={201: SchemeDetailOut}, summary="Copy a scheme")
def copy_scheme(request, scheme_id: Id, payload: CopyIn):
    scheme = get_object_or_404(_schemes(request), pk=scheme_id)
    copy = services.copy_scheme(
        user=request.user, scheme=scheme, name=payload.name, period=payload.period
    )
    return Status(201, copy)


@router.post(
    "/schemes/{scheme_id}/indicators",
    response={201: IndicatorOut},
    summary="Add an item or group to a scheme",
)
def add_indicator(request, scheme_id: Id, payload: IndicatorIn):
    scheme = get_object_or_404(_schemes(request), pk=scheme_id)
    data = _decimalise(payload.dict(), "weight")
    return Status(201, services.save_indicator(user=request.user, scheme=scheme, data=data))


@router.patch(
    "/schemes/{scheme_id}/indicators/{indicator_id}",
    response=IndicatorOut,
    summary="Edit an item",
)
def edit_indicator(request, scheme_id: Id, indicator_id: Id, payload: IndicatorPatch):
    scheme = get_object_or_404(_schemes(request), pk=scheme_id)
    indicator = get_object_or_404(Indicator, scheme=scheme, pk=indicator_id)
    data = _decimalise(payload.dict(exclude_unset=True), "weight")
    return services.save_indicator(user=request.user, scheme=scheme, data=data, indicator=indicator)


@router.delete(
    "/schemes/{scheme_id}/indicators/{indicator_id}",
    response={204: None},
    summary="Delete an item (and the items of a group)",
)
def delete_indicator(request, scheme_id: Id, indicator_id: Id):
    scheme = get_object_or_404(_schemes(request), pk=scheme_id)
    indicator = get_object_or_404(Indicator, scheme=scheme, pk=indicator_id)
    services.delete_indicator(user=request.user, indicator=indicator)
    return Status(204, None)


@router.post(
    "/schemes/{scheme_id}/compute",
    response=ComputeOut,
    summary="Compute (or refresh) a period's assessments; signed ones stay as they are",
)
def compute(request, scheme_id: Id, payload: PeriodIn):
    scheme = get_object_or_404(_schemes(request), pk=scheme_id)
    run = services.compute(scheme, _period(payload.period), user=request.user)
    return {
        "scheme_id": scheme.pk,
        "period_start": run.period_start,
        "created": run.created,
        "refreshed": run.refreshed,
        "locked": run.locked,
        "assessments": run.assessments,
    }


# ---------------------------------------------------------------- assessments


@router.get(
    "/assessments",
    response=list[AssessmentOut],
    summary="Assessments you can see; with scheme and period: the ranking table",
)
@paginate(Pagination)
def list_assessments(request, scheme: Id | None = None, period: str = ""):
    qs = _assessments(request)
    if scheme:
        qs = qs.filter(scheme_id=scheme)
    if period:
        qs = qs.filter(period_start__lte=_period(period), period_end__gte=_period(period))
        qs = qs.order_by("vetoed", "rank", "unit__name")
    return qs


@router.get("/assessments/{assessment_id}", response=AssessmentDetailOut, summary="One assessment")
def get_assessment(request, assessment_id: Id):
    return get_object_or_404(_assessments(request), pk=assessment_id)


@router.post(
    "/assessments/{assessment_id}/scores",
    response=AssessmentDetailOut,
    summary="Enter a manual item's value with its evidence",
)
def enter_score(request, assessment_id: Id, payload: ScoreIn):
    assessment = get_object_or_404(_assessments(request), pk=assessment_id)
    indicator = Indicator.objects.filter(scheme=assessment.scheme_id, pk=payload.indicator).first()
    if indicator is None:
        raise ValidationError({"indicator": _("No such item in this assessment's scheme.")})
    services.enter_score(
        user=request.user,
        assessment=assessment,
        indicator=indicator,
        value=Decimal(str(payload.value)),
        evidence=payload.evidence,
    )
    return _assessments(request).get(pk=assessment.pk)


@router.post(
    "/assessments/{assessment_id}/submit",
    response=AssessmentDetailOut,
    summary="Submit a draft for review",
)
def submit(request, assessment_id: Id):
    assessment = get_object_or_404(_assessments(request), pk=assessment_id)
    return services.submit(user=request.user, assessment=assessment)


@router.post(
    "/assessments/{assessment_id}/return",
    response=AssessmentDetailOut,
    summary="Return an assessment under review to draft",
)
def return_to_draft(request, assessment_id: Id, payload: CommentIn):
    assessment = get_object_or_404(_assessments(request), pk=assessment_id)
    return services.return_to_draft(
        user=request.user, assessment=assessment, comment=payload.comment
    )


@router.post(
    "/assessments/{assessment_id}/sign",
    response=AssessmentDetailOut,
    summary="Sign off an assessment under review (locks it)",
)
def sign(request, assessment_id: Id, payload: CommentIn):
    assessment = get_object_or_404(_assessments(request), pk=assessment_id)
    return services.sign(user=request.user, assessment=assessment, comment=payload.comment)
