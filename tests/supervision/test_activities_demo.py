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
        result = build_demo()  # the activities are one of its steps, after the office's units
        regions = {r.code: r for r in Region.objects.filter(is_fictional=True)} | {
            r.code: r
            for r in Region.objects.filter(level="county", code__startswith="14")
            if r.code in {"140729", "140724", "140781", "140728", "140725"}
        }
        again = build_demo_activities(regions)
    assert result["enterprises"] > 0
    assert result["created"]["trainings"] > 100 and result["created"]["campaigns"] == 1
    assert CampaignActivity.objects.count() > 10
    assert ExpertVisit.objects.exists()
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
    assert {"晋中市应急管理局", "晋中市公安局"} <= {u.name for u in consultation.units.all()}
    kinds = set(CampaignActivity.objects.filter(campaign=campaign).values_list("kind", flat=True))
    assert {"consultation_day", "open_class", "into_schools"} <= kinds
    assert ExpertVisit.objects.filter(enterprise__is_demo=True).exists()


@pytest.mark.django_db
def test_every_demo_login_opens_the_activity_pages(client, settings):
    from django.urls import reverse

    from anlan.core.demo import build_demo
    from anlan.core.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        build_demo()
        unit = make_unit("应急管理局")
        unit.liaisons.add(User.objects.get(username="liaison"))
        build_demo_activities(Region.objects.filter(level="county"))
        campaign = Campaign.objects.get(title=CAMPAIGN_TITLE)
        training = TrainingSession.objects.filter(region__code__startswith="140729").first()
        for user in User.objects.filter(is_demo=True):
            client.force_login(user)
            for name in ("trainings", "visits", "campaigns", "activities"):
                response = client.get(reverse(f"supervision:{name}"))
                assert response.status_code == 200, (user.username, name)
            for name in ("trainings-export", "visits-export", "activities-export"):
                assert client.get(reverse(f"supervision:{name}")).status_code == 200
            sees = Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists()
            assert CampaignActivity.objects.visible_to(user).count() >= 0
            page = client.get(reverse("supervision:campaign", args=[campaign.pk]))
            assert page.status_code == (200 if sees else 404), user.username
            sees = TrainingSession.objects.visible_to(user).filter(pk=training.pk).exists()
            page = client.get(reverse("supervision:training", args=[training.pk]))
            assert page.status_code == (200 if sees else 404), user.username
            for name, what in (
                ("training-new", "training"),
                ("visit-new", "visit"),
                ("activity-new", "activity"),
            ):
                expected = 200 if services.may_record_any(user, what) else 403
                assert client.get(reverse(f"supervision:{name}")).status_code == expected
            expected = 200 if services.may_manage_campaign(user) else 403
            assert client.get(reverse("supervision:campaign-new")).status_code == expected
        client.force_login(User.objects.get(username="liaison"))
        item = campaign.items.get(number=1)
        response = client.post(
            reverse("supervision:campaign-item-progress", args=[item.pk]),
            {f"item{item.pk}-progress": 100},
        )
        assert response.status_code == 302
