# ruff: noqa: F811  (fixtures imported from test_equipment_services)
import datetime as dt
import json

import pytest
import time_machine

from anlan.rescue.models import EquipmentCheck, EquipmentItem, EquipmentLoan

from .test_equipment_services import (  # noqa: F401
    DAY0,
    add_item,
    bg4,
    check,
    drone_type,
    english_client,
    in_english,
    lingshi_commander,
    lingshi_squad,
    xiyang_squad,
)

pytestmark = pytest.mark.django_db


def login(user):
    return english_client(user)


def send(client, method, url, payload=None):
    return getattr(client, method)(url, json.dumps(payload or {}), content_type="application/json")


def fields(response) -> set:
    return {d["loc"][-1] for d in response.json()["detail"]}


def test_types_are_listed_and_a_breathing_type_is_created_with_schedules(city_admin, bg4):
    client = login(city_admin)
    created = send(
        client,
        "post",
        "/api/rescue/equipment/types",
        {"name": "正压氧气呼吸器", "model": "HYZ4", "category": "breathing"},
    )
    assert created.status_code == 201, created.content
    assert {s["kind"] for s in created.json()["schedules"]} >= {"daily", "weekly"}
    type_id = created.json()["id"]
    put = send(
        client,
        "put",
        f"/api/rescue/equipment/types/{type_id}/schedules",
        {"kind": "weekly", "interval_days": 14},
    )
    assert {s["kind"]: s["interval_days"] for s in put.json()["schedules"]}["weekly"] == 14
    bad = send(client, "post", "/api/rescue/equipment/types", {"name": "x", "category": "nope"})
    assert bad.status_code == 422 and "category" in fields(bad)


def test_a_commander_adds_lists_and_patches_items_of_their_team(
    lingshi_commander, lingshi_squad, xiyang_squad, bg4
):
    client = login(lingshi_commander)
    body = {"team": lingshi_squad.pk, "equipment_type": bg4.pk, "serial_number": "BG4-7"}
    created = send(client, "post", "/api/rescue/equipment", body)
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    listed = client.get("/api/rescue/equipment").json()
    assert [i["serial_number"] for i in listed["items"]] == ["BG4-7"]
    patched = send(client, "patch", f"/api/rescue/equipment/{item_id}", {"location": "2号库"})
    assert patched.json()["location"] == "2号库"
    bad = send(client, "patch", f"/api/rescue/equipment/{item_id}", {"quantity": 3})
    assert bad.status_code == 422 and "quantity" in fields(bad)
    other = send(client, "post", "/api/rescue/equipment", {**body, "team": xiyang_squad.pk})
    assert other.status_code == 422 and "team" in fields(other)
    assert EquipmentItem.objects.count() == 1


def test_another_countys_regulator_gets_404_for_an_item(yanhu_regulator, lingshi_squad, bg4):
    item = add_item(lingshi_squad, bg4, "BG4-8")
    client = login(yanhu_regulator)
    assert client.get(f"/api/rescue/equipment/{item.pk}").status_code == 404
    assert send(client, "post", f"/api/rescue/equipment/{item.pk}/retire").status_code == 404


