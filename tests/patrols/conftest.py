import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from anlan.core.choices import UserRole
from anlan.patrols import services
from anlan.registry.choices import PersonPost
from anlan.registry.models import HazardSource

from ..factories import LINGSHI, EnterpriseFactory, PersonFactory, make_user, township

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed morning (local time) the tests start from.
DAY0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def add_hazard_source(enterprise, name="苯储罐区"):
    people = [
        PersonFactory(enterprise=enterprise, post=post)
        for post in (PersonPost.PRINCIPAL, PersonPost.TECHNICAL_LEAD, PersonPost.OPERATIONS_LEAD)
    ]
    return HazardSource.objects.create(
        enterprise=enterprise,
        name=name,
        level=2,
        principal=people[0],
        technical_lead=people[1],
        operations_lead=people[2],
    )


@pytest.fixture
def fenyu_town(db):
    return township(LINGSHI, "190", "汾峪镇")


@pytest.fixture
def coking_plant(fenyu_town):
    """A monitored enterprise (with a major hazard source) in a Lingshi township."""
    enterprise = EnterpriseFactory(name="灵石测试焦化（演示）", region=fenyu_town)
    add_hazard_source(enterprise)
    return enterprise


@pytest.fixture
def township_supervisor(fenyu_town):
    return make_user("fenyu-supervisor", UserRole.TOWNSHIP_SUPERVISOR, region=fenyu_town)


@pytest.fixture
def coking_manager(coking_plant):
    return make_user("coking-safety", UserRole.ENTERPRISE_SAFETY, enterprise=coking_plant)


def finding(description="报警未处置", level="general", days=7, **extra):
    return {
        "description": description,
        "category": "management",
        "level": level,
        "deadline": dt.date(2026, 3, 2) + dt.timedelta(days=days),
        **extra,
    }


def record(user, enterprise, findings=(), **data):
    values = {
        "kind": "patrol",
        "items": ["readings", "alarms"],
        "summary": "检查实时数据和报警处置",
        "result": "problems" if findings else "ok",
    }
    values.update(data)
    return services.record_patrol(
        user=user, enterprise=enterprise, data=values, findings=list(findings)
    )
