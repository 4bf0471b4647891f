# ruff: noqa: F811 -- the fixtures are imported from members_setup, then requested by name
import datetime as dt

import pytest

from anlan.core.choices import UserRole
from anlan.rescue.models import Assessment, Certificate, Member, ScoringRule, TeamUnit, Training

from ..factories import LINGSHI, make_id_number, make_user
from .members_setup import (  # noqa: F401
    TODAY,
    add_member,
    commander,
    frozen_day,
    lingshi_squad,
    login,
    member_data,
    patch_json,
    post_json,
    squad_one,
    yanhu_team,
)

pytestmark = pytest.mark.django_db


def fields(response) -> set[str]:
    return {d["loc"][-1] for d in response.json()["detail"]}


def test_structure_endpoint_lists_the_problems(lingshi_squad, squad_one, commander):
    add_member(lingshi_squad, unit=squad_one)
    data = login(commander).get(f"/api/rescue/teams/{lingshi_squad.pk}/structure").json()
    assert data["ok"] is False and len(data["problems"]) == 1
    assert "一小队" in data["problems"][0] and "9" in data["problems"][0]


def test_other_county_regulator_gets_404_everywhere(lingshi_squad, yanhu_regulator):
    member = add_member(lingshi_squad)
    client = login(yanhu_regulator)
    assert client.get(f"/api/rescue/teams/{lingshi_squad.pk}/structure").status_code == 404
    assert client.get(f"/api/rescue/members/{member.pk}").status_code == 404
    assert patch_json(client, f"/api/rescue/members/{member.pk}", {"name": "x"}).status_code == 404
    assert client.get("/api/rescue/members").json()["items"] == []


def test_add_a_squad_over_the_api(lingshi_squad, commander):
    client = login(commander)
    squadron = post_json(
        client,
        f"/api/rescue/teams/{lingshi_squad.pk}/units",
        {"name": "一中队", "kind": "squadron"},
    )
    assert squadron.status_code == 201
    squad = post_json(
        client,
        f"/api/rescue/teams/{lingshi_squad.pk}/units",
        {"name": "甲小队", "kind": "squad", "parent": squadron.json()["id"]},
    )
    assert squad.status_code == 201 and squad.json()["parent_id"] == squadron.json()["id"]
    bad = post_json(
        client, f"/api/rescue/teams/{lingshi_squad.pk}/units", {"name": "乙", "kind": "brigade"}
    )
    assert bad.status_code == 422 and "kind" in fields(bad)
    assert TeamUnit.objects.count() == 2


