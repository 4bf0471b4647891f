"""Incidents, the ranked recommendation with reasons, sending teams (off duty only with a reason)
and the dispatch timeline — through the services, the API, the pages and the CLI."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from anlan.rescue.models import Dispatch, Incident, IncidentEvent

pytestmark = pytest.mark.django_db


def _incident_payload(mine, **extra):
    return {
        "title": "瓦斯爆炸",
        "kind": "gas_explosion",
        "enterprise": mine.pk,
        "place": "12205 工作面",
        "occurred_at": (timezone.now() - dt.timedelta(minutes=20)).isoformat(),
        "trapped": 6,
        **extra,
    }


@pytest.fixture
def incident(client, city_admin, gas_mine):
    client.force_login(city_admin)
    r = client.post(
        "/api/rescue/incidents", _incident_payload(gas_mine), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    return Incident.objects.get(pk=r.json()["id"])


def test_recording_an_incident_takes_the_mine_location_and_starts_the_timeline(
    incident,
    gas_mine,
):
    assert (incident.latitude, incident.longitude) == (gas_mine.latitude, gas_mine.longitude)
    assert incident.region == gas_mine.region
    assert "6" in incident.events.get().text


def test_the_recommendation_ranks_the_on_duty_squad_first_and_says_why_the_other_is_not_ranked(
    client,
    incident,
    squads,
):
    rows = client.get(f"/api/rescue/incidents/{incident.pk}/recommendation").json()
    first, second = rows
    assert (first["team"], first["rank"], first["eligible"]) == ("灵石县矿山救援中队", 1, True)
    assert any("Mine rescue" in r or "矿山救援" in r for r in first["reasons"])
    assert any("12" in r for r in first["reasons"])  # breathing sets in service
    assert first["eta_minutes"] < 30
    assert (second["team"], second["rank"], second["eligible"]) == (
        "昔阳县矿山救援中队",
        None,
        False,
    )
    assert second["problems"]  # not on duty now


def test_a_team_off_duty_is_refused_unless_a_reason_is_given_and_the_reason_is_recorded(
    client,
    incident,
    squads,
):
    xiyang = squads[1]
    url = f"/api/rescue/incidents/{incident.pk}/dispatches"
    r = client.post(url, {"team": xiyang.pk}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "team"
    assert not Dispatch.objects.exists()
    r = client.post(
        url, {"team": xiyang.pk, "force_reason": "就近队伍不足"}, content_type="application/json"
    )
    assert r.status_code == 201
    d = Dispatch.objects.get()
    assert d.forced and d.force_reason == "就近队伍不足"
    assert "就近队伍不足" in IncidentEvent.objects.filter(dispatch=d).get().text


def test_dispatch_stages_are_recorded_in_order_with_times_and_feed_the_history(
    client,
    incident,
    squads,
):
    r = client.post(
        f"/api/rescue/incidents/{incident.pk}/dispatches",
        {"team": squads[0].pk},
        content_type="application/json",
    )
    d = r.json()
    assert d["rank"] == 1 and d["stage"] == "notified"
    url = f"/api/rescue/dispatches/{d['id']}/stages"
    r = client.post(url, {"stage": "arrived"}, content_type="application/json")
    assert r.status_code == 422 and "stage" in r.json()["detail"][0]["loc"]
    assert (
        client.post(url, {"stage": "turned_out"}, content_type="application/json").status_code
        == 200
    )
    r = client.post(url, {"stage": "arrived", "people_rescued": 3}, content_type="application/json")
    assert r.json()["stage"] == "arrived" and r.json()["people_rescued"] == 3
    stages = list(IncidentEvent.objects.filter(incident=incident).values_list("stage", flat=True))
    assert stages == ["", "notified", "turned_out", "arrived"]
    assert Incident.objects.get(pk=incident.pk).status == "responding"
    history = client.get("/api/rescue/history").json()
    assert history[0]["team"] == "灵石县矿山救援中队" and history[0]["rescued"] == 3


def test_an_incident_outside_china_is_refused_and_nothing_is_saved(client, city_admin):
    client.force_login(city_admin)
    r = client.post(
        "/api/rescue/incidents",
        {
            "title": "x",
            "kind": "fire",
            "region": "140729",
            "place": "x",
            "latitude": "37.2",
            "longitude": "12.1",
            "occurred_at": timezone.now().isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "longitude"
    assert not Incident.objects.exists()


def test_another_county_cannot_see_the_incident(client, incident, yanhu_regulator):
    client.force_login(yanhu_regulator)
    assert client.get(f"/api/rescue/incidents/{incident.pk}").status_code == 404
    assert client.get(f"/rescue/incidents/{incident.pk}/").status_code == 404


def test_the_incident_page_shows_the_ranked_teams_and_sends_one(client, incident, squads):
    page = client.get(f"/rescue/incidents/{incident.pk}/").content.decode()
    assert "灵石县矿山救援中队" in page and 'data-testid="rank"' in page
    r = client.post(f"/rescue/incidents/{incident.pk}/dispatch/", {"team": squads[1].pk})
    assert r.status_code == 302
    assert not Dispatch.objects.exists()  # off duty, no reason
    client.post(f"/rescue/incidents/{incident.pk}/dispatch/", {"team": squads[0].pk})
    d = Dispatch.objects.get()
    client.post(f"/rescue/dispatches/{d.pk}/stage/", {"stage": "turned_out"})
    page = client.get(f"/rescue/incidents/{incident.pk}/").content.decode()
    assert "灵石县矿山救援中队" in page.split('data-testid="timeline"')[1]


def test_the_cli_recommends_and_sends(incident, squads, system_admin):
    out = io.StringIO()
    call_command("rescue", "recommend", str(incident.pk), stdout=out)
    assert "灵石县矿山救援中队" in out.getvalue()
    with pytest.raises(CommandError, match="force_reason"):
        call_command("rescue", "dispatch", str(incident.pk), str(squads[1].pk), stdout=out)
    call_command(
        "rescue", "dispatch", str(incident.pk), str(squads[1].pk), "--force", "增援", stdout=out
    )
    assert Dispatch.objects.get().forced


def test_the_cli_records_an_incident_and_refuses_one_outside_china(squads, gas_mine, system_admin):
    out = io.StringIO()
    call_command(
        "rescue", "report", "--title", "透水", "--kind", "water_inrush", "--place", "井下",
        "--enterprise", str(gas_mine.pk), "--trapped", "3", stdout=out,
    )  # fmt: skip
    incident = Incident.objects.get()
    assert incident.trapped == 3 and incident.latitude == gas_mine.latitude
    with pytest.raises(CommandError, match="longitude"):
        call_command(
            "rescue", "report", "--title", "x", "--kind", "fire", "--place", "x",
            "--region", "140729", "--lat", "37.1", "--lon", "12.5", stdout=out,
        )  # fmt: skip
    assert Incident.objects.count() == 1


def test_the_cli_rosters_a_shift_and_raises_readiness(squads, system_admin):
    lingshi = squads[0]
    commander = lingshi.members.get()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    out = io.StringIO()
    with pytest.raises(CommandError, match="readiness_reason"):
        call_command(
            "rescue", "duty", str(lingshi.pk), "--day", tomorrow,
            "--commander", str(commander.pk), "--readiness", "high", stdout=out,
        )  # fmt: skip
    call_command(
        "rescue", "duty", str(lingshi.pk), "--day", tomorrow,
        "--commander", str(commander.pk), stdout=out,
    )  # fmt: skip
    assert lingshi.duty.count() == 2
    call_command(
        "rescue", "readiness", str(lingshi.pk), "--level", "elevated", "--reason", "寒潮",
        "--until", tomorrow, stdout=out,
    )  # fmt: skip
    assert "2 shifts changed" in out.getvalue()
