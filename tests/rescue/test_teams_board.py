"""Teams: registration with its checks (coordinates in China, what a co-building enterprise
provides), the board with who is on duty, duty rosters and readiness, scoping."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.rescue.models import DutyShift, Team

pytestmark = pytest.mark.django_db


def test_a_team_outside_china_is_refused_with_the_field_named(client, city_admin):
    client.force_login(city_admin)
    payload = {
        "name": "新队",
        "kind": "social",
        "region": "140729",
        "latitude": "37.1",
        "longitude": "160.0",
        "capabilities": ["water_rescue"],
    }
    r = client.post("/api/rescue/teams", payload, content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "longitude"
    payload["longitude"] = "111.8"
    payload["capabilities"] = ["teleport"]
    r = client.post("/api/rescue/teams", payload, content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "capabilities"
    assert not Team.objects.filter(name="新队").exists()
    payload["capabilities"] = ["water_rescue"]
    payload["contacts"] = [{"name": "值班室", "role": "24小时值班", "phone": "0354-1234567"}]
    r = client.post("/api/rescue/teams", payload, content_type="application/json")
    assert r.status_code == 201 and r.json()["contacts"][0]["name"] == "值班室"


def test_a_co_built_squad_must_say_what_the_enterprise_provides(client, city_admin, lingshi_mine):
    client.force_login(city_admin)
    r = client.post(
        "/api/rescue/teams",
        {
            "name": "共建队",
            "kind": "county_squad",
            "region": "140729",
            "co_building_enterprise": lingshi_mine.pk,
        },  # noqa: E501
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "enterprise_provides"


def test_the_board_shows_who_is_on_duty_and_the_breathing_sets(client, city_admin, squads):
    client.force_login(city_admin)
    rows = {r["team"]: r for r in client.get("/api/rescue/board").json()}
    assert (
        rows["灵石县矿山救援中队"]["on_duty"] and rows["灵石县矿山救援中队"]["breathing_sets"] == 12
    )
    assert not rows["昔阳县矿山救援中队"]["on_duty"]
    page = client.get("/rescue/").content.decode()
    assert "灵石县矿山救援中队" in page and "昔阳县矿山救援中队" in page
    assert client.get("/rescue/export.xlsx").status_code == 200


def test_a_commander_sees_and_rosters_only_their_own_team(client, squads, lingshi_commander):
    lingshi, xiyang = squads
    client.force_login(lingshi_commander)
    assert [t["name"] for t in client.get("/api/rescue/teams").json()] == [lingshi.name]
    assert client.get(f"/rescue/teams/{xiyang.pk}/").status_code == 404
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    commander = lingshi.members.get()
    r = client.post(
        f"/api/rescue/teams/{lingshi.pk}/duty",
        {"day": tomorrow.isoformat(), "commander": commander.pk, "readiness": "high"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "readiness_reason"
    r = client.post(
        f"/api/rescue/teams/{lingshi.pk}/duty",
        {
            "day": tomorrow.isoformat(),
            "commander": commander.pk,
            "readiness": "high",
            "readiness_reason": "暴雨红色预警",
        },  # noqa: E501
        content_type="application/json",
    )
    assert r.status_code == 201
    page = client.get(f"/rescue/teams/{lingshi.pk}/").content.decode()
    assert "暴雨红色预警" in page


def test_raising_readiness_changes_the_rostered_shifts(client, city_admin, squads):
    client.force_login(city_admin)
    r = client.post(
        "/api/rescue/readiness",
        {
            "teams": [squads[0].pk],
            "readiness": "elevated",
            "reason": "寒潮",
            "until": timezone.localdate().isoformat(),
        },  # noqa: E501
        content_type="application/json",
    )
    assert r.json() == {"shifts_changed": 1}
    assert DutyShift.objects.get().readiness == "elevated"


def test_the_board_counts_each_teams_overdue_equipment_checks(client, city_admin, squads):
    from anlan.rescue.models import CheckSchedule, EquipmentItem

    item = EquipmentItem.objects.get(team=squads[0])
    item.commissioned_on = timezone.localdate() - dt.timedelta(days=10)
    item.save()
    CheckSchedule.objects.create(equipment_type=item.equipment_type, kind="daily", interval_days=1)
    client.force_login(city_admin)
    rows = {r["team"]: r for r in client.get("/api/rescue/board").json()}
    assert rows["灵石县矿山救援中队"]["overdue_checks"] == 1
    assert rows["昔阳县矿山救援中队"]["overdue_checks"] == 0  # due now, not yet overdue
    page = client.get("/rescue/").content.decode()
    assert f"/rescue/equipment/due/?team={squads[0].pk}&overdue=1" in page
