"""Drill pages: the list, plan, a drill with its findings (record as held, add a finding that
opens a hazard or a task, mark a task done), and counts per period by kind and county."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anlan.core.models import within_region_code

from . import services_drills as services
from .choices import DrillKind, DrillStatus
from .forms_equipment import DrillForm, FindingForm, HeldForm
from .models import Drill, DrillFinding
from .views_equipment import apply_errors


def _drills(request):
    return Drill.objects.visible_to(request.user).select_related("region")


@login_required
def drill_list(request):
    drills = _drills(request).prefetch_related("teams")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if kind in DrillKind.values:
        drills = drills.filter(kind=kind)
    if status in DrillStatus.values:
        drills = drills.filter(status=status)
    # Region and planned dates: the dashboard's drill figures link here with them.
    region = request.GET.get("region", "").strip()[:12]
    if region:
        drills = within_region_code(drills, region)
    for name, lookup in (("date_from", "gte"), ("date_to", "lte")):
        raw = request.GET.get(name, "").strip()
        if not raw:
            continue
        try:
            drills = drills.filter(**{f"planned_for__date__{lookup}": dt.date.fromisoformat(raw)})
        except ValueError:
            messages.error(
                request,
                _("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).")
                % {"field": name, "value": raw[:20]},
            )
    page = Paginator(drills, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "rescue/drills/list.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "region": region,
            "date_from": request.GET.get("date_from", "")[:10],
            "date_to": request.GET.get("date_to", "")[:10],
            "kinds": DrillKind.choices,
            "statuses": DrillStatus.choices,
            "may_plan": services.may_plan(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def drill_new(request):
    form = DrillForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            drill = services.plan_drill(
                user=request.user,
                data=data,
                teams=data.pop("teams"),
                enterprises=data.pop("enterprises"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Drill planned."))
            return redirect("rescue:drill-detail", pk=drill.pk)
    return render(request, "rescue/drills/form.html", {"form": form})


@login_required
def drill_detail(request, pk: int, held_form=None, finding_form=None):
    drill = get_object_or_404(_drills(request), pk=pk)
    if held_form is None:
        held_form = HeldForm(
            initial={
                "started_at": drill.started_at and timezone.localtime(drill.started_at),
                "ended_at": drill.ended_at and timezone.localtime(drill.ended_at),
                "participants": drill.participants or None,
                "evaluation": drill.evaluation,
                "score": drill.score,
            }
        )
    return render(
        request,
        "rescue/drills/detail.html",
        {
            "drill": drill,
            "teams": drill.teams.all(),
            "enterprises": drill.enterprises.all(),
            "findings": drill.findings.select_related("enterprise", "hazard"),
            "held_form": held_form,
            "finding_form": finding_form or FindingForm(drill=drill),
            "may_edit": services.may_edit(request.user, drill),
            "today": timezone.localdate(),
        },
        status=400 if (held_form.is_bound or finding_form) else 200,
    )


@login_required
@require_POST
def drill_held(request, pk: int):
    drill = get_object_or_404(_drills(request), pk=pk)
    form = HeldForm(request.POST)
    if form.is_valid():
        try:
            services.record_held(user=request.user, drill=drill, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Drill recorded as held."))
            return redirect("rescue:drill-detail", pk=drill.pk)
    return drill_detail(request, pk, held_form=form)


@login_required
@require_POST
def finding_new(request, pk: int):
    drill = get_object_or_404(_drills(request), pk=pk)
    form = FindingForm(request.POST, drill=drill)
    if form.is_valid():
        try:
            finding = services.add_finding(user=request.user, drill=drill, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if finding.hazard_id:
                messages.success(
                    request, _("Hazard %(code)s opened.") % {"code": finding.hazard.code}
                )
            else:
                messages.success(request, _("Task recorded."))
            return redirect("rescue:drill-detail", pk=drill.pk)
    return drill_detail(request, pk, finding_form=form)


@login_required
@require_POST
def finding_done(request, pk: int):
    finding = get_object_or_404(
        DrillFinding.objects.filter(drill__in=_drills(request).values("pk")), pk=pk
    )
    try:
        services.complete_task(user=request.user, finding=finding)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Task marked done."))
    return redirect("rescue:drill-detail", pk=finding.drill_id)


@login_required
def drill_stats(request):
    period = request.GET.get("period", "month")
    year_raw = request.GET.get("year", "").strip()
    year = timezone.localdate().year
    if year_raw == "all":
        year = None
    elif year_raw:
        year = int(year_raw) if year_raw.isdigit() else -1
    try:
        stats = services.drill_stats(_drills(request), period=period, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        stats = services.drill_stats(
            _drills(request), period="month", year=timezone.localdate().year
        )
    return render(
        request,
        "rescue/drills/stats.html",
        {
            "stats": stats,
            "chart": stats.chart(),
            "year": stats.year,
            "periods": [
                ("month", _("Month")),
                ("quarter", _("Quarter")),
                ("year", _("Year")),
            ],
        },
    )
