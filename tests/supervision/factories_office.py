"""Test data for the committee office: the Lingshi committee with three townships (units), a
county department, their supervisors and liaisons, and a PNG that passes the content check."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from anlan.core.choices import UserRole
from anlan.supervision.choices import UnitKind
from anlan.supervision.models import MemberUnit
from tests.factories import JINZHONG, LINGSHI, YANHU, make_user, region, township

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@dataclass
class Committee:
    region: object
    towns: list  # township MemberUnits
    department: MemberUnit
    supervisors: dict  # unit name → township supervisor
    liaison: object  # liaison account of the department


def lingshi_committee() -> Committee:
    county = region(LINGSHI)
    towns, supervisors = [], {}
    for suffix, name in (("101", "甲镇"), ("102", "乙乡"), ("103", "丙镇")):
        town = township(LINGSHI, suffix, name)
        unit = MemberUnit.objects.create(
            committee_region=county,
            kind=UnitKind.TOWNSHIP,
            name=name,
            township=town,
            party_chair=f"{name}书记",
            admin_chair=f"{name}镇长",
        )
        towns.append(unit)
        supervisors[name] = make_user(f"sup-{suffix}", UserRole.TOWNSHIP_SUPERVISOR, region=town)
    department = MemberUnit.objects.create(
        committee_region=county, kind=UnitKind.DEPARTMENT, name="灵石县住建局"
    )
    liaison = make_user("dept-liaison", UserRole.MEMBER_UNIT_LIAISON, region=region(JINZHONG))
    department.liaisons.add(liaison)
    return Committee(county, towns, department, supervisors, liaison)


def yanhu_unit() -> MemberUnit:
    town = township(YANHU, "101", "盐湖测试镇")
    return MemberUnit.objects.create(
        committee_region=region(YANHU), kind=UnitKind.TOWNSHIP, name="盐湖测试镇", township=town
    )