def test_create_get_and_list_members_with_masked_ids(lingshi_squad, squad_one, commander):
    client = login(commander)
    body = {**member_data(lingshi_squad), "team": lingshi_squad.pk, "unit": squad_one.pk}
    response = post_json(client, "/api/rescue/members", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["id_number_masked"] != body["id_number"] and "id_number" not in data
    assert data["unit_id"] == squad_one.pk and data["age"] == 29
    assert client.get(f"/api/rescue/members/{data['id']}").json()["name"] == "李新队员"
    listed = client.get("/api/rescue/members", {"team": lingshi_squad.pk, "post": "member"})
    assert [m["id"] for m in listed.json()["items"]] == [data["id"]]
    assert client.get("/api/rescue/members", {"post": "chef"}).status_code == 422


def test_a_47_year_old_squad_member_is_refused_with_422_on_post(lingshi_squad, commander):
    body = {
        **member_data(lingshi_squad, id_number=make_id_number(LINGSHI, "19780601", 88)),
        "team": lingshi_squad.pk,
    }
    response = post_json(login(commander), "/api/rescue/members", body)
    assert response.status_code == 422 and fields(response) == {"post"}
    assert not Member.objects.exists()


def test_a_squad_leader_with_half_a_year_is_refused_with_422_on_experience(
    lingshi_squad, commander
):
    since = (TODAY - dt.timedelta(days=183)).isoformat()
    body = {
        **member_data(lingshi_squad, post="squad_leader", experience_since=since),
        "team": lingshi_squad.pk,
    }
    response = post_json(login(commander), "/api/rescue/members", body)
    assert response.status_code == 422 and fields(response) == {"experience_since"}
    assert not Member.objects.exists()


def test_a_bad_id_number_and_a_team_out_of_reach_are_named(lingshi_squad, yanhu_team, commander):
    client = login(commander)
    bad_id = post_json(
        client,
        "/api/rescue/members",
        {**member_data(lingshi_squad, id_number="123"), "team": lingshi_squad.pk},
    )
    assert bad_id.status_code == 422 and "id_number" in fields(bad_id)
    other = post_json(
        client, "/api/rescue/members", {**member_data(yanhu_team), "team": yanhu_team.pk}
    )
    assert other.status_code == 422 and fields(other) == {"team"}
    assert not Member.objects.exists()


def test_patch_a_member_and_keep_the_rules(lingshi_squad, commander):
    member = add_member(lingshi_squad, "调岗队员", years=0.5)
    client = login(commander)
    url = f"/api/rescue/members/{member.pk}"
    assert patch_json(client, url, {"mobile": "13900002222"}).json()["mobile"] == "13900002222"
    refused = patch_json(client, url, {"post": "squad_leader"})
    assert refused.status_code == 422 and fields(refused) == {"experience_since"}
    member.refresh_from_db()
    assert member.post == "member"


def test_a_liaison_who_sees_the_team_may_not_add_members(lingshi_squad, city_admin):
    liaison = make_user("liaison", UserRole.MEMBER_UNIT_LIAISON, region=city_admin.region)
    response = post_json(
        login(liaison),
        "/api/rescue/members",
        {**member_data(lingshi_squad), "team": lingshi_squad.pk},
    )
    assert response.status_code == 403
    assert not Member.objects.exists()


def test_add_training_and_certificates_and_list_those_due(lingshi_squad, commander):
    member = add_member(lingshi_squad, "持证队员")
    client = login(commander)
    training = post_json(
        client,
        f"/api/rescue/members/{member.pk}/trainings",
        {"kind": "refresher", "course": "年度复训", "started_on": "2026-02-20", "hours": "16"},
    )
    assert training.status_code == 201 and Training.objects.count() == 1
    no_hours = post_json(
        client,
        f"/api/rescue/members/{member.pk}/trainings",
        {"kind": "refresher", "course": "年度复训", "started_on": "2026-02-20", "hours": "0"},
    )
    assert no_hours.status_code == 422 and "hours" in fields(no_hours)
    certificate = post_json(
        client,
        f"/api/rescue/members/{member.pk}/certificates",
        {"name": "矿山救援证", "issued_on": "2023-04-01", "expires_on": "2026-04-01"},
    )
    assert certificate.status_code == 201 and certificate.json()["state"] == "expiring"
    bad = post_json(
        client,
        f"/api/rescue/members/{member.pk}/certificates",
        {"name": "急救证", "issued_on": "2026-01-01", "expires_on": "2025-01-01"},
    )
    assert bad.status_code == 422 and fields(bad) == {"expires_on"}
    assert Certificate.objects.count() == 1
    due = client.get("/api/rescue/certificates/due").json()
    assert [c["name"] for c in due] == ["矿山救援证"]
    assert client.get("/api/rescue/certificates/due", {"days": 10}).json() == []
    assert client.get("/api/rescue/certificates/due", {"days": -1}).status_code == 422


def test_scoring_rules_and_assessments_over_the_api(lingshi_squad, commander):
    member = add_member(lingshi_squad, "考核队员")
    client = login(commander)
    rule = post_json(
        client,
        f"/api/rescue/teams/{lingshi_squad.pk}/scoring-rules",
        {
            "name": "2026年度考核细则",
            "items": [{"name": "佩戴呼吸器", "points": 50}, {"name": "急救", "points": 50}],
            "pass_mark": 60,
            "excellent_mark": 90,
        },
    )
    assert rule.status_code == 201 and rule.json()["full_marks"] == 100
    bad_rule = post_json(
        client,
        f"/api/rescue/teams/{lingshi_squad.pk}/scoring-rules",
        {
            "name": "坏",
            "items": [{"name": "体能", "points": 50}],
            "pass_mark": 80,
            "excellent_mark": 70,
        },
    )
    assert bad_rule.status_code == 422 and {"pass_mark", "excellent_mark"} <= fields(bad_rule)
    assert ScoringRule.objects.count() == 1
    url = f"/api/rescue/members/{member.pk}/assessments"
    ok = post_json(
        client,
        url,
        {
            "rule": rule.json()["id"],
            "assessed_on": "2026-03-01",
            "scores": {"佩戴呼吸器": 40, "急救": 30},
        },
    )
    assert ok.status_code == 201 and (ok.json()["total"], ok.json()["result"]) == (70, "pass")
    missing = post_json(
        client,
        url,
        {"rule": rule.json()["id"], "assessed_on": "2026-03-01", "scores": {"急救": 30}},
    )
    assert missing.status_code == 422 and fields(missing) == {"scores"}
    unknown_rule = post_json(
        client, url, {"rule": 99999, "assessed_on": "2026-03-01", "scores": {}}
    )
    assert unknown_rule.status_code == 422 and fields(unknown_rule) == {"rule"}
    assert Assessment.objects.count() == 1
    listed = client.get(f"/api/rescue/teams/{lingshi_squad.pk}/assessments").json()
    assert [(a["member"], a["result"]) for a in listed] == [("考核队员", "pass")]
