"""Counts for the city dashboard, always computed over what the user may see."""

from __future__ import annotations

from django.db.models import Count

from anlan.core.choices import RegionLevel
from anlan.core.models import Region
from anlan.registry.choices import EnterpriseIndustry, EnterpriseRiskFlag, EnterpriseStatus
from anlan.registry.models import Enterprise


def enterprise_stats(user) -> dict:
    qs = Enterprise.objects.visible_to(user)
    total = qs.count()
    by_prefix = dict(
        qs.values_list("region__prefix").annotate(n=Count("pk")).values_list("region__prefix", "n")
    )
    counties = Region.objects.filter(
        level=RegionLevel.COUNTY, prefix__in={p[:6] for p in by_prefix}
    )
    by_county = []
    for county in counties.select_related("parent").order_by("code"):
        n = sum(v for p, v in by_prefix.items() if p.startswith(county.prefix))
        by_county.append(
            {"code": county.code, "name": county.name, "city": county.parent.name, "count": n}
        )
    industry_counts = dict(qs.values_list("industry").annotate(n=Count("pk")))
    by_industry = [
        {"code": value, "name": str(label), "count": industry_counts[value]}
        for value, label in EnterpriseIndustry.choices
        if industry_counts.get(value)
    ]
    flag_counts = dict(
        qs.filter(risk_flags__isnull=False)
        .values_list("risk_flags__code")
        .annotate(n=Count("pk", distinct=True))
    )
    by_flag = [
        {"code": value, "name": str(label), "count": flag_counts.get(value, 0)}
        for value, label in EnterpriseRiskFlag.choices
    ]
    status_counts = dict(qs.values_list("status").annotate(n=Count("pk")))
    by_status = [
        {"code": value, "name": str(label), "count": status_counts.get(value, 0)}
        for value, label in EnterpriseStatus.choices
    ]
    return {
        "total": total,
        "operating": status_counts.get(EnterpriseStatus.OPERATING, 0),
        "flagged": qs.filter(risk_flags__isnull=False).distinct().count(),
        "by_county": by_county,
        "by_industry": by_industry,
        "by_flag": by_flag,
        "by_status": by_status,
    }
