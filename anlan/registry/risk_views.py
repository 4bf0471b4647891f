"""Web pages for risk points (风险点), control measures, their checks, the risk list export, the
four-colour risk map and "my control tasks" (我的管控任务)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anlan.core.choices import ENTERPRISE_ROLES, RegionLevel
from anlan.core.downloads import xlsx_response
from anlan.core.forms import add_service_errors
from anlan.core.models import Region
from anlan.core.permissions import can_edit_enterprise
from anlan.core.scoping import scope_of
from anlan.core.uploads import check_upload

from . import grading, risk_excel, risks
from .choices import RISK_GRADE_HEX, RISK_GRADE_ORDER, RiskGrade, RiskPointKind
from .forms import CheckForm, MeasureForm, RiskPointForm
from .models import ControlMeasure, Enterprise, MeasureCheck, RiskPoint


def _enterprise(request, pk) -> Enterprise:
    return get_object_or_404(
        Enterprise.objects.visible_to(request.user).select_related("region"), pk=pk
    )


def _editable_enterprise(request, pk) -> Enterprise:
    enterprise = _enterprise(request, pk)
    if not can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied
    return enterprise


def _to_tab(enterprise):
    return redirect("registry:detail_tab", pk=enterprise.pk, tab="risk_points")


def _safe_next(request, url) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return ""


def _cutoffs_context() -> dict:
    return {
        "lec_cutoffs": [grading.plain(v) for v in grading.lec_cutoffs()],
        "ls_cutoffs": [grading.plain(v) for v in grading.ls_cutoffs()],
        "grade_labels": {str(g): str(RiskGrade(g).label) for g in RISK_GRADE_ORDER},
    }


@login_required
def risk_point_detail(request, pk, point_pk):
    enterprise = _enterprise(request, pk)
    point = get_object_or_404(enterprise.risk_points, pk=point_pk)
    measures = risks.with_last_check(point.measures.all())
    today = timezone.localdate()
    for measure in measures:
        measure.next_due = risks.next_due(measure, measure.last_done)
        measure.is_due = measure.next_due <= today
        measure.is_overdue = measure.next_due < today
    checks = (
        MeasureCheck.objects.filter(measure__risk_point=point)
        .select_related("measure", "done_by", "hazard")
        .order_by("-done_at", "-pk")[:50]
    )
    return render(
        request,
        "registry/risk_point_detail.html",
        {
            "enterprise": enterprise,
            "point": point,
            "measures": measures,
            "checks": checks,
            "assessments": risks.assessment_history(point),
            "can_edit": can_edit_enterprise(request.user, enterprise),
        },
    )


@login_required
def risk_point_edit(request, pk, point_pk=None):
    enterprise = _editable_enterprise(request, pk)
    point = get_object_or_404(enterprise.risk_points, pk=point_pk) if point_pk else None
    form = RiskPointForm(request.POST or None, point=point)
    if request.method == "POST" and form.is_valid():
        try:
            saved = risks.save_risk_point(
                user=request.user, enterprise=enterprise, data=form.cleaned_data, point=point
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Saved %(name)s: %(score)s, %(grade)s.")
                % {
                    "name": saved.name,
                    "score": saved.score_text,
                    "grade": saved.get_grade_display(),
                },
            )
            return redirect("registry:risk_point", pk=enterprise.pk, point_pk=saved.pk)
    return render(
        request,
        "registry/risk_point_form.html",
        {"form": form, "enterprise": enterprise, "point": point, **_cutoffs_context()},
    )


@login_required
@require_POST
def risk_point_delete(request, pk, point_pk):
    enterprise = _editable_enterprise(request, pk)
    point = get_object_or_404(enterprise.risk_points, pk=point_pk)
    risks.delete_risk_point(user=request.user, point=point)
    messages.success(request, _("Removed %(name)s.") % {"name": point.name})
    return _to_tab(enterprise)


@login_required
def measure_edit(request, pk, point_pk, measure_pk=None):
    enterprise = _editable_enterprise(request, pk)
    point = get_object_or_404(enterprise.risk_points, pk=point_pk)
    measure = get_object_or_404(point.measures, pk=measure_pk) if measure_pk else None
    form = MeasureForm(
        request.POST or None,
        instance=measure or ControlMeasure(risk_point=point),
        enterprise=enterprise,
    )
    if request.method == "POST" and form.is_valid():
        try:
            risks.save_measure(
                user=request.user, point=point, data=form.cleaned_data, measure=measure
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved the control measure."))
            return redirect("registry:risk_point", pk=enterprise.pk, point_pk=point.pk)
    return render(
        request,
        "registry/risk_subform.html",
        {"form": form, "enterprise": enterprise, "point": point, "title": _("Control measure")},
    )


@login_required
@require_POST
def measure_delete(request, pk, point_pk, measure_pk):
    enterprise = _editable_enterprise(request, pk)
    point = get_object_or_404(enterprise.risk_points, pk=point_pk)
    measure = get_object_or_404(point.measures, pk=measure_pk)
    risks.delete_measure(user=request.user, measure=measure)
    messages.success(request, _("Removed the control measure."))
    return redirect("registry:risk_point", pk=enterprise.pk, point_pk=point.pk)


@login_required
def check_record(request, pk, measure_pk):
    enterprise = _editable_enterprise(request, pk)
    measure = get_object_or_404(
        ControlMeasure.objects.filter(risk_point__enterprise=enterprise).select_related(
            "risk_point", "person"
        ),
        pk=measure_pk,
    )
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data.get("photo")
            photo = (
                check_upload(upload.read(), upload.name or "photo", field="photo")
                if upload
                else None
            )
            check = risks.record_check(
                user=request.user,
                measure=measure,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
                photo=photo,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if check.hazard_id:
                messages.warning(
                    request,
                    _("Check recorded as failed; hazard %(code)s was opened.")
                    % {"code": check.hazard.code},
                )
            else:
                messages.success(request, _("Check recorded."))
            return redirect(_safe_next(request, request.POST.get("next")) or "registry:my_tasks")
    return render(
        request,
        "registry/check_form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "measure": measure,
            "due_on": risks.next_due(measure),
            "next": _safe_next(request, request.GET.get("next")),
        },
    )


@login_required
def check_photo(request, pk, check_pk):
    enterprise = _enterprise(request, pk)
    check = get_object_or_404(
        MeasureCheck.objects.filter(measure__risk_point__enterprise=enterprise), pk=check_pk
    )
    if not check.photo:
        raise Http404
    return FileResponse(check.photo.open("rb"), content_type=check.photo_type)


def _counties(user):
    return (
        Region.objects.visible_to(user)
        .filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
        .order_by("code")
    )


@login_required
def risk_export(request):
    flt = risks.RiskFilter.from_params(request.GET)
    points = flt.points(RiskPoint.objects.visible_to(request.user))
    return xlsx_response(risk_excel.export_risk_list(points), "risk-list")


@login_required
def risk_map(request):
    flt = risks.RiskFilter.from_params(request.GET)
    enterprises = flt.enterprises(
        Enterprise.objects.visible_to(request.user).select_related("region")
    )
    features = risks.map_features(enterprises)
    counts = {str(g): 0 for g in RISK_GRADE_ORDER}
    counts["none"] = 0
    for e in enterprises:
        counts[e.risk.level or "none"] += 1
    return render(
        request,
        "registry/risk_map.html",
        {
            "filter": flt,
            "features": features,
            "enterprises": enterprises,
            "counts": counts,
            "regions": _counties(request.user),
            "grades": [
                (str(g), str(RiskGrade(g).label), RISK_GRADE_HEX[g]) for g in RISK_GRADE_ORDER
            ],
            "kinds": RiskPointKind.choices,
            "without_location": sum(1 for e in enterprises if not e.has_location),
        },
    )


@login_required
def my_tasks(request):
    """我的管控任务: an enterprise's users see their due and overdue checks; regulators see, per
    enterprise in their jurisdiction, how many checks are due today and overdue."""
    today = timezone.localdate()
    measures = ControlMeasure.objects.visible_to(request.user)
    enterprise_user = request.user.role in ENTERPRISE_ROLES or scope_of(request.user).enterprise_id
    context = {"today": today, "enterprise_user": bool(enterprise_user)}
    if enterprise_user:
        context["due"] = risks.due_checks(measures, today=today)
        context["can_record"] = bool(context["due"]) and can_edit_enterprise(
            request.user, context["due"][0].enterprise
        )
    else:
        flt = risks.RiskFilter.from_params(request.GET)
        if flt.region:
            from anlan.core.models import within_region_code

            measures = within_region_code(
                measures, flt.region, field="risk_point__enterprise__region"
            )
        context["by_enterprise"] = risks.due_by_enterprise(measures, today=today)
        context["regions"] = _counties(request.user)
        context["filter"] = flt
    return render(request, "registry/my_tasks.html", context)
