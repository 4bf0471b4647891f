"""The strict-supervision list names the enterprises that did not commit by the due time, with
the reason, the evidence and a link to the enterprise's commitments — on the page, in the API
and from the CLI."""

import datetime as dt

import pytest
from django.core.management import call_command

from anlan.commitments import services
from anlan.supervision import strict
from anlan.supervision.models import StrictListEntry

from .conftest import DAY, counts, travel

pytestmark = pytest.mark.django_db


def reasons(enterprise, day=DAY):
    entry = StrictListEntry.objects.filter(date=day, enterprise=enterprise).first()
    return [] if entry is None else [r for r in entry.reasons if r["code"] == "commitment"]


def test_before_the_due_time_nobody_is_listed_for_a_missing_commitment(plant, yanhu_plant):
    with travel(DAY, 8, 30):
        strict.compute(DAY)
    assert reasons(plant) == [] and reasons(yanhu_plant) == []


def test_enterprises_that_missed_or_were_late_are_listed_with_reason_and_link(
    plant, second_plant, yanhu_plant
):
    with travel(DAY, 8):
        services.submit_commitment(user=None, enterprise=plant, data=counts())
    with travel(DAY, 9, 40):
        services.submit_commitment(user=None, enterprise=second_plant, data=counts())
    with travel(DAY, 10):
        strict.compute(DAY)
    assert reasons(plant) == []
    [missing] = reasons(yanhu_plant)
    assert "未作出安全承诺" in missing["text"] and "09:00" in missing["text"]
    assert missing["evidence"]["submitted_at"] is None
    assert missing["link"] == f"/commitments/enterprises/{yanhu_plant.pk}/?date=2026-05-11"
    [late] = reasons(second_plant)
    assert late["evidence"]["submitted_at"].startswith("2026-05-11T09:40")


def test_a_past_day_recomputed_keeps_a_commitment_made_later_that_day_as_late(yanhu_plant):
    with travel(DAY, 15):
        services.submit_commitment(user=None, enterprise=yanhu_plant, data=counts())
    with travel(DAY + dt.timedelta(days=1), 11):
        strict.compute(DAY)
    [late] = reasons(yanhu_plant)
    assert late["evidence"]["submitted_at"].startswith("2026-05-11T15:00")


def test_the_list_page_api_and_cli_show_the_commitment_reason(
    client, plant, yanhu_plant, lingshi_regulator, yanhu_regulator, capsys
):
    with travel(DAY, 8):
        services.submit_commitment(user=None, enterprise=plant, data=counts())
    with travel(DAY, 10):
        call_command("strict_list", "--date", "2026-05-11", "--compute")
    out = capsys.readouterr().out
    assert "盐湖测试化工（演示）" in out and "灵石测试化工（演示）" not in out
    client.force_login(yanhu_regulator)
    with travel(DAY, 11):
        page = client.get("/supervision/strict-list/", {"date": "2026-05-11"}).content.decode()
        body = client.get("/api/supervision/strict-list", {"date": "2026-05-11"}).json()
        names = client.get("/api/supervision/strict-list/reasons").json()
    assert "盐湖测试化工（演示）" in page and "未按时作出安全承诺" in page
    assert f"/commitments/enterprises/{yanhu_plant.pk}/?date=2026-05-11" in page
    assert [r["code"] for r in body[0]["reasons"]] == ["commitment"]
    assert "commitment" in str(names)
    client.force_login(lingshi_regulator)
    with travel(DAY, 11):
        assert client.get("/api/supervision/strict-list", {"date": "2026-05-11"}).json() == []
