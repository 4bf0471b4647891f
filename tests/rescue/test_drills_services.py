# ruff: noqa: F811  (fixtures imported from test_equipment_services)
"""Drill services, and the fixtures the drill API, page and CLI tests import."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from anlan.hazards.models import Hazard
from anlan.rescue import services_drills as services
from anlan.rescue.models import Drill, DrillFinding

from ..factories import LINGSHI, XIYANG, region
from .test_equipment_services import (  # noqa: F401
    DAY0,
    english_client,
    in_english,
    lingshi_commander,
    lingshi_squad,
    xiyang_squad,
)

pytestmark = pytest.mark.django_db


def plan(user, teams, enterprises=(), **extra) -> Drill:
    data = {
        "title": "瓦斯爆炸事故应急救援演练",
        "kind": "joint",
        "scenario": "井下回风巷瓦斯爆炸，3人被困",
        "region": region(LINGSHI),
        "planned_for": DAY0,
        **extra,
    }
    return services.plan_drill(user=user, data=data, teams=teams, enterprises=enterprises)


def hold(user, drill, start=None, minutes=150, **extra) -> Drill:
    start = start or DAY0
    data = {
        "started_at": start,
        "ended_at": start + dt.timedelta(minutes=minutes),
        "participants": 36,
        "evaluation": "响应迅速",
        "score": 88,
        **extra,
    }
    return services.record_held(user=user, drill=drill, data=data)


@pytest.fixture
def held_drill(lingshi_commander, lingshi_squad, lingshi_mine):
    with time_machine.travel(DAY0 + dt.timedelta(hours=4)):
        drill = plan(lingshi_commander, [lingshi_squad], [lingshi_mine])
        return hold(lingshi_commander, drill)


def test_a_held_drill_has_its_duration(held_drill):
    assert held_drill.status == "done" and held_drill.duration_minutes == 150


def test_a_commanders_drill_must_include_their_team(lingshi_commander, xiyang_squad):
    with pytest.raises(ValidationError) as exc:
        plan(lingshi_commander, [xiyang_squad])
    assert "teams" in exc.value.message_dict
    assert not Drill.objects.exists()


def test_a_regulator_cannot_plan_in_another_county(lingshi_regulator, lingshi_squad):
    with pytest.raises(ValidationError) as exc:
        plan(lingshi_regulator, [lingshi_squad], region=region(XIYANG))
    assert "region" in exc.value.message_dict


def test_a_drill_ending_before_it_starts_is_refused(lingshi_commander, lingshi_squad):
    with time_machine.travel(DAY0 + dt.timedelta(hours=4)):
        drill = plan(lingshi_commander, [lingshi_squad])
        with pytest.raises(ValidationError) as exc:
            hold(lingshi_commander, drill, minutes=-10)
    assert "ended_at" in exc.value.message_dict
    drill.refresh_from_db()
    assert drill.status == "planned"


def test_a_finding_at_an_enterprise_opens_a_hazard(held_drill, lingshi_commander, lingshi_mine):
    with time_machine.travel(DAY0 + dt.timedelta(hours=5)):
        finding = services.add_finding(
            user=lingshi_commander,
            drill=held_drill,
            description="井下避难硐室压风管路阀门锈死",
            due_on=dt.date(2026, 3, 20),
            enterprise=lingshi_mine,
        )
    hazard = Hazard.objects.get()
    assert finding.hazard == hazard
    assert hazard.channel == "drill_finding" and hazard.enterprise == lingshi_mine
    with pytest.raises(ValidationError):
        services.complete_task(user=lingshi_commander, finding=finding)


def test_a_task_finding_needs_an_owner_and_is_marked_done(held_drill, lingshi_commander):
    with time_machine.travel(DAY0 + dt.timedelta(hours=5)):
        with pytest.raises(ValidationError) as exc:
            services.add_finding(
                user=lingshi_commander,
                drill=held_drill,
                description="通讯中继不稳定",
                due_on=dt.date(2026, 3, 10),
            )
        assert "task_owner" in exc.value.message_dict
        task = services.add_finding(
            user=lingshi_commander,
            drill=held_drill,
            description="通讯中继不稳定",
            due_on=dt.date(2026, 3, 10),
            task_owner="灵石中队 通讯组 李",
        )
        services.complete_task(user=lingshi_commander, finding=task)
    task.refresh_from_db()
    assert task.done_on == dt.date(2026, 3, 2)
    assert not Hazard.objects.exists()
    assert DrillFinding.objects.count() == 1


def test_someone_of_another_team_cannot_record_the_drill(held_drill, xiyang_squad):
    from anlan.core.choices import UserRole

    from ..factories import make_user

    other = make_user("xiyang-cmd", UserRole.RESCUE_COMMANDER, team=xiyang_squad)
    with pytest.raises(PermissionDenied):
        hold(other, held_drill)


def test_stats_count_held_drills_per_period_kind_and_county(
    lingshi_commander, lingshi_squad, city_admin, xiyang_squad
):
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, tzinfo=DAY0.tzinfo)):
        for month, kind in ((1, "joint"), (2, "joint"), (5, "tabletop")):
            start = DAY0.replace(month=month, day=5)
            drill = plan(lingshi_commander, [lingshi_squad], kind=kind, planned_for=start)
            hold(lingshi_commander, drill, start=start)
        drill = plan(city_admin, [xiyang_squad], region=region(XIYANG))
        hold(city_admin, drill, start=DAY0.replace(month=4))
        plan(lingshi_commander, [lingshi_squad])  # planned only: not counted
    stats = services.drill_stats(Drill.objects.all(), period="quarter", year=2026)
    rows = {(r.period, r.county): r.counts for r in stats.rows}
    assert rows == {
        ("2026-Q1", "灵石县"): {"joint": 2},
        ("2026-Q2", "灵石县"): {"tabletop": 1},
        ("2026-Q2", "昔阳县"): {"joint": 1},
    }
    assert stats.total == 4
    assert services.drill_stats(Drill.objects.all(), period="year", year=2025).total == 0
    with pytest.raises(ValidationError) as exc:
        services.drill_stats(Drill.objects.all(), period="week")
    assert "period" in exc.value.message_dict
