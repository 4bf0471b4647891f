"""API and CLI."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from anlan.commitments import services
from anlan.commitments.models import SafetyCommitment, WorkPermit

from .conftest import DAY, counts, travel

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_enterprise_user_commits_through_the_api_and_sees_mismatches(client, plant, plant_user):
    client.force_login(plant_user)
    with travel(DAY, 8):
        answer = post(
            client,
            "/api/commitments",
            {"units_total": 2, "units_running": 2, "hot_1_count": 1},
        )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["late"] is False and body["special_operations_total"] == 1
    assert body["mismatches"] == [{"kind": "hot_1", "announced": 1, "permits": 0}]
    assert body["principal_name"] == "王守安" and "风险研判" in body["text"]
    with travel(DAY, 9):
        got = client.get(f"/api/commitments/{body['id']}").json()
    assert got["special_operations"]["hot_1"] == 1


def test_api_refuses_other_enterprises_and_regulators(
    client, plant, yanhu_plant, plant_user, lingshi_regulator
):
    client.force_login(plant_user)
    with travel(DAY, 8):
        other = post(client, "/api/commitments", {"enterprise_id": yanhu_plant.pk})
    assert other.status_code == 403
    client.force_login(lingshi_regulator)
    with travel(DAY, 8):
        assert post(client, "/api/commitments", {}).status_code == 403
    assert not SafetyCommitment.objects.exists()


def test_api_bad_units_answer_422_naming_the_field(client, plant, plant_user):
    client.force_login(plant_user)
    with travel(DAY, 8):
        answer = post(client, "/api/commitments", {"units_total": 3, "units_running": 1})
        negative = post(client, "/api/commitments", {"units_total": -1})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "units_total"
    assert negative.status_code == 422
    assert not SafetyCommitment.objects.exists()


def test_api_lists_are_scoped(client, plant, yanhu_plant, lingshi_regulator, yanhu_regulator):
    with travel(DAY, 8):
        mine = services.submit_commitment(user=None, enterprise=plant, data=counts())
    client.force_login(yanhu_regulator)
    with travel(DAY, 10):
        assert client.get("/api/commitments").json() == []
        assert client.get(f"/api/commitments/{mine.pk}").status_code == 404
        status = client.get("/api/commitments/status").json()
        assert [r["enterprise"] for r in status] == [yanhu_plant.name]
        assert status[0]["status"] == "missing"
        assert client.get("/api/commitments/missing", {"date": "2026-05-11"}).json() == {
            str(yanhu_plant.pk): services.missed_commitments(DAY)[yanhu_plant.pk]
        }
    client.force_login(lingshi_regulator)
    with travel(DAY, 10):
        listed = client.get("/api/commitments", {"date": "2026-05-11"}).json()
        overview = client.get("/api/commitments/overview").json()
    assert [c["id"] for c in listed] == [mine.pk]
    assert overview == [
        {"code": "140729", "name": overview[0]["name"], "required": 1, "on_time": 1,
         "late": 0, "missing": 0, "pending": 0, "mismatches": 0}
    ]  # fmt: skip


def test_permits_through_the_api(client, plant, plant_user, yanhu_regulator):
    client.force_login(plant_user)
    body = {
        "number": "DH-7",
        "kind": "hot_2",
        "planned_start": "2026-05-11T08:00:00",
        "planned_end": "2026-05-11T10:00:00",
        "location": "罐区",
        "supervisor": "张三",
    }
    created = post(client, "/api/commitments/permits", body)
    assert created.status_code == 201, created.content
    again = post(client, "/api/commitments/permits", body)
    assert again.status_code == 422 and again.json()["detail"][0]["loc"][-1] == "number"
    bad_kind = post(client, "/api/commitments/permits", {**body, "number": "X", "kind": "fire"})
    assert bad_kind.status_code == 422
    assert [p["number"] for p in client.get("/api/commitments/permits?date=2026-05-11").json()] == [
        "DH-7"
    ]
    client.force_login(yanhu_regulator)
    assert client.get("/api/commitments/permits").json() == []
    assert WorkPermit.objects.count() == 1


def test_cli_missing_overview_and_permit_import(plant, second_plant, tmp_path):
    with travel(DAY, 8):
        services.submit_commitment(user=None, enterprise=plant, data=counts())
    out = io.StringIO()
    with travel(DAY, 10):
        call_command("commitments", "missing", "--date", "2026-05-11", stdout=out)
        call_command("commitments", "overview", stdout=out)
    text = out.getvalue()
    assert second_plant.name in text and "1 enterprises missed" in text
    assert "晋中市灵石县" in text
    wb = Workbook()
    wb.active.append(["permit number", "kind", "planned start", "planned end", "location",
                      "supervisor / responsible person"])  # fmt: skip
    wb.active.append(["DH-1", "hot_1", "2026-05-11 08:00", "2026-05-11 09:00", "罐区", "张"])
    path = tmp_path / "permits.xlsx"
    wb.save(path)
    call_command("commitments", "import-permits", str(path), "--enterprise", str(plant.pk),
                 stdout=out)  # fmt: skip
    assert WorkPermit.objects.filter(enterprise=plant, number="DH-1").exists()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("commitments", "import-permits", str(path), "--enterprise", str(plant.pk))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("commitments", "missing", "--date", "11/05/2026")
    assert WorkPermit.objects.count() == 1


def test_demo_leaves_one_forgetful_enterprise_and_one_mismatch(db):
    from anlan.commitments.demo import FORGETFUL_ENTERPRISE, MISMATCH_ENTERPRISE
    from anlan.core.demo import build_demo
    from anlan.registry.models import Enterprise

    with travel(DAY, 10):
        build_demo()
        build_demo()  # idempotent
        rows = {r.enterprise.name: r for r in services.day_rows(
            day=DAY, enterprises=Enterprise.objects.all())}  # fmt: skip
        missed = services.missed_commitments(DAY)
    forgetful = next(r for name, r in rows.items() if name.startswith(FORGETFUL_ENTERPRISE))
    assert forgetful.status == "missing"
    assert list(missed) == [forgetful.enterprise.pk]
    mismatching = [name for name, r in rows.items() if r.mismatches]
    assert len(mismatching) == 1 and mismatching[0].startswith(MISMATCH_ENTERPRISE)
    assert SafetyCommitment.objects.filter(day=DAY).count() == len(rows) - 1
