import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from anlan.hazards.models import Hazard
from anlan.patrols.models import OnlinePatrol

from .conftest import DAY0, finding, record

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, payload):
    return client.post("/api/patrols", json.dumps(payload), content_type="application/json")


def payload(enterprise, **extra):
    body = {
        "enterprise": enterprise.pk,
        "kind": "patrol",
        "items": ["alarms", "commitment"],
        "summary": "报警处置检查",
        "result": "problems",
        "findings": [
            {"description": "高报警未确认", "level": "general", "deadline": "2026-03-10"},
            {"description": "承诺公告未按时发布", "level": "major", "deadline": "2026-03-05"},
        ],
    }
    body.update(extra)
    return body


def test_create_a_patrol_with_findings_over_the_api(lingshi_regulator, coking_plant):
    with time_machine.travel(DAY0):
        client = login(lingshi_regulator)
        response = post(client, payload(coking_plant))
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["level"] == "county" and data["result"] == "problems"
        assert [f["level"] for f in data["findings"]] == ["general", "major"]
        codes = {f["hazard_code"] for f in data["findings"]}
        assert codes == set(Hazard.objects.values_list("code", flat=True))
        assert set(Hazard.objects.values_list("channel", flat=True)) == {"online_patrol"}
        again = client.get(f"/api/patrols/{data['id']}").json()
        assert again["findings"][0]["description"] == "高报警未确认"


def test_api_errors_name_the_finding_field_and_save_nothing(lingshi_regulator, coking_plant):
    body = payload(coking_plant)
    body["findings"][1]["description"] = ""
    with time_machine.travel(DAY0):
        response = post(login(lingshi_regulator), body)
    assert response.status_code == 422
    locs = [d["loc"][-1] for d in response.json()["detail"]]
    assert "findings[1].description" in locs
    assert not OnlinePatrol.objects.exists() and not Hazard.objects.exists()
    with time_machine.travel(DAY0):
        future = post(
            login(lingshi_regulator), payload(coking_plant, started_at="2026-03-03T09:00")
        )
        assert future.status_code == 422
        assert "started_at" in [d["loc"][-1] for d in future.json()["detail"]]
        bad_kind = post(login(lingshi_regulator), payload(coking_plant, kind="visit"))
    assert bad_kind.status_code == 422
    assert "kind" in [d["loc"][-1] for d in bad_kind.json()["detail"]]


def test_api_is_scoped(lingshi_regulator, yanhu_regulator, coking_manager, coking_plant):
    with time_machine.travel(DAY0):
        patrol = record(lingshi_regulator, coking_plant, [finding()])
        other = login(yanhu_regulator)
        assert other.get(f"/api/patrols/{patrol.pk}").status_code == 404
        assert other.get("/api/patrols").json()["count"] == 0
        refused = post(other, payload(coking_plant))
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"][-1] == "enterprise"
        own = login(coking_manager)
        assert own.get("/api/patrols").json()["count"] == 1
        assert post(own, payload(coking_plant)).status_code == 403
    assert OnlinePatrol.objects.count() == 1


def test_api_due_list(lingshi_regulator, coking_plant, settings):
    settings.ANLAN_PATROL_DAYS = {"city": 30, "county": 7, "township": 7}
    with time_machine.travel(DAY0 - dt.timedelta(days=10)):
        patrol = record(lingshi_regulator, coking_plant)
    with time_machine.travel(DAY0):
        client = login(lingshi_regulator)
        rows = client.get("/api/patrols/due", {"missed": "true"}).json()
        assert client.get("/api/patrols/due", {"level": "village"}).status_code == 422
    assert len(rows) == 1
    row = rows[0]
    assert row["enterprise_id"] == coking_plant.pk and row["level"] == "county"
    assert row["last_patrol_id"] == patrol.pk and row["days_since"] == 10 and row["missed"]
    assert row["due_on"] == "2026-02-27"
