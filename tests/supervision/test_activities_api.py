"""The trainings and campaigns API under /api/office."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import translation
from openpyxl import Workbook

from anlan.core.models import ApiToken
from anlan.supervision.models import Campaign, CampaignItem, TrainingSession

from .factories_activities import JINZHONG, LINGSHI, XIYANG, make_campaign, make_training, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december_2026():
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        with translation.override("en"):
            yield


def auth(user):
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_list_and_totals_are_scoped_and_filtered(client, lingshi_regulator):
    make_training(region_code=LINGSHI, participants=40, sessions=2)
    make_training(region_code=LINGSHI, kind="skills", participants=10)
    make_training(region_code=XIYANG, participants=999)
    h = auth(lingshi_regulator)
    listing = client.get("/api/office/trainings", {"kind": "principal_lecture"}, **h)
    assert listing.status_code == 200
    assert [t["participants"] for t in listing.json()["items"]] == [40]
    totals = client.get("/api/office/trainings/totals", {"date_to": "2026-12-31"}, **h).json()
    assert (totals["sessions"], totals["participants"]) == (3, 50)
    lecture = next(k for k in totals["kinds"] if k["kind"] == "principal_lecture")
    assert (lecture["records"], lecture["sessions"]) == (1, 2)


def test_another_countys_training_is_404(client, lingshi_regulator):
    theirs = make_training(region_code=XIYANG)
    h = auth(lingshi_regulator)
    assert client.get(f"/api/office/trainings/{theirs.pk}", **h).status_code == 404
    assert client.delete(f"/api/office/trainings/{theirs.pk}", **h).status_code == 404


def test_post_a_training_and_a_bad_one(client, lingshi_regulator):
    h = auth(lingshi_regulator)
    body = {
        "region": LINGSHI,
        "kind": "thematic",
        "title": "专题培训",
        "date": "2026-05-05",
        "participants": 30,
    }
    response = client.post("/api/office/trainings", body, content_type="application/json", **h)
    assert response.status_code == 201, response.content
    assert response.json()["region"] == LINGSHI
    bad = client.post(
        "/api/office/trainings", {**body, "participants": -1}, content_type="application/json", **h
    )
    assert bad.status_code == 422
    assert "participants" in str(bad.json()["detail"][0]["loc"])
    outside = client.post(
        "/api/office/trainings", {**body, "region": XIYANG}, content_type="application/json", **h
    )
    assert outside.status_code == 422
    assert outside.json()["detail"][0]["loc"][-1] == "region"
    assert TrainingSession.objects.count() == 1
    pk = response.json()["id"]
    patched = client.patch(
        f"/api/office/trainings/{pk}", {"participants": 31}, content_type="application/json", **h
    )
    assert patched.status_code == 200 and patched.json()["participants"] == 31
    assert client.delete(f"/api/office/trainings/{pk}", **h).status_code == 204


def test_import_through_the_api_is_all_or_nothing(client, lingshi_regulator):
    wb = Workbook()
    ws = wb.active
    ws.append(["region code", "kind", "title", "date", "person-times"])
    ws.append([LINGSHI, "thematic", "好的", "2026-03-03", 20])
    ws.append([LINGSHI, "thematic", "坏的", "2026-03-03", -20])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "t.xlsx"
    client.cookies["django_language"] = "en"  # the column is named in the user's language
    response = client.post(
        "/api/office/trainings/import",
        {"file": out},
        **auth(lingshi_regulator),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][2:] == [
        "file",
        3,
        "person-times",
    ] or response.json()["detail"][0]["loc"][-2:] == [3, "person-times"]
    assert not TrainingSession.objects.exists()


def test_campaign_with_items_and_progress(client, city_admin, lingshi_regulator):
    unit = make_unit("应急管理局")
    h = auth(city_admin)
    body = {
        "region": JINZHONG,
        "title": "安全生产月",
        "start": "2026-06-01",
        "end": "2026-06-30",
        "items": [{"title": "咨询日", "units": [unit.pk]}, {"title": "五进"}],
    }
    response = client.post("/api/office/campaigns", body, content_type="application/json", **h)
    assert response.status_code == 201, response.content
    campaign = response.json()
    assert [i["number"] for i in campaign["items"]] == [1, 2]
    assert campaign["items"][0]["units"] == ["应急管理局"]
    item_id = campaign["items"][0]["id"]
    bad = client.post(
        f"/api/office/campaigns/items/{item_id}/progress",
        {"progress": 101},
        content_type="application/json",
        **h,
    )
    assert bad.status_code == 422
    good = client.post(
        f"/api/office/campaigns/items/{item_id}/progress",
        {"progress": 100},
        content_type="application/json",
        **h,
    )
    assert good.json()["state"] == "done"
    county = client.post(
        f"/api/office/campaigns/items/{item_id}/progress",
        {"progress": 10},
        content_type="application/json",
        **auth(lingshi_regulator),
    )
    assert county.status_code == 403
    reversed_dates = client.post(
        "/api/office/campaigns",
        {**body, "start": "2026-07-01"},
        content_type="application/json",
        **h,
    )
    assert reversed_dates.status_code == 422
    assert reversed_dates.json()["detail"][0]["loc"][-1] == "end"
    assert Campaign.objects.count() == 1
    assert CampaignItem.objects.get(pk=item_id).progress == 100


def test_activities_and_their_totals(client, lingshi_regulator):
    campaign = make_campaign()
    h = auth(lingshi_regulator)
    body = {
        "campaign": campaign.pk,
        "region": LINGSHI,
        "kind": "into_communities",
        "title": "进社区",
        "date": "2026-06-08",
        "events": 2,
        "participants": 260,
    }
    assert (
        client.post(
            "/api/office/activities", body, content_type="application/json", **h
        ).status_code
        == 201
    )
    bad = client.post(
        "/api/office/activities", {**body, "events": 0}, content_type="application/json", **h
    )
    assert bad.status_code == 422
    totals = client.get("/api/office/activities/totals", {"campaign": campaign.pk}, **h).json()
    assert (totals["sessions"], totals["participants"]) == (2, 260)
    assert client.get(f"/api/office/campaigns/{campaign.pk}", **h).status_code == 200


def test_visits_api(client, lingshi_regulator, lingshi_mine, yuncheng_plant):
    h = auth(lingshi_regulator)
    body = {
        "enterprise": lingshi_mine.pk,
        "domain": "mining",
        "date": "2026-04-04",
        "experts": "专家组",
        "problems_found": 5,
    }
    response = client.post("/api/office/visits", body, content_type="application/json", **h)
    assert response.status_code == 201
    outside = client.post(
        "/api/office/visits",
        {**body, "enterprise": yuncheng_plant.pk},
        content_type="application/json",
        **h,
    )
    assert outside.status_code == 422
    totals = client.get("/api/office/visits/totals", {"domain": "mining"}, **h).json()
    assert (totals["records"], totals["participants"]) == (1, 5)
