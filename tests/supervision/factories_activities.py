"""Factories for the training, expert-visit and campaign tests."""

from __future__ import annotations

import datetime as dt

from anlan.core.choices import UserRole
from anlan.supervision.choices import UnitKind
from anlan.supervision.models import Campaign, MemberUnit, TrainingSession
from tests.factories import JINZHONG, LINGSHI, XIYANG, make_user, region

__all__ = ["JINZHONG", "LINGSHI", "XIYANG", "make_campaign", "make_training", "make_unit"]


def make_unit(name="应急管理局", committee=JINZHONG, liaison=None, **extra) -> MemberUnit:
    unit, _ = MemberUnit.objects.get_or_create(
        committee_region=region(committee),
        name=name,
        defaults={"kind": UnitKind.DEPARTMENT, **extra},
    )
    if liaison is not None:
        unit.liaisons.add(liaison)
    return unit


def make_liaison(username="unit-liaison", unit=None):
    user = make_user(username, UserRole.MEMBER_UNIT_LIAISON, region=region(JINZHONG))
    if unit is not None:
        unit.liaisons.add(user)
    return user


def make_training(region_code=LINGSHI, kind="principal_lecture", day=None, **extra):
    values = {
        "title": "主要负责人讲安全",
        "sessions": 1,
        "participants": 50,
        **extra,
    }
    return TrainingSession.objects.create(
        region=region(region_code), kind=kind, date=day or dt.date(2026, 3, 2), **values
    )


def make_campaign(region_code=JINZHONG, **extra) -> Campaign:
    values = {
        "title": "2026年安全生产月",
        "start": dt.date(2026, 6, 1),
        "end": dt.date(2026, 6, 30),
        **extra,
    }
    return Campaign.objects.create(region=region(region_code), **values)
