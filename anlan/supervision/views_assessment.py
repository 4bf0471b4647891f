"""Assessment pages: schemes and their indicator trees, the ranking table of a period, one
assessment's scores with manual entry, review and sign-off. Every look-up goes through
``visible_to`` (404 outside the scope); what only the office may do answers 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from anlan.core.choices import RegionLevel
from anlan.core.downloads import xlsx_response
from anlan.core.forms import add_service_errors
from anlan.core.models import Region
from anlan.core.scoping import scope_of
from anlan.core.uploads import check_uploaded_files

from . import assessment as services
from . import excel_assessment, metrics, periods
from .choices import GRADE_CSS, AssessmentState, IndicatorKind, IndicatorSource
from .forms_assessment import CommentForm, CopyForm, IndicatorForm, SchemeForm, ScoreForm
from .models import Assessment, AssessmentScheme, Indicator, ScoreEvidence, local_today


def _schemes(request):
    return AssessmentScheme.objects.visible_to(request.user).select_related("region")


def _office_regions(user):
    """The committees the user may create schemes for (None: just their own region)."""
    if scope_of(user).sees_all:
        return Region.objects.filter(level__in=(RegionLevel.CITY, RegionLevel.COUNTY))
    return None


def _errors(request, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errs)}")
    else:
        messages.error(request, " ".join(exc.messages))


# ---------------------------------------------------------------- schemes


@login_required
@require_http_methods(["GET", "POST"])
def scheme_list(request):
    schemes = _schemes(request).order_by("region__code", "period", "name")
    regions = _office_regions(request.user)
    own = request.user.region if request.user.region_id else None
    may_create = regions is not None or (own is not None and services.may_manage(request.user, own))
    form = SchemeForm(request.POST or None, regions=regions) if may_create else None
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            region = data.pop("region", None) or own
            try:
                scheme = services.save_scheme(user=request.user, region=region, data=data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Scheme created."))
                return redirect("supervision:scheme", pk=scheme.pk)
    page = Paginator(schemes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/assessment/scheme_list.html",
        {"page": page, "form": form},
    )


def _scheme_context(request, scheme, **extra):
    may_edit = services.may_manage(request.user, scheme.region)
    items = services.tree(scheme)
    context = {
        "scheme": scheme,
        "items": items,
        "may_edit": may_edit,
        "periods": [
            (p, periods.period_label(scheme.period, p)) for p in services.periods_of(scheme)[:24]
        ],
        "scored_total": sum(
            (
                i.weight
                for i in items
                if i.parent_id is None
                and i.kind != IndicatorKind.VETO
                and i.kind in (IndicatorKind.SCORED, IndicatorKind.GROUP)
            ),
            start=0,
        ),
    }
    if may_edit:
        context.setdefault("indicator_form", IndicatorForm(scheme=scheme))
        context.setdefault(
            "scheme_form",
            SchemeForm(
                initial={k: getattr(scheme, k) for k in services.SCHEME_FIELDS}, editing=True
            ),
        )
        context.setdefault(
            "copy_form",
            CopyForm(initial={"name": f"{scheme.name} (copy)", "period": scheme.period}),
        )
    context.update(extra)
    return context


@login_required
def scheme_detail(request, pk: int):
    scheme = get_object_or_404(_schemes(request), pk=pk)
    return render(
        request, "supervision/assessment/scheme_detail.html", _scheme_context(request, scheme)
    )


@login_required
@require_POST
def scheme_edit(request, pk: int):
    scheme = get_object_or_404(_schemes(request), pk=pk)
    if not services.may_manage(request.user, scheme.region):
        raise PermissionDenied
    form = SchemeForm(request.POST, editing=True, initial={"period": scheme.period})
    if form.is_valid():
        try:
            services.save_scheme(
                user=request.user, region=scheme.region, data=form.cleaned_data, scheme=scheme
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Scheme saved."))
            return redirect("supervision:scheme", pk=scheme.pk)
    scheme.refresh_from_db()
    return render(
        request,
        "supervision/assessment/scheme_detail.html",
        _scheme_context(request, scheme, scheme_form=form),
        status=422,
    )


@login_required
@require_POST
def scheme_copy(request, pk: int):
    scheme = get_object_or_404(_schemes(request), pk=pk)
    if not services.may_manage(request.user, scheme.region):
        raise PermissionDenied
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            copy = services.copy_scheme(
                user=request.user,
                scheme=scheme,
                name=form.cleaned_data["name"],
                period=form.cleaned_data["period"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Scheme copied."))
            return redirect("supervision:scheme", pk=copy.pk)
    return render(
        request,
        "supervision/assessment/scheme_detail.html",
        _scheme_context(request, scheme, copy_form=form),
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk: int, indicator_pk: int | None = None):
    """Add an item (no ``indicator_pk``) or edit one."""
    scheme = get_object_or_404(_schemes(request), pk=pk)
    if not services.may_manage(request.user, scheme.region):
        raise PermissionDenied
    indicator = None
    if indicator_pk is not None:
        indicator = get_object_or_404(Indicator, scheme=scheme, pk=indicator_pk)
    initial = IndicatorForm.initial_for(indicator) if indicator else None
    form = IndicatorForm(
        request.POST or None,
        scheme=scheme,
        exclude_pk=indicator.pk if indicator else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_indicator(
                user=request.user, scheme=scheme, data=form.cleaned_data, indicator=indicator
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Item saved."))
            return redirect("supervision:scheme", pk=scheme.pk)
    if indicator is None:
        return render(
            request,
            "supervision/assessment/scheme_detail.html",
            _scheme_context(request, scheme, indicator_form=form),
            status=422 if request.method == "POST" else 200,
        )
    return render(
        request,
        "supervision/assessment/indicator_form.html",
        {"scheme": scheme, "indicator": indicator, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def indicator_delete(request, pk: int, indicator_pk: int):
    scheme = get_object_or_404(_schemes(request), pk=pk)
    indicator = get_object_or_404(Indicator, scheme=scheme, pk=indicator_pk)
    try:
        services.delete_indicator(user=request.user, indicator=indicator)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Item deleted."))
    return redirect("supervision:scheme", pk=scheme.pk)


# ---------------------------------------------------------------- ranking


def _ranking(request):
    """(scheme, period start, visible assessments of that period) from ?scheme=&period=."""
    schemes = _schemes(request).filter(active=True)
    scheme = None
    raw = request.GET.get("scheme", "").strip()
    if raw:
        if not raw.isdigit():
            raise Http404
        scheme = get_object_or_404(_schemes(request), pk=int(raw))
    else:
        # The scheme of the latest period assessed (a month before the half-year that holds it);
        # with nothing assessed yet, the monthly schemes first.
        latest = (
            Assessment.objects.visible_to(request.user)
            .filter(scheme__in=schemes)
            .order_by("-period_start", "scheme__period")
            .values_list("scheme_id", flat=True)
            .first()
        )
        first_monthly = Case(When(period="month", then=0), default=1)
        scheme = (
            schemes.filter(pk=latest).first()
            or schemes.order_by(first_monthly, "region__code", "pk").first()
        )
    if scheme is None:
        return None, None, Assessment.objects.none()
    day = None
    raw_period = request.GET.get("period", "").strip()
    if raw_period:
        try:
            day = periods.parse_period(raw_period)
        except ValueError:
            messages.error(
                request,
                _("period: “%(value)s” is not a date (YYYY-MM or YYYY-MM-DD).")
                % {"value": raw_period[:20]},
            )
    if day is None:
        known = services.periods_of(scheme)
        day = known[0] if known else periods.add_months(local_today().replace(day=1), -1)
    try:
        start, _end = periods.assessment_bounds(scheme.period, day)
    except ValueError:  # beyond the calendar (year 9999)
        raise Http404 from None
    rows = (
        Assessment.objects.visible_to(request.user)
        .filter(scheme=scheme, period_start=start)
        .select_related("unit", "scheme")
        .order_by("vetoed", "rank", "unit__order", "unit__name")
    )
    return scheme, start, rows


@login_required
def assessment_list(request):
    scheme, start, rows = _ranking(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "scheme": scheme,
        "period_start": start,
        "page": page,
        "schemes": _schemes(request).order_by("region__code", "period", "name"),
        "grade_css": GRADE_CSS,
    }
    if scheme is not None:
        context.update(
            label=periods.period_label(scheme.period, start),
            periods=[
                (p, periods.period_label(scheme.period, p))
                for p in services.periods_of(scheme)[:36]
            ],
            may_compute=services.may_manage(request.user, scheme.region),
            chart={
                "labels": [a.unit.short_name or a.unit.name for a in rows],
                "values": [float(a.total) if a.total is not None else 0 for a in rows],
                "vetoed": [a.vetoed for a in rows],
                "grades": [a.grade for a in rows],
            },
            query=f"scheme={scheme.pk}&period={start:%Y-%m-%d}",
        )
    return render(request, "supervision/assessment/ranking.html", context)


@login_required
def assessment_export(request):
    scheme, start, rows = _ranking(request)
    if scheme is None:
        raise Http404
    return xlsx_response(
        excel_assessment.export_ranking(scheme, start, rows[:5000]), "assessment-ranking"
    )


@login_required
@require_POST
def assessment_compute(request):
    raw = request.POST.get("scheme", "")
    if not raw.isdigit():
        raise Http404
    scheme = get_object_or_404(_schemes(request), pk=int(raw))
    if not services.may_manage(request.user, scheme.region):
        raise PermissionDenied
    try:
        day = periods.parse_period(request.POST.get("period", ""))
    except ValueError:
        messages.error(request, _("period: give a month as YYYY-MM."))
        return redirect(f"{reverse('supervision:assessments')}?scheme={scheme.pk}")
    try:
        run = services.compute(scheme, day, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(f"{reverse('supervision:assessments')}?scheme={scheme.pk}")
    messages.success(
        request,
        _("Computed: %(created)d new, %(refreshed)d refreshed, %(locked)d signed off (unchanged).")
        % {"created": run.created, "refreshed": run.refreshed, "locked": run.locked},
    )
    return redirect(
        f"{reverse('supervision:assessments')}?scheme={scheme.pk}&period={run.period_start:%Y-%m-%d}"
    )


# ---------------------------------------------------------------- one assessment


def _assessment(request, pk):
    return get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related(
            "unit", "scheme__region", "signed_by", "submitted_by"
        ),
        pk=pk,
    )


DETAIL_LABELS = {
    "township": _l("township"),
    "committee": _l("committee of"),
    "sectors": _l("sectors supervised"),
    "found": _l("found"),
    "closed": _l("closed"),
    "overdue": _l("overdue"),
    "open_major": _l("open major (重大)"),
    "at": _l("as at"),
    "enterprises": _l("enterprises that must commit"),
    "days": _l("days"),
    "due": _l("due"),
    "made": _l("made"),
    "raised": _l("alarms raised"),
    "in_time": _l("handled in time"),
    "records": _l("records"),
    "sessions": _l("sessions held"),
    "person_times": _l("person-times"),
    "held": _l("drills held"),
    "participants": _l("participants"),
    "on_time": _l("on time"),
    "missed": _l("missed"),
    "average": _l("average"),
}
HIDDEN = {"metric", "note", "tasks", "months", "manual"}


def _how(score) -> list[tuple[str, str]]:
    """The detail of a computed score as (label, value) pairs, in the metric's order."""
    if score is None:
        return []
    out = []
    for key, value in (score.detail or {}).items():
        if key in HIDDEN or value in ("", None):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out.append((str(DETAIL_LABELS.get(key, key)), str(value)))
    return out


