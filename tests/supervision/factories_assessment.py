"""Builders for the assessment tests: Lingshi township units, schemes and items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anlan.supervision.choices import IndicatorKind, IndicatorSource, ScoringRule, UnitKind
from anlan.supervision.models import (
    AssessmentScheme,
    Indicator,
    MemberUnit,
    SupervisionTask,
    TaskAssignment,
)
from tests.factories import LINGSHI, region, township


def township_unit(suffix: str = "101", name: str = "测试镇", order: int = 0) -> MemberUnit:
    town = township(LINGSHI, suffix, name)
    return MemberUnit.objects.create(
        committee_region=region(LINGSHI),
        kind=UnitKind.TOWNSHIP,
        name=f"{name}人民政府",
        short_name=name,
        township=town,
        order=order,
    )


def scheme(name: str = "乡镇月度考核", period: str = "month", **kw) -> AssessmentScheme:
    return AssessmentScheme.objects.create(
        region=kw.pop("region", None) or region(LINGSHI),
        name=name,
        period=period,
        applies_to=kw.pop("applies_to", "township"),
        **kw,
    )


def item(scheme, code, kind=IndicatorKind.SCORED, weight=10, parent=None, **kw) -> Indicator:
    kw.setdefault("name", code)
    kw.setdefault("source", IndicatorSource.MANUAL)
    kw.setdefault("rule", ScoringRule.DIRECT)
    return Indicator.objects.create(
        scheme=scheme, code=code, kind=kind, weight=Decimal(str(weight)), parent=parent, **kw
    )


def task(title: str, deadline: dt.date, units, *, issued: dt.datetime) -> SupervisionTask:
    t = SupervisionTask.objects.create(
        region=region(LINGSHI), title=title, body="按要求落实", deadline=deadline, issued_at=issued
    )
    for unit in units:
        TaskAssignment.objects.create(task=t, unit=unit)
    return t
