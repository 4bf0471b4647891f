"""Named personas used across tests (loaded as a pytest plugin from tests/conftest.py)."""

import pytest

from anlan.core.choices import UserRole

from .factories import JINZHONG, LINGSHI, YANHU, EnterpriseFactory, make_user, region


@pytest.fixture
def city_admin(db):
    return make_user("city-admin", UserRole.CITY_ADMIN, region=region(JINZHONG))


@pytest.fixture
def lingshi_regulator(db):
    return make_user("lingshi-regulator", UserRole.COUNTY_REGULATOR, region=region(LINGSHI))


@pytest.fixture
def yanhu_regulator(db):
    return make_user("yanhu-regulator", UserRole.COUNTY_REGULATOR, region=region(YANHU))


@pytest.fixture
def system_admin(db):
    user = make_user("sysadmin", UserRole.SYSTEM_ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def lingshi_mine(db):
    return EnterpriseFactory(name="灵石测试煤矿（演示）", region=region(LINGSHI))


@pytest.fixture
def yuncheng_plant(db):
    from anlan.registry.choices import EnterpriseIndustry

    return EnterpriseFactory(
        name="运城铝业深井铸造（演示）",
        region=region(YANHU),
        industry=EnterpriseIndustry.NON_FERROUS,
    )


@pytest.fixture
def other_county_enterprise_manager(db, yuncheng_plant):
    """An enterprise safety manager of another county (Yuncheng)."""
    return make_user("yc-safety", UserRole.ENTERPRISE_SAFETY, enterprise=yuncheng_plant)