def _assessment_context(request, a, **extra):
    scores = {
        s.indicator_id: s for s in a.scores.select_related("entered_by").prefetch_related("files")
    }
    items = services.tree(a.scheme)
    rows = [(ind, scores.get(ind.pk), _how(scores.get(ind.pk))) for ind in items]
    manual = [i for i in items if i.source == IndicatorSource.MANUAL and i.kind != "group"]
    may_manage = services.may_manage(request.user, a.scheme.region)
    context = {
        "a": a,
        "rows": rows,
        "grade_css": GRADE_CSS,
        "may_manage": may_manage,
        "percent_metrics": [code for code, m in metrics.METRICS.items() if m.unit == "%"],
        "label": periods.period_label(a.scheme.period, a.period_start),
        "ranking_url": f"{reverse('supervision:assessments')}?scheme={a.scheme_id}"
        f"&period={a.period_start:%Y-%m-%d}",
    }
    if may_manage and a.state == AssessmentState.DRAFT and manual:
        context.setdefault("score_form", ScoreForm(items=manual))
    if may_manage and a.state == AssessmentState.REVIEW:
        context.setdefault("comment_form", CommentForm())
    context.update(extra)
    return context


@login_required
def assessment_detail(request, pk: int):
    a = _assessment(request, pk)
    return render(
        request, "supervision/assessment/assessment_detail.html", _assessment_context(request, a)
    )


