"""Filtering the patrol list and the per-county monthly statistics (web, API and CLI alike)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.choices import RegionLevel
from anlan.core.models import Region

from .choices import PatrolKind, PatrolLevel, PatrolResult
from .models import OnlinePatrol, PatrolFinding


def parse_month(value: str | None, *, default_current: bool = False):
    """``YYYY-MM`` → (first day, last day); empty → None (or this month)."""
    if not value:
        if not default_current:
            return None
        first = timezone.localdate().replace(day=1)
    else:
        try:
            year, month = (int(p) for p in value.split("-"))
            first = dt.date(year, month, 1)
        except (ValueError, TypeError) as exc:
            raise ValidationError({"month": _("Give the month as YYYY-MM.")}) from exc
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _bounds(first: dt.date, last: dt.date):
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    return start, end


def counties_for(user):
    return Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code")


def filter_patrols(
    user,
    *,
    kind: str = "",
    level: str = "",
    county: str = "",
    result: str = "",
    month: str = "",
    enterprise: int | None = None,
):
    """The user's visible patrols narrowed by the filters; an unknown value raises
    ValidationError naming the filter."""
    qs = OnlinePatrol.objects.visible_to(user).select_related("enterprise__region", "patroller")
    errors = {}
    if kind and kind not in PatrolKind.values:
        errors["kind"] = _("Unknown kind.")
    if level and level not in PatrolLevel.values:
        errors["level"] = _("Unknown level.")
    if result and result not in PatrolResult.values:
        errors["result"] = _("Unknown result.")
    if county and not counties_for(user).filter(code=county).exists():
        errors["county"] = _("No county has this code in your jurisdiction.")
    try:
        bounds = parse_month(month)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        bounds = None
    if errors:
        raise ValidationError(errors)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if result:
        qs = qs.filter(result=result)
    if county:
        qs = qs.filter(enterprise__region__prefix__startswith=county)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if bounds:
        start, end = _bounds(*bounds)
        qs = qs.filter(started_at__gte=start, started_at__lt=end)
    return qs.order_by("-started_at", "-pk")


@dataclass
class CountyRow:
    code: str
    name: str
    patrols: int = 0
    spot_checks: int = 0
    findings: int = 0
    hazards: int = 0


@dataclass
class MonthStats:
    first: dt.date
    last: dt.date
    rows: list[CountyRow] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            key: sum(getattr(r, key) for r in self.rows)
            for key in ("patrols", "spot_checks", "findings", "hazards")
        }


def county_stats(user, month: str = "") -> MonthStats:
    """Per county of the user's jurisdiction: patrols, spot checks, findings and hazards opened
    in the month (default: this month)."""
    first, last = parse_month(month, default_current=True)
    start, end = _bounds(first, last)
    patrols = OnlinePatrol.objects.visible_to(user).filter(
        started_at__gte=start, started_at__lt=end
    )
    stats = MonthStats(first=first, last=last)
    rows = {c.code: CountyRow(c.code, c.name) for c in counties_for(user)}
    by_county = (
        patrols.annotate(county=Substr("enterprise__region__prefix", 1, 6))
        .values("county")
        .annotate(
            patrols=Count("pk", filter=Q(kind=PatrolKind.PATROL)),
            spot_checks=Count("pk", filter=Q(kind=PatrolKind.SPOT_CHECK)),
        )
    )
    for r in by_county:
        row = rows.setdefault(r["county"], CountyRow(r["county"], r["county"]))
        row.patrols, row.spot_checks = r["patrols"], r["spot_checks"]
    findings = (
        PatrolFinding.objects.filter(patrol__in=patrols)
        .annotate(county=Substr("patrol__enterprise__region__prefix", 1, 6))
        .values("county")
        .annotate(findings=Count("pk"), hazards=Count("hazard"))
    )
    for r in findings:
        row = rows.setdefault(r["county"], CountyRow(r["county"], r["county"]))
        row.findings, row.hazards = r["findings"], r["hazards"]
    stats.rows = sorted(rows.values(), key=lambda r: r.code)
    return stats
