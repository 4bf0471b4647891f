"""Fixtures for the rescue operations tests: two mine-rescue squads with members and breathing
apparatus, one on duty, a high-gas mine, and a helper to roster a team for today."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.core.choices import UserRole
from anlan.registry.models import RiskFlag
from anlan.rescue.models import DutyShift, EquipmentItem, EquipmentType, Member, Team

from ..factories import LINGSHI, XIYANG, EnterpriseFactory, make_id_number, make_user, region


def make_team(
    name, code, lat, lon, *, caps=("mine_rescue",), staffing="full_time", sets=12, status="active"
):  # noqa: E501
    team = Team.objects.create(
        name=name,
        kind="county_squad",
        region=region(code),
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        capabilities=list(caps),
        staffing=staffing,
        status=status,
    )
    if sets:
        kind, _ = EquipmentType.objects.get_or_create(
            name="正压氧气呼吸器", model="BG4", defaults={"category": "breathing"}
        )
        EquipmentItem.objects.create(equipment_type=kind, team=team, quantity=sets)
    return team


def commander_of(team, seq=1):
    today = timezone.localdate()
    member = Member(
        team=team,
        name=f"{team.name[:2]}队长",
        id_number=make_id_number(LINGSHI, "19800101", seq),
        post="squadron_commander",
        joined_on=today - dt.timedelta(days=3650),
        experience_since=today - dt.timedelta(days=3650),
    )
    member.full_clean()
    member.save()
    return member


def roster_today(team, seq=1):
    return DutyShift.objects.create(
        team=team, day=timezone.localdate(), shift="full_day", commander=commander_of(team, seq)
    )


@pytest.fixture
def squads(db):
    lingshi = make_team("灵石县矿山救援中队", LINGSHI, "36.848", "111.778")
    xiyang = make_team("昔阳县矿山救援中队", XIYANG, "37.612", "113.706")
    roster_today(lingshi, 1)
    return lingshi, xiyang


@pytest.fixture
def gas_mine(db):
    mine = EnterpriseFactory(
        name="灵石高瓦斯煤矿（演示）",
        region=region(LINGSHI),
        industry="coal_mine",
        latitude=Decimal("36.780"),
        longitude=Decimal("111.720"),
    )
    mine.risk_flags.add(RiskFlag.objects.get(code="high_gas"))
    return mine


@pytest.fixture
def lingshi_commander(squads):
    return make_user("wugang", UserRole.RESCUE_COMMANDER, team=squads[0])
