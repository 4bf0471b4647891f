"""Factories for tests: valid codes are computed, never hard-coded."""

from __future__ import annotations

import itertools

import factory

from anlan.core.choices import RegionLevel
from anlan.core.models import Region, User
from anlan.core.validators import USCC_ALPHABET, id_check_char, uscc_check_char
from anlan.registry.choices import EnterpriseIndustry, PersonPost
from anlan.registry.models import Enterprise, ResponsiblePerson

_serial = itertools.count(1)

LINGSHI = "140729"
XIYANG = "140724"
JINZHONG = "140700"
YUNCHENG = "140800"
YANHU = "140802"  # 盐湖区, Yuncheng


def make_uscc(county_code: str = LINGSHI, n: int | None = None) -> str:
    n = next(_serial) if n is None else n
    body = ""
    for _ in range(9):
        body = USCC_ALPHABET[n % 31] + body
        n //= 31
    first17 = "91" + county_code + body
    return first17 + uscc_check_char(first17)


def make_id_number(county_code: str = LINGSHI, birth: str = "19800101", seq: int = 1) -> str:
    first17 = f"{county_code}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def township(county_code: str = LINGSHI, suffix: str = "101", name: str = "测试镇") -> Region:
    county = region(county_code)
    obj, _ = Region.objects.get_or_create(
        code=county_code + suffix,
        defaults={
            "name": name,
            "level": RegionLevel.TOWNSHIP,
            "parent": county,
            "is_fictional": True,
        },
    )
    return obj


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}（演示）")
    uscc = factory.LazyAttribute(lambda o: make_uscc(o.region.code[:6]))
    industry = EnterpriseIndustry.COAL_MINE
    region = factory.LazyFunction(lambda: region(LINGSHI))
    address = "测试地址"
    headcount = 120


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsiblePerson

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"张{n}")
    post = PersonPost.PRINCIPAL
    id_number = factory.Sequence(lambda n: make_id_number(seq=n % 999 + 1))
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


def make_user(username: str, role: str, **scope) -> User:
    user = User(username=username, role=role, display_name=username, **scope)
    user.set_password("pw-" + username)
    user.full_clean(exclude=["password"])
    user.save()
    return user


# The data that migrations seed (regions, risk flags, standards, the warnings' sensitivity
# matrix). A transactional test's flush removes it; a test that needs it again calls this.
SEEDING_MIGRATIONS = (
    ("anlan.core.migrations.0003_shanxi_regions", "forwards"),
    ("anlan.core.migrations.0004_region_full_name", "fill_full_names"),
    ("anlan.registry.migrations.0002_risk_flags", "forwards"),
    ("anlan.registry.migrations.0004_warning_industries_flags", "add_flags"),
    ("anlan.inspections.migrations.0003_load_standards", "load"),
    ("anlan.alerts.migrations.0002_sensitivity_matrix", "forwards"),
)


def reseed_migration_data() -> None:
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:
        for module, function in SEEDING_MIGRATIONS:
            getattr(import_module(module), function)(apps, editor)
