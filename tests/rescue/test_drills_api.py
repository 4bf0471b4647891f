# ruff: noqa: F811  (fixtures imported from test_equipment_services and test_drills_services)
import datetime as dt
import json

import pytest
import time_machine

from anlan.hazards.models import Hazard
from anlan.rescue.models import Drill

from .test_drills_services import held_drill  # noqa: F401
from .test_equipment_services import (  # noqa: F401
    DAY0,
    english_client,
    in_english,
    lingshi_commander,
    lingshi_squad,
    xiyang_squad,
)

pytestmark = pytest.mark.django_db
LATER = DAY0 + dt.timedelta(hours=6)


def login(user):
    return english_client(user)


def post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def fields(response) -> set:
    return {d["loc"][-1] for d in response.json()["detail"]}


def test_plan_hold_and_read_a_drill_over_the_api(lingshi_commander, lingshi_squad, lingshi_mine):
    body = {
        "title": "透水事故演练",
        "kind": "full_scale",
        "scenario": "采区突水",
        "region": "140729",
        "teams": [lingshi_squad.pk],
        "enterprises": [lingshi_mine.pk],
        "planned_for": DAY0.isoformat(),
    }
    with time_machine.travel(LATER):
        client = login(lingshi_commander)
        created = post(client, "/api/rescue/drills", body)
        assert created.status_code == 201, created.content
        drill_id = created.json()["id"]
        held = post(
            client,
            f"/api/rescue/drills/{drill_id}/held",
            {
                "started_at": DAY0.isoformat(),
                "ended_at": (DAY0 + dt.timedelta(minutes=90)).isoformat(),
                "participants": 30,
                "score": 92,
            },
        )
        assert held.json()["duration_minutes"] == 90 and held.json()["status"] == "done"
        listed = client.get("/api/rescue/drills").json()
        assert [d["id"] for d in listed["items"]] == [drill_id]
        bad = post(client, "/api/rescue/drills", {**body, "region": "999999"})
        assert bad.status_code == 422 and "region" in fields(bad)
    assert Drill.objects.count() == 1


def test_findings_over_the_api_open_a_hazard_or_a_task(
    held_drill, lingshi_commander, lingshi_mine, yanhu_regulator
):
    with time_machine.travel(LATER):
        client = login(lingshi_commander)
        url = f"/api/rescue/drills/{held_drill.pk}/findings"
        hazard = post(
            client,
            url,
            {
                "description": "压风自救装置失效",
                "due_on": "2026-03-20",
                "enterprise": lingshi_mine.pk,
            },
        )
        assert hazard.status_code == 201, hazard.content
        assert hazard.json()["hazard_code"] == Hazard.objects.get().code
        no_owner = post(client, url, {"description": "对讲机电量不足", "due_on": "2026-03-20"})
        assert no_owner.status_code == 422 and "task_owner" in fields(no_owner)
        task = post(
            client,
            url,
            {"description": "对讲机电量不足", "due_on": "2026-03-20", "task_owner": "装备员 王"},
        )
        done = post(client, f"/api/rescue/drills/findings/{task.json()['id']}/done", {})
        assert done.json()["done_on"] == "2026-03-02"
    other = login(yanhu_regulator)
    assert other.get(f"/api/rescue/drills/{held_drill.pk}").status_code == 404


def test_drill_stats_over_the_api(held_drill, lingshi_commander):
    client = login(lingshi_commander)
    stats = client.get("/api/rescue/drills/stats?period=month&year=2026").json()
    assert stats["rows"] == [
        {"period": "2026-03", "county": "灵石县", "counts": {"joint": 1}, "total": 1}
    ]
    bad = client.get("/api/rescue/drills/stats?period=week")
    assert bad.status_code == 422 and "period" in fields(bad)
