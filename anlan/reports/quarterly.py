"""The figures of a quarterly hazard report (隐患排查治理情况季度统计报表), computed from the
hazard records, and the submission overview regulators read.

Definitions (also in the user guide):
- a hazard counts unless it was rejected or merged as a duplicate (as on the dashboard);
- *found*: found within the quarter, by level (一般 / 重大);
- *rectified*: of those found in the quarter, closed (销号) by the quarter's end; 整改率 is
  rectified ÷ found;
- *open at quarter end*: found before the quarter ended (in any quarter) and not closed by then;
  *overdue* of those, the ones whose rectification deadline was before the quarter's last day;
- *listed*: 重大 hazards listed for supervision (挂牌督办) during the quarter;
- *major with a plan*: 重大 hazards open at quarter end that have a 五定 rectification plan;
- *planned funds*: the funds of the plans of hazards found in the quarter.
For the quarter still running the figures run up to the moment they are generated.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, CharField, Count, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone

from anlan.hazards.choices import HazardCategory, HazardLevel
from anlan.hazards.models import Hazard, RectificationPlan, SupervisionListing
from anlan.hazards.stats import countable, rectification_rate
from anlan.registry.choices import EnterpriseStatus
from anlan.registry.models import Enterprise

from .choices import ReportStatus, SubmissionState
from .models import FIGURE_FIELDS, QuarterlyHazardReport, due_date, quarter_bounds


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def compute_figures(enterprise, year: int, quarter: int, *, now=None) -> dict:
    """The report's figures for ``enterprise`` from its hazard records, and ``as_of``."""
    now = now or timezone.now()
    first, after = quarter_bounds(year, quarter)
    start, end = _aware(first), min(_aware(after), now)
    last_day = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    hazards = countable(Hazard.objects.filter(enterprise=enterprise))
    found = hazards.filter(found_at__gte=start, found_at__lt=end)
    closed_by_end = Q(closed_at__isnull=False, closed_at__lt=end)
    open_at_end = hazards.filter(found_at__lt=end).exclude(closed_by_end)
    major = Q(level=HazardLevel.MAJOR)
    general = Q(level=HazardLevel.GENERAL)
    figures = found.aggregate(
        found_general=Count("pk", filter=general),
        found_major=Count("pk", filter=major),
        closed_general=Count("pk", filter=general & closed_by_end),
        closed_major=Count("pk", filter=major & closed_by_end),
    )
    figures |= open_at_end.aggregate(
        open_at_end=Count("pk"),
        overdue_at_end=Count("pk", filter=Q(deadline__lt=last_day)),
        open_major_at_end=Count("pk", filter=major),
        major_with_plan=Count("pk", filter=major & Q(plan__isnull=False)),
    )
    figures["listed"] = SupervisionListing.objects.filter(
        hazard__in=hazards, listed_at__gte=first, listed_at__lte=last_day
    ).count()
    funds = RectificationPlan.objects.filter(hazard__in=found).aggregate(s=Sum("funds"))["s"]
    figures["planned_funds"] = funds or Decimal("0")
    per_category = dict(found.values_list("category").annotate(n=Count("pk")).order_by())
    figures["by_category"] = {
        value: per_category[value] for value in HazardCategory.values if per_category.get(value)
    }
    figures["as_of"] = end
    return figures


def figures_differ(report: QuarterlyHazardReport, figures: dict) -> bool:
    return any(getattr(report, name) != figures[name] for name in FIGURE_FIELDS) or (
        report.by_category != figures["by_category"]
    )


# --------------------------------------------------------------------------------------------
# What regulators see: who has submitted for a quarter
# --------------------------------------------------------------------------------------------


def expected_enterprises(user):
    """Enterprises in the user's scope that must report: every one not closed down."""
    return Enterprise.objects.visible_to(user).exclude(status=EnterpriseStatus.CLOSED)


def submissions(user, year: int, quarter: int, *, region: str = "", state: str = ""):
    """Expected enterprises annotated with their report for the quarter (``report_id``,
    ``report_status``, ``submitted_at``, ``state``); ``state`` filters by SubmissionState."""
    from anlan.core.models import Region

    qs = expected_enterprises(user)
    if region:
        found = Region.objects.filter(code=region).first()
        subtree = Region.objects.filter(prefix__startswith=found.prefix) if found else None
        qs = qs.filter(region__in=subtree.values("pk")) if found else qs.none()
    reports = QuarterlyHazardReport.objects.filter(
        enterprise=OuterRef("pk"), year=year, quarter=quarter
    )
    qs = qs.annotate(
        report_id=Subquery(reports.values("pk")[:1]),
        report_status=Subquery(reports.values("status")[:1]),
        report_late=Subquery(reports.values("submitted_late")[:1]),
        submitted_at=Subquery(reports.values("submitted_at")[:1]),
    ).annotate(
        state=Case(
            When(report_status=ReportStatus.SUBMITTED, report_late=False, then=Value("on_time")),
            When(report_status=ReportStatus.SUBMITTED, then=Value("late")),
            When(report_status=ReportStatus.DRAFT, then=Value("draft")),
            default=Value("missing"),
            output_field=CharField(),
        )
    )
    if state in SubmissionState.values:
        qs = qs.filter(state=state)
    return qs.select_related("region").order_by("region__code", "name", "pk")


def submission_summary(user, year: int, quarter: int, *, region: str = "") -> dict:
    """Totals for the quarter over the user's scope: how many enterprises are expected, have
    submitted on time or late, have a draft, or nothing; and the figures summed over the
    submitted reports."""
    rows = submissions(user, year, quarter, region=region)
    counts = rows.order_by().aggregate(
        expected=Count("pk"),
        **{s: Count("pk", filter=Q(state=s)) for s in SubmissionState.values},
    )
    submitted = QuarterlyHazardReport.objects.filter(
        enterprise__in=rows.order_by().values("pk"),
        year=year,
        quarter=quarter,
        status=ReportStatus.SUBMITTED,
    )
    sums = submitted.aggregate(**{name: Sum(name) for name in FIGURE_FIELDS})
    sums = {name: value or 0 for name, value in sums.items()}
    found = sums["found_general"] + sums["found_major"]
    closed = sums["closed_general"] + sums["closed_major"]
    due = due_date(year, quarter)
    return {
        "year": year,
        "quarter": quarter,
        "due_date": due,
        "due_passed": timezone.localdate() > due,
        **counts,
        "not_submitted": counts["draft"] + counts["missing"],
        "figures": {
            **sums,
            "found": found,
            "closed": closed,
            "rectification_rate": rectification_rate(closed, found),
        },
    }
