"""Hazard figures for dashboards and reports, always over what the user may see."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from anlan.core.models import Region

from .choices import HazardChannel, HazardLevel
from .choices import HazardStatus as S
from .models import Hazard

# Rejected reports and merged duplicates are not hazards to be fixed: figures leave them out.
NOT_HAZARDS = (S.REJECTED, S.MERGED)


def countable(qs):
    """The hazards of ``qs`` that count in figures (not rejected, not merged)."""
    return qs.exclude(status__in=NOT_HAZARDS)


def rectification_rate(closed: int, found: int) -> float | None:
    """整改率 in per cent, one decimal; None (not 0) when nothing was found."""
    return round(100 * closed / found, 1) if found else None


def hazard_stats(user, *, months: int = 12) -> dict:
    qs = countable(Hazard.objects.visible_to(user))
    totals = qs.aggregate(
        found=Count("pk"),
        closed=Count("pk", filter=Q(status=S.CLOSED)),
        open_major=Count("pk", filter=~Q(status=S.CLOSED) & Q(level=HazardLevel.MAJOR)),
    )
    overdue = qs.overdue().count()
    rate = rectification_rate(totals["closed"], totals["found"])

    per_prefix = (
        qs.values("region__prefix")
        .annotate(found=Count("pk"), closed=Count("pk", filter=Q(status=S.CLOSED)))
        .order_by()
    )
    counties = {
        c.prefix: c
        for c in Region.objects.filter(prefix__in={row["region__prefix"][:6] for row in per_prefix})
    }
    by_county: dict[str, dict] = {}
    for row in per_prefix:
        county = counties.get(row["region__prefix"][:6])
        if county is None:
            continue
        entry = by_county.setdefault(
            county.code, {"code": county.code, "name": county.name, "found": 0, "closed": 0}
        )
        entry["found"] += row["found"]
        entry["closed"] += row["closed"]

    start = (timezone.localdate().replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    found_by_month = _per_month(qs.filter(found_at__date__gte=start), "found_at")
    closed_by_month = _per_month(qs.filter(closed_at__date__gte=start), "closed_at")
    by_month = [
        {"month": month, "found": found_by_month[month], "closed": closed_by_month[month]}
        for month in sorted({*found_by_month, *closed_by_month})
    ]
    channel_counts = dict(qs.values_list("channel").annotate(n=Count("pk")).order_by())
    by_channel = [
        {"code": value, "name": str(label), "count": channel_counts[value]}
        for value, label in HazardChannel.choices
        if channel_counts.get(value)
    ]
    return {
        "found": totals["found"],
        "closed": totals["closed"],
        "rectification_rate": rate,
        "overdue": overdue,
        "open_major": totals["open_major"],
        "by_county": sorted(by_county.values(), key=lambda r: r["code"]),
        "by_month": by_month,
        "by_channel": by_channel,
    }


def _per_month(qs, field: str) -> Counter:
    """Counts per local calendar month, keyed "YYYY-MM"."""
    out: Counter = Counter()
    for month, n in (
        qs.annotate(month=TruncMonth(field)).values_list("month").annotate(n=Count("pk")).order_by()
    ):
        if isinstance(month, datetime):
            month = timezone.localtime(month)
        out[month.strftime("%Y-%m")] += n
    return out
