from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlan.core.downloads import xlsx_response
from anlan.core.models import Region
from anlan.registry.models import Enterprise

from . import services
from .choices import FIRST_YEAR, STATE_COLOURS, SubmissionState
from .excel import category_rows, export_report, export_summary, report_rows
from .models import QuarterlyHazardReport, due_date, previous_quarter
from .quarterly import submission_summary, submissions
from .stats import (
    PERIOD_LABELS,
    PERIODS,
    dashboard_figures,
    default_region,
    enterprise_stats,
    pickable_regions,
    resolve_region,
)


def dashboard_choice(request) -> tuple[Region | None, str]:
    """The region and period asked for; a region the viewer may not see, or an unknown period,
    shows an error and falls back to the default (the viewer's own region, this month)."""
    user = request.user
    period = request.GET.get("period", "").strip() or settings.ANLAN_DASHBOARD_PERIOD
    if period not in PERIODS:
        messages.error(request, _("Unknown period “%(value)s”.") % {"value": period[:20]})
        period = "month"
    try:
        region = resolve_region(user, request.GET.get("region", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        region = default_region(user)
    return region, period


@login_required
def dashboard(request):
    """The city / county dashboard: every figure links to the ledger rows behind it."""
    region, period = dashboard_choice(request)
    figures = dashboard_figures(request.user, region=region, period=period)
    return render(
        request,
        "reports/dashboard.html",
        {
            "data": figures,
            "stats": enterprise_stats(request.user, region),
            "regions": pickable_regions(request.user),
            "region": region,
            "period": period,
            "periods": [(p, PERIOD_LABELS[p]) for p in PERIODS],
            "charts": {
                "breakdown": figures["breakdown"],
                "commitments": figures["commitments_by_status"],
                "warnings": figures["warnings_by_colour"],
                "trainings": figures["trainings_by_kind"],
            },
        },
    )


def _chosen_quarter(request) -> tuple[int, int]:
    """The quarter asked for in the query string, or the last one that has ended; a bad value
    shows an error and falls back to that default."""
    default = previous_quarter()
    if "year" not in request.GET and "quarter" not in request.GET:
        return default
    try:
        return services.check_period(
            request.GET.get("year", default[0]), request.GET.get("quarter", default[1])
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return default


def _reports(request):
    return QuarterlyHazardReport.objects.visible_to(request.user).select_related(
        "enterprise__region", "submitted_by"
    )


def _quarter_choices():
    today = timezone.localdate()
    return {"years": range(today.year, FIRST_YEAR - 1, -1), "quarters": (1, 2, 3, 4)}


@login_required
def quarterly_list(request):
    """Enterprise users: their reports and a form to prepare one. Everyone else: who in their
    scope has submitted for the chosen quarter."""
    user = request.user
    year, quarter = _chosen_quarter(request)
    if user.enterprise_id:
        enterprise = user.enterprise
        return render(
            request,
            "reports/quarterly_mine.html",
            {
                "reports": _reports(request).filter(enterprise=enterprise),
                "can_prepare": services.can_prepare(user, enterprise),
                "year": year,
                "quarter": quarter,
                "due_date": due_date(year, quarter),
                **_quarter_choices(),
            },
        )
    region = request.GET.get("region", "")[:12]
    state = request.GET.get("state", "")
    state = state if state in SubmissionState.values else ""
    rows = submissions(user, year, quarter, region=region, state=state)
    page = Paginator(rows, settings.ANLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    state_query = query.copy()
    state_query.pop("state", None)
    return render(
        request,
        "reports/quarterly_overview.html",
        {
            "summary": submission_summary(user, year, quarter, region=region),
            "page": page,
            "year": year,
            "quarter": quarter,
            "region": region,
            "state": state,
            "states": SubmissionState.choices,
            "state_colours": STATE_COLOURS,
            "query": query.urlencode(),
            "state_query": state_query.urlencode(),
            "regions": Region.objects.visible_to(user)
            .filter(level__in=["city", "county", "township"])
            .order_by("code"),
            **_quarter_choices(),
        },
    )


@login_required
def quarterly_summary_export(request):
    year, quarter = _chosen_quarter(request)
    content = export_summary(request.user, year, quarter, region=request.GET.get("region", "")[:12])
    return xlsx_response(content, f"quarterly-{year}q{quarter}")


@login_required
@require_POST
def quarterly_generate(request):
    user = request.user
    enterprise_id = request.POST.get("enterprise") or user.enterprise_id
    enterprise = (
        Enterprise.objects.visible_to(user).filter(pk=enterprise_id).first()
        if str(enterprise_id or "").isdigit()
        else None
    )
    if enterprise is None:
        raise Http404
    try:
        report = services.generate_report(
            enterprise=enterprise,
            year=request.POST.get("year"),
            quarter=request.POST.get("quarter"),
            user=user,
        )
    except services.AlreadySubmitted as exc:
        messages.error(request, exc.messages[0])
        existing = QuarterlyHazardReport.objects.get(
            enterprise=enterprise, year=request.POST["year"], quarter=request.POST["quarter"]
        )
        return redirect("reports:quarterly_detail", pk=existing.pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:quarterly")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("reports:quarterly")
    messages.success(request, _("The figures were generated from the hazard records."))
    return redirect("reports:quarterly_detail", pk=report.pk)


@login_required
def quarterly_detail(request, pk):
    report = get_object_or_404(_reports(request), pk=pk)
    return render(
        request,
        "reports/quarterly_detail.html",
        {
            "report": report,
            "rows": report_rows(report),
            "categories": category_rows(report),
            "can_prepare": services.can_prepare(request.user, report.enterprise)
            and not report.is_submitted,
            "quarter_ended": timezone.localdate() >= report.bounds[1],
        },
    )


@login_required
def quarterly_export(request, pk):
    report = get_object_or_404(_reports(request), pk=pk)
    return xlsx_response(
        export_report(report), f"quarterly-{report.year}q{report.quarter}-{report.enterprise_id}"
    )


ACTIONS = {"regenerate", "remarks", "submit"}


@login_required
@require_POST
def quarterly_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    report = get_object_or_404(_reports(request), pk=pk)
    user = request.user
    remarks = request.POST.get("remarks", "")[:2000]
    try:
        if action == "regenerate":
            services.generate_report(
                enterprise=report.enterprise, year=report.year, quarter=report.quarter, user=user
            )
            messages.success(request, _("The figures were generated from the hazard records."))
        elif action == "remarks":
            services.save_remarks(report=report, user=user, remarks=remarks)
            messages.success(request, _("Remarks saved."))
        else:
            services.submit_report(report=report, user=user, remarks=remarks)
            messages.success(request, _("Submitted. The figures are now frozen."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("reports:quarterly_detail", pk=report.pk)
