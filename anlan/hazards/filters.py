"""One filter for the hazard ledger, shared by the web list and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from anlan.core.models import Region

from .choices import HazardChannel, HazardLevel, HazardStatus
from .models import local_today

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

    @classmethod
    def from_params(cls, params) -> HazardFilter:
        def pick(name, allowed=None):
            value = str(params.get(name) or "").strip()
            return "" if allowed is not None and value not in allowed else value

        enterprise = pick("enterprise")
        return cls(
            q=pick("q")[:100],
            status=pick("status", HazardStatus.values),
            level=pick("level", HazardLevel.values),
            channel=pick("channel", HazardChannel.values),
            region=pick("region")[:12],
            enterprise=int(enterprise) if enterprise.isdigit() else None,
            overdue=str(params.get("overdue") or "").lower() in {"1", "true", "on", "yes"},
            sort=pick("sort", SORTS) or "-found",
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
        if self.region:
            region = Region.objects.filter(code=self.region).first()
            subtree = Region.objects.filter(prefix__startswith=region.prefix) if region else None
            # region IN (the subtree's ids), so the (region, status) index is used (see
            # core.scoping.filter_by_scope).
            qs = qs.filter(region__in=subtree.values("pk")) if region else qs.none()
        if self.overdue:
            qs = qs.overdue(local_today())
        return qs.order_by(SORTS[self.sort], "-pk")


def counts_by_status(qs: QuerySet) -> dict[str, int]:
    """How many hazards of ``qs`` are in each status (every status present, zero or not)."""
    found = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: found.get(status, 0) for status in HazardStatus.values}
