"""Records for the bulletin tests: hazards, trainings, tasks, alarms, drills, visits."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from anlan.hazards.models import Hazard
from anlan.monitoring import services as monitoring
from anlan.monitoring.choices import SensorKind
from anlan.monitoring.models import Alarm
from anlan.rescue.models import Drill
from anlan.supervision.models import (
    CampaignActivity,
    ExpertVisit,
    MemberUnit,
    SupervisionTask,
    TaskAssignment,
    TrainingSession,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
_n = itertools.count(1)


def at(y, m, d, hour=9):
    return dt.datetime(y, m, d, hour, tzinfo=SHANGHAI)


def hazard(enterprise, *, found, level="general", status="reported", closed=None, **extra):
    return Hazard.objects.create(
        enterprise=enterprise,
        region=enterprise.region,
        description="测试隐患",
        category=extra.pop("category", "equipment"),
        channel="self_inspection",
        level=level,
        status=status,
        found_at=found,
        closed_at=closed,
        **extra,
    )


def training(region, *, kind, date, sessions=1, participants=0):
    return TrainingSession.objects.create(
        region=region,
        kind=kind,
        title=f"培训{next(_n)}",
        date=date,
        sessions=sessions,
        participants=participants,
    )


def unit(committee, township=None, name=None):
    return MemberUnit.objects.create(
        committee_region=committee,
        kind="township" if township else "department",
        name=name or f"单位{next(_n)}",
        township=township,
    )


def task(region, *, deadline, issued, units, states=(), **extra):
    t = SupervisionTask.objects.create(
        region=region,
        title=f"督办{next(_n)}",
        body="要求",
        deadline=deadline,
        issued_at=issued,
        **extra,
    )
    out = []
    for i, u in enumerate(units):
        state, on_time = states[i] if i < len(states) else ("pending", None)
        out.append(TaskAssignment.objects.create(task=t, unit=u, state=state, on_time=on_time))
    return t, out


def sensor(enterprise, tag="PT-1"):
    gateway, _token = monitoring.create_gateway(
        user=None, enterprise=enterprise, name=f"网关{next(_n)}", code=f"gw-{next(_n)}"
    )
    return monitoring.save_sensor(
        user=None,
        enterprise=enterprise,
        data={
            "gateway": gateway,
            "tag": tag,
            "name": "压力",
            "kind": SensorKind.LEVEL,
            "unit": "m",
            "range_min": 0,
            "range_max": 20,
            "limit_ll": 1,
            "limit_l": 2,
            "limit_h": 15,
            "limit_hh": 18,
            "deadband": 0.5,
            "debounce_seconds": 0,
        },
    )


def alarm(sensor_, *, raised, level="urgent", kind="hh", disposed=None, cleared=True):
    return Alarm.objects.create(
        sensor=sensor_,
        kind=kind,
        level=level,
        started_at=raised,
        raised_at=raised,
        disposed_at=disposed,
        cleared_at=raised + dt.timedelta(hours=1) if cleared else None,
    )


def drill(region, *, started, participants=10, kind="tabletop", status="done"):
    return Drill.objects.create(
        title=f"演练{next(_n)}",
        kind=kind,
        scenario="情景",
        region=region,
        status=status,
        planned_for=started,
        started_at=started,
        ended_at=started + dt.timedelta(hours=2),
        participants=participants,
    )


def visit(enterprise, *, date, domain="dust", problems=0):
    return ExpertVisit.objects.create(
        region=enterprise.region,
        enterprise=enterprise,
        domain=domain,
        date=date,
        experts="专家",
        problems_found=problems,
    )


def activity(region, *, date, kind="consultation_day", events=1, participants=0):
    return CampaignActivity.objects.create(
        region=region,
        kind=kind,
        title=f"活动{next(_n)}",
        date=date,
        events=events,
        participants=participants,
    )
