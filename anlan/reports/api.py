from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from anlan.core.downloads import xlsx_response
from anlan.core.pagination import Pagination
from anlan.hazards.stats import hazard_stats
from anlan.registry.models import Enterprise

from . import services as quarterly_services
from .choices import FIRST_YEAR, ReportStatus, SubmissionState
from .excel import category_rows, export_report, export_summary
from .models import QuarterlyHazardReport
from .quarterly import submission_summary, submissions
from .stats import PERIODS, dashboard_figures, enterprise_stats, resolve_region

router = Router(tags=["dashboard"])


class CountOut(Schema):
    code: str
    name: str
    count: int


class CountyCountOut(CountOut):
    city: str


class EnterpriseStatsOut(Schema):
    total: int
    operating: int
    flagged: int
    by_county: list[CountyCountOut]
    by_industry: list[CountOut]
    by_flag: list[CountOut]
    by_status: list[CountOut]


@router.get("/enterprises", response=EnterpriseStatsOut, summary="Dashboard counts (scoped)")
def stats_enterprises(request):
    return enterprise_stats(request.user)


class CountyHazardsOut(Schema):
    code: str
    name: str
    found: int
    closed: int


class MonthHazardsOut(Schema):
    month: str
    found: int
    closed: int


class HazardStatsOut(Schema):
    found: int
    closed: int
    rectification_rate: float | None
    overdue: int
    open_major: int
    by_county: list[CountyHazardsOut]
    by_month: list[MonthHazardsOut]
    by_channel: list[CountOut]


@router.get(
    "/hazards",
    response=HazardStatsOut,
    summary="Hazard figures: rectification rate, overdue, by county and month",
)
def stats_hazards(request):
    return hazard_stats(request.user)


class DashboardIn(Schema):
    region: str = Field(
        "", max_length=12, description="Region code (default: your own region); in your scope"
    )
    period: str = Field("month", description="week, month, quarter or year (containing today)")


class FigureOut(Schema):
    key: str
    label: str
    value: float | None
    url: str = Field(..., description="The ledger page with the filters behind this figure")


class ReportRegionOut(Schema):
    code: str
    name: str


class PeriodOut(Schema):
    kind: str
    label: str
    start: date
    end: date


class BreakdownLinksOut(Schema):
    found: str
    closed: str
    overdue: str
    open_major: str


class BreakdownOut(Schema):
    code: str
    name: str
    found: int
    closed: int
    overdue: int
    open_major: int
    links: BreakdownLinksOut


class SliceOut(Schema):
    code: str
    name: str
    count: int
    url: str


class DashboardOut(Schema):
    region: ReportRegionOut | None
    period: PeriodOut
    today: date
    hazards: list[FigureOut]
    today_figures: list[FigureOut]
    period_figures: list[FigureOut]
    breakdown: list[BreakdownOut]
    commitments_by_status: list[SliceOut]
    warnings_by_colour: list[SliceOut]
    trainings_by_kind: list[SliceOut]


@router.get(
    "/dashboard",
    response=DashboardOut,
    summary="The dashboard's figures for a region and period, each with the link to its ledger",
)
def stats_dashboard(request, filters: Query[DashboardIn]):
    if filters.period not in PERIODS:
        raise ValidationError(
            {
                "period": _("Unknown period “%(value)s”: week, month, quarter or year.")
                % {"value": filters.period[:20]}
            }  # fmt: skip
        )
    region = resolve_region(request.user, filters.region)
    return dashboard_figures(request.user, region=region, period=filters.period)


# --------------------------------------------------------------------------------------------
# Quarterly hazard statistics reports (隐患排查治理情况季度统计报表), mounted at
# /api/quarterly-reports
# --------------------------------------------------------------------------------------------

quarterly_router = Router(tags=["quarterly reports"])


class QuarterIn(Schema):
    year: int = Field(..., ge=FIRST_YEAR, le=2100)
    quarter: int = Field(..., ge=1, le=4)


