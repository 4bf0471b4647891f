"""One filter for the enterprise ledger, shared by the web list, the API and the Excel export,
so the same query string gives the same rows everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from anlan.core.models import within_region_code

from .choices import EnterpriseIndustry, EnterpriseRiskFlag, EnterpriseStatus

SORTS = {
    "name": "name",
    "-name": "-name",
    "region": "region__code",
    "-region": "-region__code",
    "headcount": "headcount",
    "-headcount": "-headcount",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


@dataclass
class EnterpriseFilter:
    q: str = ""
    region: str = ""  # a region code; the whole subtree matches
    industry: str = ""
    flag: str = ""
    status: str = ""
    sort: str = "region"

    @classmethod
    def from_params(cls, params) -> EnterpriseFilter:
        def pick(name, allowed=None):
            value = (params.get(name) or "").strip()
            if allowed is not None and value not in allowed:
                return ""
            return value

        return cls(
            q=pick("q")[:100],
            region=pick("region")[:12],
            industry=pick("industry", EnterpriseIndustry.values),
            flag=pick("flag", EnterpriseRiskFlag.values),
            status=pick("status", EnterpriseStatus.values),
            sort=pick("sort", SORTS) or "region",
        )

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.q:
            qs = qs.filter(
                Q(name__icontains=self.q) | Q(uscc__icontains=self.q) | Q(address__icontains=self.q)
            )
        if self.region:
            qs = within_region_code(qs, self.region)
        if self.industry:
            qs = qs.filter(industry=self.industry)
        if self.flag:
            qs = qs.filter(risk_flags__code=self.flag)
        if self.status:
            qs = qs.filter(status=self.status)
        return qs.order_by(SORTS[self.sort], "pk")
