from ninja import Router, Schema

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
