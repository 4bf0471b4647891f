"""Patrol pages: record a patrol for an enterprise (with finding rows), the patrol list and its
export, a patrol's detail, the due / missed list and the per-county monthly statistics. Every
look-up goes through ``visible_to``; only regulators record."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anlan.core.downloads import xlsx_response
from anlan.registry.models import Enterprise

from . import queries, services
from .choices import PatrolKind, PatrolLevel, PatrolResult
from .excel import export_due, export_patrols
from .forms import FindingFormSet, PatrolForm
from .models import OnlinePatrol

FINDING_KEY = re.compile(r"^findings\[(\d+)\]\.(\w+)$")
FILTERS = ("kind", "level", "county", "result", "month")


@login_required
@require_http_methods(["GET", "POST"])
def patrol_new(request, enterprise_id: int):
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(request.user).select_related("region"), pk=enterprise_id
    )
    if not services.may_record(request.user):
        raise PermissionDenied(_("Only regulators record online patrols."))
    form = PatrolForm(request.POST or None)
    formset = FindingFormSet(request.POST or None, prefix="findings")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [f for f in formset.forms if not f.is_blank()]
        try:
            patrol = services.record_patrol(
                user=request.user,
                enterprise=enterprise,
                data=form.cleaned_data,
                findings=[f.cleaned_data for f in rows],
            )
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                match = FINDING_KEY.match(key)
                if match and int(match[1]) < len(rows):
                    row = rows[int(match[1])]
                    field = match[2] if match[2] in row.fields else None
                    row.add_error(field, errors)
                elif key in form.fields:
                    form.add_error(key, errors)
                else:
                    form.add_error(None, errors)
        else:
            count = patrol.findings.count()
            if count:
                messages.success(
                    request,
                    _("Patrol recorded; %(n)d hazard(s) opened from its findings.") % {"n": count},
                )
            else:
                messages.success(request, _("Patrol recorded."))
            return redirect("patrols:detail", pk=patrol.pk)
    return render(
        request,
        "patrols/patrol_form.html",
        {
            "enterprise": enterprise,
            "form": form,
            "formset": formset,
            "monitored": services.is_monitored(enterprise),
            "level": services.level_of(request.user),
        },
    )


@login_required
def patrol_detail(request, pk: int):
    patrol = get_object_or_404(
        OnlinePatrol.objects.visible_to(request.user).select_related(
            "enterprise__region", "patroller"
        ),
        pk=pk,
    )
    return render(
        request,
        "patrols/patrol_detail.html",
        {"patrol": patrol, "findings": patrol.findings.select_related("hazard")},
    )


def _filtered(request):
    values = {name: request.GET.get(name, "").strip() for name in FILTERS}
    try:
        return queries.filter_patrols(request.user, **values), values, {}
    except ValidationError as exc:
        return OnlinePatrol.objects.none(), values, exc.message_dict


@login_required
def patrol_list(request):
    patrols, values, errors = _filtered(request)
    for field, messages_ in errors.items():
        messages.error(request, f"{field}: {' '.join(messages_)}")
    page = Paginator(patrols.prefetch_related("findings"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "patrols/patrol_list.html",
        {
            "page": page,
            "filters": values,
            "query": query.urlencode(),
            "kinds": PatrolKind.choices,
            "levels": PatrolLevel.choices,
            "results": PatrolResult.choices,
            "counties": queries.counties_for(request.user),
            "may_record": services.may_record(request.user),
        },
    )


@login_required
def patrol_export(request):
    patrols, _values, errors = _filtered(request)
    if errors:
        for field, messages_ in errors.items():
            messages.error(request, f"{field}: {' '.join(messages_)}")
        return redirect("patrols:list")
    rows = patrols.prefetch_related("findings__hazard")[:20000]
    return xlsx_response(export_patrols(rows), "online-patrols")


def _due(request):
    user = request.user
    level = request.GET.get("level") or services.level_of(user) or PatrolLevel.CITY
    if level not in PatrolLevel.values:
        level = services.level_of(user) or PatrolLevel.CITY
    rows = services.due_rows(enterprises=Enterprise.objects.visible_to(user), level=level)
    missed_only = request.GET.get("missed") == "1"
    if missed_only:
        rows = [r for r in rows if r.missed]
    return rows, level, missed_only


@login_required
def due_list(request):
    rows, level, missed_only = _due(request)
    return render(
        request,
        "patrols/due.html",
        {
            "rows": rows,
            "level": level,
            "levels": PatrolLevel.choices,
            "missed_only": missed_only,
            "missed_count": sum(1 for r in rows if r.missed),
            "limit": services.patrol_days().get(level),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def due_export(request):
    rows, level, _missed = _due(request)
    return xlsx_response(export_due(rows), f"patrols-due-{level}")


@login_required
def statistics(request):
    month = request.GET.get("month", "").strip()
    try:
        stats = queries.county_stats(request.user, month)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        stats = queries.county_stats(request.user, "")
    chart = {
        "names": [r.name for r in stats.rows],
        "patrols": [r.patrols for r in stats.rows],
        "spot_checks": [r.spot_checks for r in stats.rows],
        "findings": [r.findings for r in stats.rows],
        "hazards": [r.hazards for r in stats.rows],
    }
    return render(
        request,
        "patrols/stats.html",
        {"stats": stats, "month": f"{stats.first:%Y-%m}", "chart": chart},
    )
