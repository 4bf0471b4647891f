"""Ledger counts: exact up to ANLAN_EXACT_COUNT_LIMIT, "more than" above it, always scoped."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anlan.core.models import ApiToken
from anlan.hazards.counts import capped_count, ledger_counts
from anlan.hazards.models import Hazard

pytestmark = pytest.mark.django_db


def hazards(enterprise, n, **extra):
    Hazard.objects.bulk_create(
        Hazard(
            code=f"YHT{enterprise.pk:04d}{extra.get('status', '')[:3]}{i:03d}",
            enterprise=enterprise,
            region=enterprise.region,
            description=f"隐患{i}",
            category="other",
            channel="self_inspection",
            **extra,
        )
        for i in range(n)
    )


@pytest.fixture
def ledger(lingshi_mine, yuncheng_plant):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    hazards(lingshi_mine, 4, status="reported")
    hazards(lingshi_mine, 2, status="rectifying", deadline=yesterday)
    hazards(yuncheng_plant, 5, status="reported")


def test_small_sets_are_counted_exactly(ledger, lingshi_regulator):
    counts = ledger_counts(Hazard.objects.visible_to(lingshi_regulator), limit=10)
    assert counts.by_status["reported"] == 4 and counts.by_status["rectifying"] == 2
    assert (counts.total, counts.overdue, counts.capped) == (6, 2, set())
    assert counts.label("total") == "6"


def test_large_sets_say_more_than_the_limit(ledger, system_admin):
    counts = ledger_counts(Hazard.objects.visible_to(system_admin), limit=3)
    assert counts.by_status["reported"] == 3 and counts.by_status["rectifying"] == 2
    assert counts.capped == {"reported", "total"}
    assert counts.label("reported") == "3+" and counts.label("total") == "5+"
    assert capped_count(Hazard.objects.all(), 3) == (3, False)
    assert capped_count(Hazard.objects.all(), 11) == (11, True)


def test_counts_never_include_another_countys_hazards(ledger, yanhu_regulator):
    counts = ledger_counts(Hazard.objects.visible_to(yanhu_regulator), limit=3)
    # Five in Yanhu: more than the limit, but never the Lingshi six.
    assert counts.by_status["reported"] == 3 and "reported" in counts.capped
    assert counts.by_status["rectifying"] == 0 and counts.overdue == 0


def test_api_marks_capped_counts_and_totals(client, ledger, system_admin, settings):
    settings.ANLAN_EXACT_COUNT_LIMIT = 3
    _, raw = ApiToken.issue(user=system_admin, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    counts = client.get("/api/hazards/counts", **headers).json()
    assert counts["capped"] == ["reported", "total"] and counts["count_limit"] == 3
    assert counts["by_status"]["rectifying"] == 2
    page = client.get("/api/hazards", {"limit": 2}, **headers).json()
    assert (page["count"], page["count_exact"], len(page["items"])) == (3, False, 2)
    small = client.get("/api/hazards", {"status": "rectifying"}, **headers).json()
    assert (small["count"], small["count_exact"]) == (2, True)


def test_ledger_page_says_more_than_in_chinese(client, ledger, system_admin, settings):
    settings.ANLAN_EXACT_COUNT_LIMIT = 3
    client.force_login(system_admin)
    page = client.get(reverse("hazards:list")).content.decode()
    assert "超过 3 条隐患" in page and "3+" in page
    exact = client.get(reverse("hazards:list"), {"status": "rectifying"}).content.decode()
    assert "超过" not in exact
