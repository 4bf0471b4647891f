"""API for risk points, their assessment, control measures and checks, the risk list and the
four-colour map (mounted under /api/enterprises). Scoped by ``visible_to``: anything outside the
user's jurisdiction is a 404; bad input is a 422 naming the field."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anlan.core.downloads import xlsx_response
from anlan.core.pagination import Pagination
from anlan.core.uploads import check_upload

from . import risk_excel, risks
from .choices import AssessmentMethod, CheckFrequency, CheckResult, RiskGrade, RiskPointKind
from .grading import plain
from .models import ControlMeasure, Enterprise, MeasureCheck, RiskPoint

router = Router(tags=["risk points"])

# A number field for L, E, C: any number is accepted by the schema and checked against the
# table by the service, so an off-table value is a 422 naming the field, not a schema error.
Num = Decimal | None


class MeasureOut(Schema):
    id: int
    text: str
    person_id: int | None
    responsible_name: str
    responsible_mobile: str
    frequency: CheckFrequency
    frequency_text: str
    every_days: int | None
    starts_on: dt.date
    next_due: dt.date

    @staticmethod
    def resolve_next_due(obj):
        if hasattr(obj, "last_done"):
            return risks.next_due(obj, obj.last_done)
        return risks.next_due(obj)


class RiskPointOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    name: str
    kind: RiskPointKind
    kind_label: str
    location: str
    latitude: Decimal | None
    longitude: Decimal | None
    hazard_factors: list[str]
    method: AssessmentMethod
    lec_l: str | None
    lec_e: str | None
    lec_c: str | None
    ls_l: int | None
    ls_s: int | None
    score: str
    grade: RiskGrade
    grade_label: str
    assessed_at: dt.datetime
    measures: list[MeasureOut]

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_hazard_factors(obj):
        return obj.factors

    @staticmethod
    def resolve_lec_l(obj):
        return plain(obj.lec_l) or None

    @staticmethod
    def resolve_lec_e(obj):
        return plain(obj.lec_e) or None

    @staticmethod
    def resolve_lec_c(obj):
        return plain(obj.lec_c) or None

    @staticmethod
    def resolve_score(obj):
        return plain(obj.score)

    @staticmethod
    def resolve_grade_label(obj):
        return str(obj.get_grade_display())

    @staticmethod
    def resolve_measures(obj):
        return list(obj.measures.all())


class RiskAssessmentIn(Schema):
    method: AssessmentMethod
    lec_l: Num = Field(None, description="L: 10, 6, 3, 1, 0.5, 0.2 or 0.1")
    lec_e: Num = Field(None, description="E: 10, 6, 3, 2, 1 or 0.5")
    lec_c: Num = Field(None, description="C: 100, 40, 15, 7, 3 or 1")
    ls_l: Num = Field(None, description="L: 1 to 5")
    ls_s: Num = Field(None, description="S: 1 to 5")


class RiskPointPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: RiskPointKind | None = None
    location: str | None = Field(None, max_length=255)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    hazard_factors: list[str] | None = Field(None, max_length=100)


class RiskPointIn(RiskPointPatch, RiskAssessmentIn):
    name: str = Field(..., min_length=1, max_length=200)
    kind: RiskPointKind


class MeasureIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000)
    person: int | None = Field(None, description="A responsible person of the enterprise (id)")
    person_name: str = Field("", max_length=50, description="Or the name of another person")
    person_mobile: str = Field("", max_length=20)
    frequency: CheckFrequency
    every_days: int | None = Field(None, ge=1, le=366)
    starts_on: dt.date | None = None


class MeasurePatch(Schema):
    text: str | None = Field(None, min_length=1, max_length=2000)
    person: int | None = None
    person_name: str | None = Field(None, max_length=50)
    person_mobile: str | None = Field(None, max_length=20)
    frequency: CheckFrequency | None = None
    every_days: int | None = Field(None, ge=1, le=366)
    starts_on: dt.date | None = None


class RiskAssessmentOut(Schema):
    when: dt.datetime
    user: str
    method: str
    values: str
    score: str
    grade: str


class RiskCheckOut(Schema):
    id: int
    measure_id: int
    due_on: dt.date
    done_at: dt.datetime
    done_by: str
    result: CheckResult
    note: str
    has_photo: bool
    hazard_id: int | None
    hazard_code: str | None

    @staticmethod
    def resolve_done_by(obj):
        return str(obj.done_by) if obj.done_by_id else ""

    @staticmethod
    def resolve_has_photo(obj):
        return bool(obj.photo)

    @staticmethod
    def resolve_hazard_code(obj):
        return obj.hazard.code if obj.hazard_id else None


class RiskDueOut(Schema):
    measure_id: int
    measure: str
    risk_point_id: int
    risk_point: str
    grade: RiskGrade
    enterprise_id: int
    enterprise: str
    responsible_name: str
    frequency_text: str
    due_on: dt.date
    overdue_days: int


class RiskFilterIn(Schema):
    region: str = Field("", max_length=12, description="Region code; the whole subtree matches")
    grade: RiskGrade | None = None
    kind: RiskPointKind | None = None
    enterprise: int | None = Field(None, ge=1, le=2**31)


class MapFilterIn(Schema):
    region: str = Field("", max_length=12)
    grade: str = Field("", description="red, orange, yellow, blue or none (not assessed)")


class DueFilterIn(Schema):
    enterprise: int | None = Field(None, ge=1, le=2**31)


class MapPointOut(Schema):
    id: int
    name: str
    lat: float
    lon: float
    region: str
    level: str
    level_label: str
    colour: str
    counts: dict[str, int]
    url: str


def _enterprise(request, enterprise_id: int) -> Enterprise:
    return get_object_or_404(
        Enterprise.objects.visible_to(request.user).select_related("region"), pk=enterprise_id
    )


def _points(request):
    return (
        RiskPoint.objects.visible_to(request.user)
        .select_related("enterprise__region")
        .prefetch_related("measures__person")
    )


def _point(request, point_id: int) -> RiskPoint:
    return get_object_or_404(_points(request), pk=point_id)


def _measure(request, measure_id: int) -> ControlMeasure:
    return get_object_or_404(
        ControlMeasure.objects.visible_to(request.user).select_related(
            "risk_point__enterprise__region", "person"
        ),
        pk=measure_id,
    )


def _filter(filters) -> risks.RiskFilter:
    return risks.RiskFilter.from_params(filters.dict(exclude_none=True))


@router.get(
    "/risk-points",
    response=list[RiskPointOut],
    summary="The risk list: risk points (scoped, filtered by region, grade, kind, enterprise)",
)
@paginate(Pagination)
def list_risk_points(request, filters: Query[RiskFilterIn]):
    return (
        _filter(filters)
        .points(_points(request))
        .order_by("enterprise__region__code", "enterprise__name", "name", "pk")
    )


@router.get("/risk-points/export.xlsx", summary="The risk list (风险清单) as Excel")
def export_risk_points(request, filters: Query[RiskFilterIn]):
    points = _filter(filters).points(RiskPoint.objects.visible_to(request.user))
    return xlsx_response(risk_excel.export_risk_list(points), "risk-list")


@router.get(
    "/risk-map",
    response=list[MapPointOut],
    summary="Enterprises with coordinates, coloured by their derived risk level",
)
def risk_map(request, filters: Query[MapFilterIn]):
    flt = risks.RiskFilter.from_params(filters.dict())
    enterprises = flt.enterprises(
        Enterprise.objects.visible_to(request.user).select_related("region")
    )
    return risks.map_features(enterprises)


@router.get(
    "/control-checks/due",
    response=list[RiskDueOut],
    summary="Control-measure checks due today or overdue (derived from frequency and last check)",
)
def due_checks(request, filters: Query[DueFilterIn]):
    measures = ControlMeasure.objects.visible_to(request.user)
    if filters.enterprise is not None:
        measures = measures.filter(risk_point__enterprise_id=filters.enterprise)
    return [
        {
            "measure_id": d.measure.pk,
            "measure": d.measure.text,
            "risk_point_id": d.measure.risk_point_id,
            "risk_point": d.measure.risk_point.name,
            "grade": d.measure.risk_point.grade,
            "enterprise_id": d.enterprise.pk,
            "enterprise": d.enterprise.name,
            "responsible_name": d.measure.responsible_name,
            "frequency_text": d.measure.frequency_text,
            "due_on": d.due_on,
            "overdue_days": d.overdue_days,
        }
        for d in risks.due_checks(measures)
    ]


@router.post(
    "/{int:enterprise_id}/risk-points",
    response={201: RiskPointOut},
    summary="Add a risk point with its assessment",
)
def create_risk_point(request, enterprise_id: int, payload: RiskPointIn):
    enterprise = _enterprise(request, enterprise_id)
    point = risks.save_risk_point(
        user=request.user, enterprise=enterprise, data=payload.dict(exclude_unset=True)
    )
    return Status(201, _point(request, point.pk))


@router.get("/risk-points/{int:point_id}", response=RiskPointOut, summary="One risk point")
def get_risk_point(request, point_id: int):
    return _point(request, point_id)


@router.patch(
    "/risk-points/{int:point_id}",
    response=RiskPointOut,
    summary="Change a risk point (send method and values together to re-assess)",
)
def update_risk_point(request, point_id: int, payload: RiskPointPatch):
    point = _point(request, point_id)
    risks.save_risk_point(
        user=request.user,
        enterprise=point.enterprise,
        data=payload.dict(exclude_unset=True),
        point=point,
    )
    return _point(request, point_id)


@router.delete("/risk-points/{int:point_id}", response={204: None}, summary="Remove a risk point")
def delete_risk_point(request, point_id: int):
    risks.delete_risk_point(user=request.user, point=_point(request, point_id))
    return Status(204, None)


@router.post(
    "/risk-points/{int:point_id}/assessment",
    response=RiskPointOut,
    summary="Re-assess a risk point (LEC or L×S); the grade follows the cut-offs in force",
)
def assess(request, point_id: int, payload: RiskAssessmentIn):
    point = _point(request, point_id)
    risks.assess_risk_point(user=request.user, point=point, data=payload.dict())
    return _point(request, point_id)


@router.get(
    "/risk-points/{int:point_id}/assessments",
    response=list[RiskAssessmentOut],
    summary="The assessments a risk point has had, newest first",
)
def assessments(request, point_id: int):
    point = _point(request, point_id)
    return [
        {
            "when": r.history_date,
            "user": str(r.history_user) if r.history_user_id else "",
            "method": r.method,
            "values": r.instance.values_text,
            "score": plain(r.score),
            "grade": r.grade,
        }
        for r in risks.assessment_history(point)
    ]


@router.post(
    "/risk-points/{int:point_id}/measures",
    response={201: MeasureOut},
    summary="Add a control measure (a responsible person, or a named person with mobile)",
)
def add_measure(request, point_id: int, payload: MeasureIn):
    point = _point(request, point_id)
    measure = risks.save_measure(user=request.user, point=point, data=payload.dict())
    return Status(201, measure)


@router.patch("/measures/{int:measure_id}", response=MeasureOut, summary="Change a control measure")
def update_measure(request, measure_id: int, payload: MeasurePatch):
    measure = _measure(request, measure_id)
    return risks.save_measure(
        user=request.user,
        point=measure.risk_point,
        data=payload.dict(exclude_unset=True),
        measure=measure,
    )


@router.delete("/measures/{int:measure_id}", response={204: None}, summary="Remove a measure")
def delete_measure(request, measure_id: int):
    risks.delete_measure(user=request.user, measure=_measure(request, measure_id))
    return Status(204, None)


@router.get(
    "/measures/{int:measure_id}/checks",
    response=list[RiskCheckOut],
    summary="Checks of a control measure, newest first",
)
def list_checks(request, measure_id: int):
    measure = _measure(request, measure_id)
    return list(
        MeasureCheck.objects.filter(measure=measure).select_related("done_by", "hazard")[:200]
    )


@router.post(
    "/measures/{int:measure_id}/checks",
    response={201: RiskCheckOut},
    summary="Record a check (pass or fail; a failed check opens a hazard)",
)
def record_check(
    request,
    measure_id: int,
    result: Form[CheckResult],
    note: Form[str] = "",
    photo: File[UploadedFile] | None = None,
):
    measure = _measure(request, measure_id)
    if len(note) > 2000:
        raise ValidationError({"note": _("Keep the note under 2,000 characters.")})
    checked = check_upload(photo.read(), photo.name or "photo", field="photo") if photo else None
    check = risks.record_check(
        user=request.user, measure=measure, result=result, note=note, photo=checked
    )
    return Status(201, MeasureCheck.objects.select_related("done_by", "hazard").get(pk=check.pk))
