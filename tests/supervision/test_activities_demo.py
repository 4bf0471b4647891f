"""The demo trainings, visits and the 2026 安全生产月 of 晋中市."""

import datetime as dt

import pytest
import time_machine

from anlan.core.models import Region
from anlan.supervision import activities as services
from anlan.supervision.demo_activities import CAMPAIGN_TITLE, ITEMS, build_demo_activities
from anlan.supervision.models import (
    Campaign,
    CampaignActivity,
    ExpertVisit,
    TrainingSession,
)

from .factories_activities import make_unit


@pytest.mark.django_db
def test_the_demo_builds_and_a_second_run_adds_nothing(settings):
    from anlan.core.demo import build_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        result = build_demo()
        for name in ("应急管理局", "教育局", "公安局"):
            make_unit(name)  # as the office helper's demo makes them
        regions = {r.code: r for r in Region.objects.filter(is_fictional=True)} | {
            r.code: r
            for r in Region.objects.filter(level="county", code__startswith="14")
            if r.code in {"140729", "140724", "140781", "140728", "140725"}
        }
        first = build_demo_activities(regions)
        again = build_demo_activities(regions)
    assert result["enterprises"] > 0
    assert first["trainings"] > 100 and first["campaign_activities"] > 10
    assert first["expert_visits"] > 0
    assert set(again.values()) == {0}

    jinzhong = Region.objects.get(code="140700")
    half = services.training_totals(jinzhong, dt.date(2026, 1, 1), dt.date(2026, 7, 1))
    lectures = half["principal_lecture"]
    assert 60 <= lectures.sessions <= 140
    assert 4000 <= lectures.participants <= 12000
    assert (
        half.records
        == TrainingSession.objects.filter(
            region__code__startswith="1407", date__lt=dt.date(2026, 7, 1)
        ).count()
    )

    campaign = Campaign.objects.get(title=CAMPAIGN_TITLE)
    assert campaign.items.count() == len(ITEMS) == 8
    consultation = campaign.items.get(number=3)
    assert {u.name for u in consultation.units.all()} == {"应急管理局", "公安局"}
    kinds = set(CampaignActivity.objects.filter(campaign=campaign).values_list("kind", flat=True))
    assert {"consultation_day", "open_class", "into_schools"} <= kinds
    assert ExpertVisit.objects.filter(enterprise__is_demo=True).exists()
