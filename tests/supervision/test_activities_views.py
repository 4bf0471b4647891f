"""The training, visit, campaign and activity pages: filters, totals, scoping, forms."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from anlan.core.choices import UserRole
from anlan.supervision.choices import ItemState
from anlan.supervision.models import CampaignActivity, CampaignItem, TrainingSession
from tests.factories import make_user, region, township

from .factories_activities import JINZHONG, LINGSHI, XIYANG, make_campaign, make_training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december_2026():
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        with translation.override("en"):
            yield


@pytest.fixture
def xiyang_regulator(db):
    return make_user("xiyang-regulator", UserRole.COUNTY_REGULATOR, region=region(XIYANG))


def test_county_regulator_does_not_see_another_countys_trainings(
    client, lingshi_regulator, xiyang_regulator
):
    mine = make_training(region_code=LINGSHI, title="灵石培训")
    theirs = make_training(region_code=XIYANG, title="昔阳培训")
    client.force_login(lingshi_regulator)
    page = client.get(reverse("supervision:trainings"))
    assert "灵石培训" in page.content.decode()
    assert "昔阳培训" not in page.content.decode()
    assert client.get(reverse("supervision:training", args=[mine.pk])).status_code == 200
    assert client.get(reverse("supervision:training", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("supervision:training-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("supervision:training-delete", args=[theirs.pk])).status_code == 404
    assert TrainingSession.objects.filter(pk=theirs.pk).exists()


def test_ledger_filters_and_totals_match_the_filtered_records(client, city_admin):
    make_training(
        region_code=LINGSHI,
        kind="principal_lecture",
        day=dt.date(2026, 3, 1),
        sessions=2,
        participants=70,
    )
    make_training(
        region_code=LINGSHI, kind="principal_lecture", day=dt.date(2026, 8, 1), participants=500
    )
    make_training(
        region_code=XIYANG, kind="principal_lecture", day=dt.date(2026, 3, 5), participants=900
    )
    make_training(region_code=LINGSHI, kind="skills", day=dt.date(2026, 3, 9), participants=11)
    client.force_login(city_admin)
    response = client.get(
        reverse("supervision:trainings"),
        {
            "kind": "principal_lecture",
            "region": LINGSHI,
            "date_from": "2026-01-01",
            "date_to": "2026-06-30",
        },
    )
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.records, totals.sessions, totals.participants) == (1, 2, 70)
    assert list(response.context["page"]) == list(
        TrainingSession.objects.filter(
            region__code=LINGSHI, kind="principal_lecture", date__lte=dt.date(2026, 6, 30)
        )
    )
    assert response.context["chart"]["participants"][0] == 70
    html = response.content.decode()
    assert 'id="totals-chart"' in html
    assert "echarts.min.js" in html


def test_the_export_has_the_filtered_rows(client, city_admin):
    make_training(region_code=LINGSHI, title="灵石培训")
    make_training(region_code=XIYANG, title="昔阳培训")
    client.force_login(city_admin)
    response = client.get(reverse("supervision:trainings-export"), {"region": XIYANG})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    titles = [row[4] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert titles == ["昔阳培训"]


def test_a_training_recorded_through_the_form(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    response = client.post(
        reverse("supervision:training-new"),
        {
            "region": region(LINGSHI).pk,
            "kind": "thematic",
            "title": "危化品专题培训",
            "date": "2026-04-02",
            "sessions": 1,
            "participants": 65,
            "hours": "2",
        },
    )
    training = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:training", args=[training.pk])
    assert training.participants == 65


def test_the_form_names_a_negative_count_and_saves_nothing(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    response = client.post(
        reverse("supervision:training-new"),
        {
            "region": region(LINGSHI).pk,
            "kind": "thematic",
            "title": "专题培训",
            "date": "2026-04-02",
            "sessions": 1,
            "participants": -3,
            "hours": "2",
        },
    )
    assert response.status_code == 400
    assert "participants" in response.context["form"].errors
    assert 'data-field="participants"' in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_a_viewer_without_the_right_gets_403_on_the_form(client, lingshi_mine):
    guarantor = make_user("g-x", UserRole.GUARANTOR, enterprise=lingshi_mine)
    client.force_login(guarantor)
    assert client.get(reverse("supervision:training-new")).status_code == 403
    assert client.get(reverse("supervision:trainings")).status_code == 200


def test_visits_ledger_totals_per_domain(client, lingshi_regulator, lingshi_mine):
    from anlan.supervision.models import ExpertVisit

    for domain, problems in (("mining", 3), ("mining", 4), ("dust", 1)):
        ExpertVisit.objects.create(
            region=lingshi_mine.region,
            enterprise=lingshi_mine,
            domain=domain,
            date=dt.date(2026, 5, 1),
            experts="专家",
            problems_found=problems,
        )
    client.force_login(lingshi_regulator)
    response = client.get(reverse("supervision:visits"), {"domain": "mining"})
    totals = response.context["totals"]
    assert (totals["mining"].records, totals["mining"].participants) == (2, 7)
    assert totals["dust"].records == 0
    visit = ExpertVisit.objects.first()
    assert client.get(reverse("supervision:visit", args=[visit.pk])).status_code == 200
    export = client.get(reverse("supervision:visits-export"))
    assert load_workbook(io.BytesIO(export.content)).active.max_row == 4


def test_campaign_page_shows_items_progress_and_activity_counts(client, city_admin):
    campaign = make_campaign(title="2026年安全生产月")
    CampaignItem.objects.create(
        campaign=campaign, number=1, title="安全宣传咨询日", progress=100, state=ItemState.DONE
    )
    CampaignItem.objects.create(
        campaign=campaign, number=2, title="隐患排查整治", progress=40, state=ItemState.IN_PROGRESS
    )
    CampaignActivity.objects.create(
        campaign=campaign,
        region=region(LINGSHI),
        kind="consultation_day",
        title="咨询日",
        date=dt.date(2026, 6, 16),
        events=1,
        participants=800,
    )
    client.force_login(city_admin)
    response = client.get(reverse("supervision:campaign", args=[campaign.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "安全宣传咨询日" in html and "隐患排查整治" in html
    assert response.context["progress"] == 70
    assert response.context["totals"]["consultation_day"].participants == 800
    listing = client.get(reverse("supervision:campaigns"))
    assert "2026年安全生产月" in listing.content.decode()


def test_progress_update_form(client, city_admin):
    campaign = make_campaign()
    item = CampaignItem.objects.create(campaign=campaign, number=1, title="咨询日")
    client.force_login(city_admin)
    url = reverse("supervision:campaign-item-progress", args=[item.pk])
    bad = client.post(url, {f"item{item.pk}-progress": 150})
    assert bad.status_code == 400
    assert 'data-field="progress"' in bad.content.decode()
    item.refresh_from_db()
    assert item.progress == 0
    good = client.post(url, {f"item{item.pk}-progress": 60, f"item{item.pk}-note": "过半"})
    assert good.status_code == 302
    item.refresh_from_db()
    assert (item.progress, item.state, item.progress_note) == (60, "in_progress", "过半")


def test_county_regulator_may_not_update_the_citys_campaign_items(client, lingshi_regulator):
    campaign = make_campaign()
    item = CampaignItem.objects.create(campaign=campaign, number=1, title="咨询日")
    client.force_login(lingshi_regulator)
    url = reverse("supervision:campaign-item-progress", args=[item.pk])
    assert client.post(url, {f"item{item.pk}-progress": 50}).status_code == 403


def test_campaign_form_refuses_end_before_start(client, city_admin):
    client.force_login(city_admin)
    response = client.post(
        reverse("supervision:campaign-new"),
        {
            "region": region(JINZHONG).pk,
            "title": "安全生产月",
            "start": "2026-06-30",
            "end": "2026-06-01",
        },
    )
    assert response.status_code == 400
    assert "end" in response.context["form"].errors


def test_items_added_on_the_campaign_page(client, city_admin):
    campaign = make_campaign()
    client.force_login(city_admin)
    url = reverse("supervision:campaign-item-new", args=[campaign.pk])
    response = client.post(url, {"title": "主要负责人讲安全", "progress": 0})
    assert response.status_code == 302
    bad = client.post(url, {"title": "坏的", "start": "2026-06-10", "end": "2026-06-01"})
    assert bad.status_code == 400
    assert list(campaign.items.values_list("number", "title")) == [(1, "主要负责人讲安全")]


def test_activity_ledger_filters_by_campaign(client, lingshi_regulator):
    campaign = make_campaign()
    CampaignActivity.objects.create(
        campaign=campaign,
        region=region(LINGSHI),
        kind="open_class",
        title="公开课",
        date=dt.date(2026, 6, 3),
        events=2,
        participants=300,
    )
    CampaignActivity.objects.create(
        region=region(LINGSHI),
        kind="into_rural",
        title="进农村",
        date=dt.date(2026, 3, 3),
        participants=50,
    )
    CampaignActivity.objects.create(
        region=region(XIYANG),
        kind="open_class",
        title="昔阳公开课",
        date=dt.date(2026, 6, 3),
        participants=9,
    )
    client.force_login(lingshi_regulator)
    response = client.get(reverse("supervision:activities"), {"campaign": campaign.pk})
    assert [a.title for a in response.context["page"]] == ["公开课"]
    assert response.context["totals"].participants == 300
    everything = client.get(reverse("supervision:activities"))
    assert "昔阳公开课" not in everything.content.decode()


def test_activity_recorded_through_the_form(client, lingshi_regulator):
    campaign = make_campaign()
    client.force_login(lingshi_regulator)
    response = client.post(
        reverse("supervision:activity-new"),
        {
            "campaign": campaign.pk,
            "region": region(LINGSHI).pk,
            "kind": "into_schools",
            "title": "进学校",
            "date": "2026-06-12",
            "events": 2,
            "participants": 400,
            "materials": 600,
        },
    )
    assert response.status_code == 302
    assert CampaignActivity.objects.get().participants == 400


def test_the_pages_answer_on_a_phone_sized_layout(client, lingshi_regulator):
    make_training()
    client.force_login(lingshi_regulator)
    for name in ("trainings", "visits", "campaigns", "activities"):
        html = client.get(reverse(f"supervision:{name}")).content.decode()
        assert "table-responsive" in html


def test_township_supervisor_sees_only_their_township(client):
    town = township(LINGSHI)
    supervisor = make_user("town-sup", UserRole.TOWNSHIP_SUPERVISOR, region=town)
    inside = make_training(region_code=town.code, title="镇培训")
    county = make_training(region_code=LINGSHI, title="县培训")
    client.force_login(supervisor)
    assert client.get(reverse("supervision:training", args=[inside.pk])).status_code == 200
    assert client.get(reverse("supervision:training", args=[county.pk])).status_code == 404
