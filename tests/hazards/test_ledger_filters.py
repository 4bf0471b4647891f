"""The hazard ledger filtered by industry and by the period in which hazards were found, on
the page, in the API and in the Excel export; bad dates get a clear error."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anlan.hazards import services
from anlan.registry.choices import EnterpriseIndustry

from ..factories import LINGSHI, EnterpriseFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazards(lingshi_regulator):
    mine = EnterpriseFactory(
        name="灵石筛选煤矿", region=region(LINGSHI), industry=EnterpriseIndustry.COAL_MINE
    )
    plant = EnterpriseFactory(
        name="灵石筛选化工", region=region(LINGSHI), industry=EnterpriseIndustry.HAZARDOUS_CHEMICALS
    )
    now = timezone.now()
    made = {}
    for key, enterprise, days_ago in [
        ("old mine", mine, 40),
        ("new mine", mine, 2),
        ("plant", plant, 2),
    ]:
        made[key] = services.report_hazard(
            user=lingshi_regulator,
            data={
                "enterprise": enterprise,
                "description": f"筛选用隐患 {key}",
                "category": "equipment",
                "channel": "law_enforcement",
                "found_at": now - dt.timedelta(days=days_ago),
            },
        )
    return made


def codes(response):
    return {h.code for h in response.context["page"]}


def test_ledger_filters_by_industry_and_period(client, lingshi_regulator, hazards):
    client.force_login(lingshi_regulator)
    mines = client.get("/hazards/", {"industry": "coal_mine"})
    assert codes(mines) == {hazards["old mine"].code, hazards["new mine"].code}
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    recent = client.get("/hazards/", {"found_from": since})
    assert codes(recent) == {hazards["new mine"].code, hazards["plant"].code}
    until = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    assert codes(client.get("/hazards/", {"found_to": until})) == {hazards["old mine"].code}
    both = client.get("/hazards/", {"industry": "coal_mine", "found_from": since})
    assert codes(both) == {hazards["new mine"].code}


def test_api_and_export_use_the_same_filters(client, lingshi_regulator, hazards):
    client.force_login(lingshi_regulator)
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    api = client.get("/api/hazards", {"industry": "coal_mine", "found_from": since}).json()
    assert [h["code"] for h in api["items"]] == [hazards["new mine"].code]
    export = client.get("/hazards/export.xlsx", {"industry": "hazardous_chemicals"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        hazards["plant"].code
    ]


def test_bad_period_gets_a_clear_error(client, lingshi_regulator, hazards):
    client.force_login(lingshi_regulator)
    page = client.get("/hazards/", {"found_from": "2026-13-40"})
    assert page.status_code == 200
    assert "不是有效日期" in page.content.decode()
    assert len(codes(page)) == 3  # the bad value is ignored, not half-applied
    api = client.get("/api/hazards", {"found_from": "2026-13-40"})
    assert api.status_code == 422
    reversed_period = client.get(
        "/api/hazards", {"found_from": "2026-05-01", "found_to": "2026-04-01"}
    )
    assert reversed_period.status_code == 422
    assert reversed_period.json()["detail"][0]["loc"][-1] == "found_to"
    assert client.get("/api/hazards", {"industry": "spaceships"}).status_code == 422
