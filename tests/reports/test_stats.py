import pytest

from anlan.registry.models import RiskFlag
from anlan.reports.stats import enterprise_stats

from ..factories import LINGSHI, EnterpriseFactory, region

pytestmark = pytest.mark.django_db


def test_dashboard_counts_by_county_industry_and_flag_within_scope(
    city_admin, lingshi_mine, yuncheng_plant
):
    EnterpriseFactory(region=region("140724"), industry="metallurgy", status="suspended")
    lingshi_mine.risk_flags.add(RiskFlag.objects.get(code="high_gas"))
    stats = enterprise_stats(city_admin)
    assert stats["total"] == 2 and stats["operating"] == 1 and stats["flagged"] == 1
    assert {c["name"]: c["count"] for c in stats["by_county"]} == {"昔阳县": 1, "灵石县": 1}
    assert {i["code"]: i["count"] for i in stats["by_industry"]} == {
        "coal_mine": 1,
        "metallurgy": 1,
    }
    assert next(f for f in stats["by_flag"] if f["code"] == "high_gas")["count"] == 1


def test_township_enterprises_count_under_their_county(city_admin):
    from ..factories import township

    EnterpriseFactory(region=township(LINGSHI))
    stats = enterprise_stats(city_admin)
    assert stats["by_county"] == [
        {"code": "140729", "name": "灵石县", "city": "晋中市", "count": 1}
    ]
