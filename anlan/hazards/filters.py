"""One filter for the hazard ledger, shared by the web list and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anlan.core.models import Region
from anlan.registry.choices import EnterpriseIndustry

from .choices import OPEN_STATUSES, HazardChannel, HazardLevel, HazardStatus
from .models import local_today
from .stats import NOT_HAZARDS

SORTS = {
    "found": "found_at",
    "-found": "-found_at",
    "deadline": "deadline",
    "-deadline": "-deadline",
    "status": "status",
}


@dataclass
class HazardFilter:
    q: str = ""
    status: str = ""
    level: str = ""
    channel: str = ""
    region: str = ""
    enterprise: int | None = None
    overdue: bool = False
    sort: str = "-found"
    industry: str = ""
    found_from: dt.date | None = None  # the period: found on or after this day…
    found_to: dt.date | None = None  # …and on or before this one
    open: bool = False  # not yet closed (nor rejected or merged)
    countable: bool = False  # leave out rejected reports and merged duplicates, as figures do
    errors: dict[str, str] = field(default_factory=dict)  # bad values, named by parameter

    @classmethod
    def from_params(cls, params) -> HazardFilter:
        def pick(name, allowed=None):
            value = str(params.get(name) or "").strip()
            return "" if allowed is not None and value not in allowed else value

        enterprise = pick("enterprise")
        errors = {}

        def day(name):
            raw = pick(name)
            if not raw:
                return None
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                errors[name] = _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw[:20]}
                return None

        found_from, found_to = day("found_from"), day("found_to")
        if found_from and found_to and found_from > found_to:
            errors["found_to"] = _("The end of the period is before its start.")
            found_to = None
        return cls(
            q=pick("q")[:100],
            status=pick("status", HazardStatus.values),
            level=pick("level", HazardLevel.values),
            channel=pick("channel", HazardChannel.values),
            region=pick("region")[:12],
            enterprise=int(enterprise) if enterprise.isdigit() else None,
            overdue=_flag(params.get("overdue")),
            sort=pick("sort", SORTS) or "-found",
            industry=pick("industry", EnterpriseIndustry.values),
            found_from=found_from,
            found_to=found_to,
            open=_flag(params.get("open")),
            countable=_flag(params.get("countable")),
            errors=errors,
        )

    def apply(self, qs: QuerySet, *, with_status: bool = True) -> QuerySet:
        if self.q:
            qs = qs.filter(
                Q(code__icontains=self.q)
                | Q(description__icontains=self.q)
                | Q(enterprise__name__icontains=self.q)
                | Q(place_name__icontains=self.q)
            )
        if self.status and with_status:
            qs = qs.filter(status=self.status)
        if self.level:
            qs = qs.filter(level=self.level)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.enterprise:
            qs = qs.filter(enterprise_id=self.enterprise)
        if self.industry:
            qs = qs.filter(enterprise__industry=self.industry)
        if self.found_from:
            qs = qs.filter(found_at__gte=_start_of(self.found_from))
        if self.found_to:
            qs = qs.filter(found_at__lt=_start_of(self.found_to + dt.timedelta(days=1)))
        if self.region:
            region = Region.objects.filter(code=self.region).first()
            subtree = Region.objects.filter(prefix__startswith=region.prefix) if region else None
            # region IN (the subtree's ids), so the (region, status) index is used (see
            # core.scoping.filter_by_scope).
            qs = qs.filter(region__in=subtree.values("pk")) if region else qs.none()
        if self.overdue:
            qs = qs.overdue(local_today())
        if self.open:
            qs = qs.filter(status__in=OPEN_STATUSES)
        if self.countable:
            qs = qs.exclude(status__in=NOT_HAZARDS)
        return qs.order_by(SORTS[self.sort], "-pk")


def _flag(raw) -> bool:
    return str(raw or "").lower() in {"1", "true", "on", "yes"}


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
