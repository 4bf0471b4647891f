"""Targets acknowledge and report measures (page, API, command line); the silent are reminded
and then escalated; the board shows who did what, only within the viewer's scope."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anlan.alerts import ingest, response
from anlan.alerts.models import AlertFinding, Target
from anlan.core.models import ApiToken, Notification
from anlan.hazards.models import Hazard

from .alerts_setup import cap_xml


@pytest.fixture
def warning(world):
    return ingest.import_message(cap_xml(), received_from="t.xml").alert


def target_of(warning, **kw):
    return Target.objects.get(thread=warning, **kw)


def english(client, user):
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_an_enterprise_acknowledges_and_reports_measures_on_the_page(world, warning, client):
    english(client, world.gas_manager)
    home = client.get(reverse("alerts:list")).content.decode()
    assert "Warnings for you to act on" in home and warning.headline in home
    target = target_of(warning, enterprise=world.gas)
    client.post(reverse("alerts:target-ack", args=[target.pk]))
    client.post(
        reverse("alerts:target-measures", args=[target.pk]),
        {"measures": "巡检燃气管网，阀门井加装保温"},
    )
    target.refresh_from_db()
    assert target.acknowledged_by == world.gas_manager and "阀门井" in target.measures
    board = english(client, world.city_admin).get(reverse("alerts:detail", args=[warning.pk]))
    text = board.content.decode()
    assert "阀门井" in text and "Measures reported" in text


def test_measures_need_text_and_nothing_is_saved_without(world, warning, client):
    english(client, world.gas_manager)
    target = target_of(warning, enterprise=world.gas)
    answer = client.post(
        reverse("alerts:target-measures", args=[target.pk]), {"measures": "  "}, follow=True
    )
    assert "Say what was done" in answer.content.decode()
    target.refresh_from_db()
    assert target.acknowledged_at is None and target.measures_at is None


def test_someone_else_cannot_acknowledge_for_an_enterprise(world, warning):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        response.acknowledge(
            user=world.heating_manager, target=target_of(warning, enterprise=world.gas)
        )


def test_a_regulator_records_an_acknowledgement_taken_by_phone(world, warning):
    target = response.report_measures(
        user=world.lingshi_regulator,
        target=target_of(warning, enterprise=world.gas),
        measures="电话确认已安排值守",
    )
    assert target.acknowledged_by == world.lingshi_regulator
    assert "电话确认" in target.measures and world.lingshi_regulator.username in target.measures


def test_the_api_acknowledges_reports_and_lists_my_targets(world, warning, client):
    token = ApiToken.issue(user=world.commander, name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    mine = client.get("/api/warnings/targets", **headers).json()
    assert [t["kind"] for t in mine] == ["team"]
    target_id = mine[0]["id"]
    assert client.post(f"/api/warnings/targets/{target_id}/ack", **headers).status_code == 200
    empty = client.post(
        f"/api/warnings/targets/{target_id}/measures",
        {"measures": ""},
        content_type="application/json",
        **headers,
    )
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"][-1] == "measures"
    done = client.post(
        f"/api/warnings/targets/{target_id}/measures",
        {"measures": "全员在岗待命"},
        content_type="application/json",
        **headers,
    )
    assert done.json()["state"] == "measures"


def test_targets_outside_my_scope_are_not_found(world, warning, client):
    token = ApiToken.issue(user=world.yanhu_regulator, name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    gas = target_of(warning, enterprise=world.gas)
    assert client.post(f"/api/warnings/targets/{gas.pk}/ack", **headers).status_code == 404
    assert client.get(f"/api/warnings/{warning.pk}/targets", **headers).json() == []


def test_the_board_shows_each_viewer_only_their_part(world, warning, client):
    text = (
        english(client, world.heating_manager)
        .get(reverse("alerts:detail", args=[warning.pk]))
        .content.decode()
    )
    assert world.heating.name in text and world.gas.name not in text


def test_the_command_line_acknowledges_and_reports(world, warning, capsys):
    target = target_of(warning, kind="village")
    call_command("warnings", "ack", str(target.pk), "--user", world.grid.username)
    call_command(
        "warnings",
        "measures",
        str(target.pk),
        "--text",
        "已逐户通知",
        "--user",
        world.grid.username,
    )
    call_command("warnings", "board", str(warning.pk), "--user", world.city_admin.username)
    out = capsys.readouterr().out
    assert "Acknowledged" in out and "1 reported measures" in out
    with pytest.raises(CommandError, match="No target"):
        call_command("warnings", "ack", str(target.pk), "--user", world.yanhu_regulator.username)


def test_the_silent_are_reminded_then_escalated_to_their_county(world, warning):
    target = target_of(warning, enterprise=world.gas)
    after_deadline = target.ack_due + dt.timedelta(minutes=1)
    with time_machine.travel(after_deadline):
        assert response.remind_and_escalate()["reminded"] >= 1
        assert response.remind_and_escalate().get("reminded", 0) == 0  # once per step
    assert Notification.objects.filter(
        recipient=world.gas_manager, kind="deadline_reminder"
    ).exists()
    with time_machine.travel(after_deadline + dt.timedelta(hours=2)):
        response.remind_and_escalate()
    escalation = Notification.objects.get(
        recipient=world.lingshi_regulator, kind="escalation", title__contains=world.gas.name
    )
    assert warning.headline in escalation.body
    assert not Notification.objects.filter(
        recipient=world.yanhu_regulator, kind="escalation"
    ).exists()


def test_those_who_answered_are_not_reminded(world, warning):
    target = target_of(warning, enterprise=world.gas)
    response.report_measures(user=world.gas_manager, target=target, measures="已处置")
    with time_machine.travel(target.measures_due + dt.timedelta(hours=3)):
        response.remind_and_escalate()
    assert not Notification.objects.filter(
        recipient=world.gas_manager, kind="deadline_reminder"
    ).exists()


def test_a_hazard_found_while_acting_enters_the_hazard_loop(world, warning, client):
    english(client, world.gas_manager)
    target = target_of(warning, enterprise=world.gas)
    client.post(
        reverse("alerts:target-hazard", args=[target.pk]),
        {"description": "调压箱保温层破损", "place_name": "城东调压站"},
    )
    hazard = Hazard.objects.get()
    assert hazard.channel == "warning_check" and hazard.enterprise == world.gas
    assert AlertFinding.objects.get().hazard == hazard
    assert response.summary(warning)["hazards_found"] == 1


def test_the_board_exports_to_excel(world, warning, client):
    english(client, world.city_admin)
    answer = client.get(reverse("alerts:board-export", args=[warning.pk]))
    sheet = load_workbook(__import__("io").BytesIO(answer.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert world.gas.name in values and world.heating.name in values


def test_the_summary_counts_without_names(world, warning, client):
    response.acknowledge(user=world.gas_manager, target=target_of(warning, enterprise=world.gas))
    summary = response.summary(warning)
    assert summary["acknowledged"] == 1 and summary["targets"] >= 5
    assert summary["by_kind"]["enterprise"]["acknowledged"] == 1
    assert world.gas.name not in str(summary)


def test_the_matrix_page_edits_and_the_api_and_cli_agree(world, client, capsys):
    english(client, world.city_admin)
    client.post(
        reverse("alerts:matrix"),
        {"signal_type": "cold_wave", "industries": ["heating"], "min_colour": "orange"},
    )
    token = ApiToken.issue(user=world.city_admin, name="t")[1]
    rules = client.get("/api/warnings/matrix", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    cold = next(r for r in rules if r["signal_type"] == "cold_wave")
    assert cold["industries"] == ["heating"] and cold["min_colour"] == "orange"
    bad = client.put(
        "/api/warnings/matrix/cold_wave",
        {"industries": ["volcano"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "industries"
    call_command(
        "warnings",
        "matrix",
        "cold_wave",
        "--industries",
        "gas_supply",
        "--user",
        world.city_admin.username,
    )
    assert "gas_supply" in capsys.readouterr().out
    # A yellow warning no longer reaches enterprises under an "orange and up" rule.


def test_an_enterprise_user_cannot_edit_the_matrix(world, client):
    client.force_login(world.gas_manager)
    assert client.post(reverse("alerts:matrix"), {"signal_type": "cold_wave"}).status_code == 403


def test_the_list_shows_warnings_in_force_and_can_show_all(world, warning, client):
    english(client, world.coal_manager)
    past = timezone.now() - dt.timedelta(days=9)
    ingest.import_message(
        cap_xml(
            identifier="old", sent=past, expires=past + dt.timedelta(days=1), headline="旧预警"
        ),
        received_from="o.xml",
    )
    now_list = client.get(reverse("alerts:list")).content.decode()
    assert warning.headline in now_list and "旧预警" not in now_list
    assert "旧预警" in client.get(reverse("alerts:list") + "?show=all").content.decode()