class ReportFilterIn(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)
    status: ReportStatus | None = None
    enterprise: int | None = None


class GenerateIn(QuarterIn):
    enterprise: int | None = Field(
        None, description="Enterprise id; an enterprise's own users may leave it out"
    )


class RemarksIn(Schema):
    remarks: str = Field(..., max_length=2000)


class SubmitIn(Schema):
    remarks: str | None = Field(None, max_length=2000)


class CategoryCountOut(Schema):
    code: str
    name: str
    count: int


class ReportOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    region_code: str
    region_name: str
    year: int
    quarter: int
    status: ReportStatus
    status_label: str
    found_general: int
    found_major: int
    closed_general: int
    closed_major: int
    rectification_rate: float | None
    general_rate: float | None
    major_rate: float | None
    open_at_end: int
    overdue_at_end: int
    open_major_at_end: int
    listed: int
    major_with_plan: int
    planned_funds: Decimal
    by_category: list[CategoryCountOut]
    remarks: str
    as_of: datetime | None
    generated_at: datetime | None
    due_date: date
    submitted_at: datetime | None
    submitted_by: str
    is_late: bool

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_region_code(obj):
        return obj.enterprise.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.enterprise.region.full_name

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_by_category(obj):
        return category_rows(obj)

    @staticmethod
    def resolve_submitted_by(obj):
        return str(obj.submitted_by) if obj.submitted_by_id else ""


class SubmissionOut(Schema):
    enterprise_id: int
    enterprise_name: str
    region_code: str
    region_name: str
    state: SubmissionState
    state_label: str
    report_id: int | None
    submitted_at: datetime | None

    @staticmethod
    def resolve_enterprise_id(obj):
        return obj.pk

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.name

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.full_name

    @staticmethod
    def resolve_state_label(obj):
        return str(SubmissionState(obj.state).label)


class SummaryFiguresOut(Schema):
    found_general: int
    found_major: int
    closed_general: int
    closed_major: int
    found: int
    closed: int
    rectification_rate: float | None
    open_at_end: int
    overdue_at_end: int
    open_major_at_end: int
    listed: int
    major_with_plan: int
    planned_funds: Decimal


class SummaryOut(Schema):
    year: int
    quarter: int
    due_date: date
    due_passed: bool
    expected: int
    on_time: int
    late: int
    draft: int
    missing: int
    not_submitted: int
    figures: SummaryFiguresOut


class SummaryFilterIn(QuarterIn):
    region: str = Field("", max_length=12, description="Region code; the whole subtree matches")


class SubmissionFilterIn(SummaryFilterIn):
    state: SubmissionState | None = None


class ConflictOut(Schema):
    detail: str


def _reports(request):
    return QuarterlyHazardReport.objects.visible_to(request.user).select_related(
        "enterprise__region", "submitted_by"
    )


def _report(request, report_id: int) -> QuarterlyHazardReport:
    return get_object_or_404(_reports(request), pk=report_id)


def _period(data) -> tuple[int, int]:
    return quarterly_services.check_period(data.year, data.quarter)


