from ninja import Router, Schema

from anlan.hazards.stats import hazard_stats

from .stats import enterprise_stats

router = Router(tags=["dashboard"])


class CountOut(Schema):
    code: str
    name: str
    count: int


class CountyCountOut(CountOut):
    city: str


class EnterpriseStatsOut(Schema):
    total: int
    operating: int
    flagged: int
    by_county: list[CountyCountOut]
    by_industry: list[CountOut]
    by_flag: list[CountOut]
    by_status: list[CountOut]


@router.get("/enterprises", response=EnterpriseStatsOut, summary="Dashboard counts (scoped)")
def stats_enterprises(request):
    return enterprise_stats(request.user)


class CountyHazardsOut(Schema):
    code: str
    name: str
    found: int
    closed: int


class MonthHazardsOut(Schema):
    month: str
    found: int
    closed: int


class HazardStatsOut(Schema):
    found: int
    closed: int
    rectification_rate: float | None
    overdue: int
    open_major: int
    by_county: list[CountyHazardsOut]
    by_month: list[MonthHazardsOut]
    by_channel: list[CountOut]


@router.get(
    "/hazards",
    response=HazardStatsOut,
    summary="Hazard figures: rectification rate, overdue, by county and month",
)
def stats_hazards(request):
    return hazard_stats(request.user)
