# ruff: noqa: F811  (fixtures imported from test_equipment_services and test_drills_services)
import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from anlan.cli import translate
from anlan.hazards.models import Hazard
from anlan.rescue.models import Drill, DrillFinding

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


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_plan_a_drill_and_record_it_held_on_the_web(lingshi_commander, lingshi_squad):
    with time_machine.travel(LATER):
        client = login(lingshi_commander)
        response = client.post(
            reverse("rescue:drill-new"),
            {
                "title": "火灾演练",
                "kind": "functional",
                "scenario": "皮带巷火灾",
                "region": lingshi_squad.region.pk,
                "teams": [lingshi_squad.pk],
                "planned_for": "2026-03-02T09:00",
            },
        )
        assert response.status_code == 302, response.content.decode()
        drill = Drill.objects.get()
        bad = client.post(
            reverse("rescue:drill-held", args=[drill.pk]),
            {"started_at": "2026-03-02T09:00", "ended_at": "2026-03-02T08:00", "participants": 20},
        )
        assert bad.status_code == 400 and 'data-field="ended_at"' in bad.content.decode()
        client.post(
            reverse("rescue:drill-held", args=[drill.pk]),
            {"started_at": "2026-03-02T09:00", "ended_at": "2026-03-02T11:00", "participants": 20},
        )
        page = client.get(reverse("rescue:drill-detail", args=[drill.pk])).content.decode()
    assert "120 minutes" in page


def test_a_finding_on_the_web_opens_a_hazard_and_a_task_is_marked_done(
    held_drill, lingshi_commander, lingshi_mine
):
    with time_machine.travel(LATER):
        client = login(lingshi_commander)
        url = reverse("rescue:drill-finding-new", args=[held_drill.pk])
        client.post(
            url,
            {
                "description": "避难硐室氧气不足",
                "enterprise": lingshi_mine.pk,
                "category": "equipment",
                "level": "general",
                "due_on": "2026-03-20",
            },
        )
        missing = client.post(
            url,
            {
                "description": "集合点标识不清",
                "category": "management",
                "level": "general",
                "due_on": "2026-03-20",
            },
        )
        assert missing.status_code == 400 and 'data-field="task_owner"' in missing.content.decode()
        client.post(
            url,
            {
                "description": "集合点标识不清",
                "category": "management",
                "level": "general",
                "task_owner": "中队 李",
                "due_on": "2026-03-20",
            },
        )
        task = DrillFinding.objects.get(hazard__isnull=True)
        client.post(reverse("rescue:drill-finding-done", args=[task.pk]))
        page = client.get(reverse("rescue:drill-detail", args=[held_drill.pk])).content.decode()
    assert Hazard.objects.get().code in page and 'data-testid="task-done"' in page


def test_drill_stats_page_has_the_table_and_the_chart(held_drill, city_admin, yanhu_regulator):
    page = login(city_admin).get(reverse("rescue:drill-stats"), {"year": "2026"})
    body = page.content.decode()
    assert 'id="drill-chart"' in body and "vendor/echarts/echarts.min.js" in body
    assert "灵石县" in body and "2026-03" in body
    other = login(yanhu_regulator).get(reverse("rescue:drill-stats"), {"year": "2026"})
    assert "灵石县" not in other.content.decode()
    assert (
        login(yanhu_regulator).get(reverse("rescue:drill-detail", args=[held_drill.pk])).status_code
        == 404
    )


def test_cli_lists_drills_and_prints_stats(held_drill, system_admin):
    assert translate(["rescue", "drills", "stats"]) == ["rescue_drills", "stats"]
    assert held_drill.title in run("rescue_drills", "list", "--status", "done")
    out = run("rescue_drills", "stats", "--period", "quarter")
    assert "2026-Q1" in out and "灵石县" in out
    with pytest.raises(CommandError):
        run("rescue_drills", "stats", "--period", "week")
    with pytest.raises(CommandError, match="--year|year"):
        run("rescue_drills", "stats", "--year", "1900")
