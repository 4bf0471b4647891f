import datetime as dt
import zoneinfo

import pytest

from anlan.core.choices import UserRole
from anlan.registry.choices import PersonPost
from anlan.registry.models import HazardSource
from tests.factories import PersonFactory, make_user

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def local(y, m, d, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


def make_source(enterprise, name="液氨罐区") -> HazardSource:
    people = {
        field: PersonFactory(enterprise=enterprise, post=post, name=f"{name}{label}")
        for field, post, label in (
            ("principal", PersonPost.PRINCIPAL, "王主要"),
            ("technical_lead", PersonPost.TECHNICAL_LEAD, "李技术"),
            ("operations_lead", PersonPost.OPERATIONS_LEAD, "赵操作"),
        )
    }
    return HazardSource.objects.create(enterprise=enterprise, name=name, level=2, **people)


@pytest.fixture(autouse=True)
def without_the_commitment_reason(monkeypatch):
    """These tests look at the strict list's own reasons one at a time; enterprises with a
    hazard source and no commitment would add the commitment reason (tested with the
    commitments in tests/commitments/test_strict_list.py)."""
    from anlan.supervision import strict

    monkeypatch.delitem(strict._PROVIDERS, "commitment", raising=False)


@pytest.fixture
def source(lingshi_mine):
    return make_source(lingshi_mine)


@pytest.fixture
def other_source(yuncheng_plant):
    return make_source(yuncheng_plant, name="煤气柜")


@pytest.fixture
def mine_safety(lingshi_mine):
    return make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)


@pytest.fixture
def mine_guarantor(lingshi_mine):
    return make_user("mine-guarantor", UserRole.GUARANTOR, enterprise=lingshi_mine)