@quarterly_router.get(
    "", response=list[ReportOut], summary="Quarterly hazard reports in your scope (filterable)"
)
@paginate(Pagination)
def list_reports(request, filters: Query[ReportFilterIn]):
    qs = _reports(request)
    for name in ("year", "quarter", "status"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    return qs.order_by("-year", "-quarter", "enterprise__region__code", "enterprise__name", "pk")


@quarterly_router.get(
    "/summary",
    response=SummaryOut,
    summary="Who has submitted for a quarter: totals over your scope, and the summed figures",
)
def summary(request, filters: Query[SummaryFilterIn]):
    year, quarter = _period(filters)
    return submission_summary(request.user, year, quarter, region=filters.region)


@quarterly_router.get(
    "/submissions",
    response=list[SubmissionOut],
    summary="Each expected enterprise and where its report stands for a quarter",
)
@paginate(Pagination)
def list_submissions(request, filters: Query[SubmissionFilterIn]):
    year, quarter = _period(filters)
    return submissions(
        request.user, year, quarter, region=filters.region, state=filters.state or ""
    )


@quarterly_router.get("/summary.xlsx", summary="The submission overview of a quarter as Excel")
def summary_xlsx(request, filters: Query[SummaryFilterIn]):
    year, quarter = _period(filters)
    content = export_summary(request.user, year, quarter, region=filters.region)
    return xlsx_response(content, f"quarterly-{year}q{quarter}")


@quarterly_router.post(
    "",
    response={200: ReportOut, 201: ReportOut, 409: ConflictOut},
    summary="Generate the draft for a quarter, or refresh a draft's figures",
)
def generate(request, payload: GenerateIn):
    _period(payload)
    enterprises = Enterprise.objects.visible_to(request.user)
    if payload.enterprise is None:
        enterprise = request.user.enterprise if request.user.enterprise_id else None
    else:
        enterprise = enterprises.filter(pk=payload.enterprise).first()
    if enterprise is None:
        raise ValidationError({"enterprise": _("No such enterprise in your jurisdiction.")})
    existed = QuarterlyHazardReport.objects.filter(
        enterprise=enterprise, year=payload.year, quarter=payload.quarter
    ).exists()
    try:
        report = quarterly_services.generate_report(
            enterprise=enterprise, year=payload.year, quarter=payload.quarter, user=request.user
        )
    except quarterly_services.AlreadySubmitted as exc:
        return Status(409, {"detail": exc.messages[0]})
    return Status(200 if existed else 201, _report(request, report.pk))


@quarterly_router.get("/{int:report_id}", response=ReportOut, summary="One quarterly report")
def get_report(request, report_id: int):
    return _report(request, report_id)


@quarterly_router.get("/{int:report_id}/export.xlsx", summary="One quarterly report as Excel")
def report_xlsx(request, report_id: int):
    report = _report(request, report_id)
    return xlsx_response(
        export_report(report), f"quarterly-{report.year}q{report.quarter}-{report.enterprise_id}"
    )


@quarterly_router.post(
    "/{int:report_id}/regenerate",
    response={200: ReportOut, 409: ConflictOut},
    summary="Refresh a draft's figures from the hazard records",
)
def regenerate(request, report_id: int):
    report = _report(request, report_id)
    try:
        quarterly_services.generate_report(
            enterprise=report.enterprise,
            year=report.year,
            quarter=report.quarter,
            user=request.user,
        )
    except quarterly_services.AlreadySubmitted as exc:
        return Status(409, {"detail": exc.messages[0]})
    return _report(request, report_id)


@quarterly_router.post(
    "/{int:report_id}/remarks",
    response={200: ReportOut, 409: ConflictOut},
    summary="Set the enterprise's remarks on a draft",
)
def remarks(request, report_id: int, payload: RemarksIn):
    try:
        quarterly_services.save_remarks(
            report=_report(request, report_id), user=request.user, remarks=payload.remarks
        )
    except quarterly_services.AlreadySubmitted as exc:
        return Status(409, {"detail": exc.messages[0]})
    return _report(request, report_id)


@quarterly_router.post(
    "/{int:report_id}/submit",
    response={200: ReportOut, 409: ConflictOut},
    summary="Submit the report: its figures are frozen from then on",
)
def submit(request, report_id: int, payload: SubmitIn):
    try:
        quarterly_services.submit_report(
            report=_report(request, report_id), user=request.user, remarks=payload.remarks
        )
    except (quarterly_services.AlreadySubmitted, quarterly_services.FiguresChanged) as exc:
        return Status(409, {"detail": exc.messages[0]})
    return _report(request, report_id)