def test_a_check_on_a_retired_item_answers_422_on_item_and_saves_nothing(
    lingshi_commander, lingshi_squad, bg4
):
    item = add_item(lingshi_squad, bg4, "BG4-9")
    client = login(lingshi_commander)
    retired = send(client, "post", f"/api/rescue/equipment/{item.pk}/retire")
    assert retired.json()["status"] == "retired" and retired.json()["retired_on"]
    response = send(
        client,
        "post",
        f"/api/rescue/equipment/{item.pk}/checks",
        {"kind": "daily", "checker": "王", "result": "pass"},
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == "item" and "was retired" in detail["msg"]
    assert not EquipmentCheck.objects.exists()


def test_a_failed_check_over_the_api_puts_the_item_under_repair(
    lingshi_commander, lingshi_squad, bg4
):
    item = add_item(lingshi_squad, bg4, "BG4-3")
    client = login(lingshi_commander)
    response = send(
        client,
        "post",
        f"/api/rescue/equipment/{item.pk}/checks",
        {"kind": "weekly", "checker": "王", "result": "fail", "readings": "漏气"},
    )
    assert response.status_code == 201
    assert client.get(f"/api/rescue/equipment/{item.pk}").json()["status"] == "under_repair"


def test_due_lists_overdue_checks_first(lingshi_commander, lingshi_squad, bg4):
    fresh = add_item(lingshi_squad, bg4, "BG4-A")
    stale = add_item(lingshi_squad, bg4, "BG4-B")
    with time_machine.travel(DAY0):
        for kind in bg4.schedules.values_list("kind", flat=True):
            check(lingshi_commander, fresh, kind=kind)
        client = login(lingshi_commander)
        rows = client.get(f"/api/rescue/equipment/due?team={lingshi_squad.pk}").json()
        assert rows[0]["item_id"] == stale.pk and rows[0]["overdue"]
        overdue = client.get("/api/rescue/equipment/due?overdue=true").json()
        assert {r["item_id"] for r in overdue} == {stale.pk}


def test_lend_and_return_over_the_api(lingshi_commander, lingshi_squad, xiyang_squad, drone_type):
    drone = add_item(lingshi_squad, drone_type, "UAV-1", in_shared_pool=True)
    client = login(lingshi_commander)
    url = f"/api/rescue/equipment/{drone.pk}/loans"
    body = {"borrower": xiyang_squad.pk, "purpose": "搜救", "due_back_on": "2030-01-01"}
    lent = send(client, "post", url, body)
    assert lent.status_code == 201, lent.content
    again = send(client, "post", url, body)
    assert again.status_code == 422 and "item" in fields(again)
    assert [loan["id"] for loan in client.get("/api/rescue/equipment/loans").json()] == [
        lent.json()["id"]
    ]
    returned = send(
        client,
        "post",
        f"/api/rescue/equipment/loans/{lent.json()['id']}/return",
        {"condition": "完好"},
    )
    assert returned.json()["returned_at"]
    assert client.get("/api/rescue/equipment/loans").json() == []
    past = send(client, "post", url, {**body, "due_back_on": "2001-01-01"})
    assert past.status_code == 422 and "due_back_on" in fields(past)
    assert EquipmentLoan.objects.count() == 1


def test_stock_take_over_the_api(lingshi_commander, lingshi_squad, bg4):
    item = add_item(lingshi_squad, bg4, "", quantity=14)
    client = login(lingshi_commander)
    take = send(
        client,
        "post",
        "/api/rescue/equipment/stocktakes",
        {"team": lingshi_squad.pk, "taken_by": "张"},
    ).json()
    assert take["agrees"] and take["lines"][0]["ledger_quantity"] == 14
    line = take["lines"][0]["id"]
    counted = send(
        client,
        "patch",
        f"/api/rescue/equipment/stocktakes/{take['id']}",
        {"lines": [{"id": line, "counted_quantity": 12}]},
    ).json()
    assert not counted["agrees"] and counted["lines"][0]["item_id"] == item.pk
    bad = send(
        client,
        "patch",
        f"/api/rescue/equipment/stocktakes/{take['id']}",
        {"lines": [{"id": 999999, "counted_quantity": 1}]},
    )
    assert bad.status_code == 422 and "lines[0].id" in fields(bad)


def test_dates_in_the_past_are_used_as_given(lingshi_commander, lingshi_squad, bg4):
    item = add_item(lingshi_squad, bg4, "BG4-Z")
    client = login(lingshi_commander)
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    response = send(
        client,
        "post",
        f"/api/rescue/equipment/{item.pk}/checks",
        {"kind": "daily", "checker": "王", "result": "pass", "checked_at": at},
    )
    assert response.status_code == 201
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    bad = send(
        client,
        "post",
        f"/api/rescue/equipment/{item.pk}/checks",
        {"kind": "daily", "checker": "王", "result": "pass", "checked_at": future},
    )
    assert bad.status_code == 422 and "checked_at" in fields(bad)
