"""A read-only browser of the determination standards: the standards, then one standard's
clauses with "未核实" badges, filtered by industry, risk flag, group or verification."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag

from .choices import ClauseGroup
from .models import Standard


@login_required
def standard_list(request):
    in_force = set(Standard.objects.in_force().values_list("pk", flat=True))
    standards = [
        {
            "obj": s,
            "in_force": s.pk in in_force,
            "count": s.clauses.count(),
            "unverified": s.clauses.filter(verified=False).count(),
        }
        for s in Standard.objects.select_related("replaced_by")
    ]
    return render(request, "inspections/standards.html", {"standards": standards})


@login_required
def standard_detail(request, key):
    standard = get_object_or_404(Standard.objects.select_related("replaced_by"), key=key)
    industry = request.GET.get("industry", "")
    flag = request.GET.get("flag", "")
    group = request.GET.get("group", "")
    verified = request.GET.get("verified", "")
    clauses = (
        standard.clauses.select_related("standard")
        .prefetch_related("maps_to__standard", "mapped_from__standard")
        .order_by("order")
    )
    if group in ClauseGroup.values:
        clauses = clauses.filter(group=group)
    if verified in ("yes", "no"):
        clauses = clauses.filter(verified=verified == "yes")
    rows = list(clauses)
    if industry in EnterpriseIndustry.values:
        rows = [c for c in rows if not c.industries or industry in c.industries]
    if flag in EnterpriseRiskFlag.values:
        rows = [c for c in rows if flag in c.risk_flags]
    industry_labels = dict(EnterpriseIndustry.choices)
    flag_labels = dict(EnterpriseRiskFlag.choices)
    for c in rows:
        c.industry_labels = [industry_labels.get(i, i) for i in c.industries]
        c.flag_labels = [flag_labels.get(f, f) for f in c.risk_flags]
    return render(
        request,
        "inspections/standards_detail.html",
        {
            "standard": standard,
            "clauses": rows,
            "industries": EnterpriseIndustry.choices,
            "flags": EnterpriseRiskFlag.choices,
            "groups": ClauseGroup.choices,
            "selected": {"industry": industry, "flag": flag, "group": group, "verified": verified},
        },
    )
