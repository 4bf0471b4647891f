import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from anlan.core.choices import UserRole
from anlan.registry.choices import HazardSourceLevel, PersonPost
from anlan.registry.models import HazardSource
from tests.factories import LINGSHI, YANHU, EnterpriseFactory, PersonFactory, make_user, region

DAY = dt.date(2026, 5, 11)
PRINCIPAL = "王守安"
PRINCIPAL_MOBILE = "13912345678"


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(hour, minute)), timezone.get_default_timezone()
    )


def travel(day: dt.date, hour: int, minute: int = 0):
    return time_machine.travel(local(day, hour, minute), tick=False)


def make_plant(name: str, county: str, principal: str = PRINCIPAL, mobile=PRINCIPAL_MOBILE):
    enterprise = EnterpriseFactory(name=name, region=region(county))
    boss = PersonFactory(enterprise=enterprise, name=principal, mobile=mobile)
    tech = PersonFactory(enterprise=enterprise, post=PersonPost.TECHNICAL_LEAD)
    ops = PersonFactory(enterprise=enterprise, post=PersonPost.OPERATIONS_LEAD)
    HazardSource.objects.create(
        enterprise=enterprise,
        name="液氨罐区",
        level=HazardSourceLevel.LEVEL_2,
        principal=boss,
        technical_lead=tech,
        operations_lead=ops,
    )
    return enterprise


@pytest.fixture
def plant(db):
    return make_plant("灵石测试化工（演示）", LINGSHI)


@pytest.fixture
def second_plant(db):
    return make_plant("灵石第二化工（演示）", LINGSHI, principal="李承诺", mobile="13900009999")


@pytest.fixture
def yanhu_plant(db):
    return make_plant("盐湖测试化工（演示）", YANHU, principal="赵盐湖", mobile="13900008888")


@pytest.fixture
def plant_user(plant):
    return make_user("plant-safety", UserRole.ENTERPRISE_SAFETY, enterprise=plant)


@pytest.fixture
def yanhu_plant_user(yanhu_plant):
    return make_user("yanhu-safety", UserRole.ENTERPRISE_SAFETY, enterprise=yanhu_plant)


def counts(**overrides) -> dict:
    data = {
        "units_total": 4,
        "units_running": 3,
        "units_shut_down": 0,
        "units_maintenance": 1,
        "hot_1_count": 0,
        "hazards_safe": True,
        "text": "今日已完成安全风险研判，郑重承诺。",
        "principal_name": PRINCIPAL,
    }
    data.update(overrides)
    return data