@login_required
def assessment_sheet(request, pk: int):
    a = _assessment(request, pk)
    return xlsx_response(excel_assessment.export_sheet(a), f"assessment-{a.pk}")


@login_required
@require_POST
def assessment_score(request, pk: int):
    a = _assessment(request, pk)
    if not services.may_manage(request.user, a.scheme.region):
        raise PermissionDenied
    manual = [
        i
        for i in services.tree(a.scheme)
        if i.source == IndicatorSource.MANUAL and i.kind != "group"
    ]
    form = ScoreForm(request.POST, request.FILES, items=manual)
    if form.is_valid():
        try:
            files = check_uploaded_files(form.cleaned_data["files"], "files")
            services.enter_score(
                user=request.user,
                assessment=a,
                indicator=a.scheme.indicators.get(pk=form.cleaned_data["indicator"]),
                value=form.cleaned_data["value"],
                evidence=form.cleaned_data["evidence"],
                files=files,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Score entered."))
            return redirect("supervision:assessment", pk=a.pk)
    a.refresh_from_db()
    return render(
        request,
        "supervision/assessment/assessment_detail.html",
        _assessment_context(request, a, score_form=form),
        status=422,
    )


def _act(request, pk, action):
    a = _assessment(request, pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if action == "submit":
            services.submit(user=request.user, assessment=a)
            messages.success(request, _("Submitted for review."))
        elif action == "sign":
            services.sign(user=request.user, assessment=a, comment=comment)
            messages.success(request, _("Signed off."))
        else:
            services.return_to_draft(user=request.user, assessment=a, comment=comment)
            messages.success(request, _("Returned to draft."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("supervision:assessment", pk=a.pk)


@login_required
@require_POST
def assessment_submit(request, pk: int):
    return _act(request, pk, "submit")


@login_required
@require_POST
def assessment_sign(request, pk: int):
    return _act(request, pk, "sign")


@login_required
@require_POST
def assessment_return(request, pk: int):
    return _act(request, pk, "return")


@login_required
def evidence_file(request, pk: int):
    stored = get_object_or_404(
        ScoreEvidence.objects.filter(
            score__assessment__in=Assessment.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    return FileResponse(
        stored.file.open("rb"), content_type=stored.content_type, filename=stored.original_name
    )
