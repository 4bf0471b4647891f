"""Fixtures for the warnings tests: a small Jinzhong with enterprises the cold-wave rule concerns
(gas, heating) and one it does not (a coal mine), one in Yuncheng outside the area, a rescue team
on duty, a township and a village with their supervisor and grid member; and ``cap_xml`` to
write real-shaped CAP messages with times relative to now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.alerts.cap import format_time
from anlan.core.choices import RegionLevel, UserRole
from anlan.core.models import Region, User
from anlan.registry.choices import EnterpriseIndustry
from anlan.registry.models import Enterprise
from anlan.rescue.models import Team

from ..factories import JINZHONG, LINGSHI, XIYANG, YANHU, EnterpriseFactory, make_user, region
from ..rescue.ops_setup import roster_today

NS = "urn:oasis:names:tc:emergency:cap:1.2"


def cap_xml(
    *,
    identifier: str = "14070041600000_20261204080000_1",
    sender: str = "jinzhong-met@example.cn",
    sent: dt.datetime | None = None,
    status: str = "Actual",
    msg_type: str = "Alert",
    references: str = "",
    event: str = "寒潮黄色预警",
    headline: str = "晋中市气象台发布寒潮黄色预警信号",
    severity: str = "Moderate",
    effective: dt.datetime | None = None,
    expires: dt.datetime | None = None,
    codes: tuple[str, ...] = (JINZHONG,),
    polygon: str = "",
    circle: str = "",
    area_desc: str = "晋中市",
    info: bool = True,
    note: str = "",
) -> bytes:
    now = timezone.now()
    sent = sent or now
    effective = effective or sent
    expires = expires or effective + dt.timedelta(days=2)
    refs = f"<references>{references}</references>" if references else ""
    note_el = f"<note>{note}</note>" if note else ""
    geocodes = "".join(
        f"<geocode><valueName>GB/T 2260</valueName><value>{c}</value></geocode>" for c in codes
    )
    shapes = (f"<polygon>{polygon}</polygon>" if polygon else "") + (
        f"<circle>{circle}</circle>" if circle else ""
    )
    info_el = (
        f"""<info><language>zh-CN</language><category>Met</category><event>{event}</event>
    <urgency>Expected</urgency><severity>{severity}</severity><certainty>Likely</certainty>
    <effective>{format_time(effective)}</effective><expires>{format_time(expires)}</expires>
    <senderName>晋中市气象台（测试）</senderName><headline>{headline}</headline>
    <description>预计最低气温下降10℃以上。</description><instruction>做好防寒防冻。</instruction>
    <area><areaDesc>{area_desc}</areaDesc>{shapes}{geocodes}</area></info>"""
        if info
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="{NS}"><identifier>{identifier}</identifier><sender>{sender}</sender>
<sent>{format_time(sent)}</sent><status>{status}</status><msgType>{msg_type}</msgType>
<scope>Public</scope>{note_el}{refs}{info_el}</alert>""".encode()


@dataclass
class World:
    city_admin: User
    lingshi_regulator: User
    yanhu_regulator: User
    gas: Enterprise
    heating: Enterprise
    coal: Enterprise
    far: Enterprise
    gas_manager: User
    heating_manager: User
    coal_manager: User
    team: Team
    commander: User
    shift: object
    township: Region
    village: Region
    supervisor: User
    grid: User


@pytest.fixture
def world(db) -> World:
    lingshi = region(LINGSHI)
    township = Region.objects.create(
        code=LINGSHI + "101",
        name="测试镇",
        level=RegionLevel.TOWNSHIP,
        parent=lingshi,
        is_fictional=True,
    )
    village = Region.objects.create(
        code=LINGSHI + "101201",
        name="测试村",
        level=RegionLevel.VILLAGE,
        parent=township,
        is_fictional=True,
    )
    gas = EnterpriseFactory(
        name="灵石燃气（演示）",
        industry=EnterpriseIndustry.GAS_SUPPLY,
        region=village,
        latitude=Decimal("36.85"),
        longitude=Decimal("111.78"),
    )
    heating = EnterpriseFactory(
        name="昔阳供热（演示）", industry=EnterpriseIndustry.HEATING, region=region(XIYANG)
    )
    coal = EnterpriseFactory(name="灵石煤矿（演示）", region=lingshi)
    far = EnterpriseFactory(
        name="盐湖燃气（演示）", industry=EnterpriseIndustry.GAS_SUPPLY, region=region(YANHU)
    )
    team = Team.objects.create(
        name="灵石县矿山救援中队（测试）",
        kind="county_squad",
        region=lingshi,
        latitude=Decimal("36.84"),
        longitude=Decimal("111.77"),
        capabilities=["mine_rescue"],
    )
    return World(
        city_admin=make_user("w-city", UserRole.CITY_ADMIN, region=region(JINZHONG)),
        lingshi_regulator=make_user("w-lingshi", UserRole.COUNTY_REGULATOR, region=lingshi),
        yanhu_regulator=make_user("w-yanhu", UserRole.COUNTY_REGULATOR, region=region(YANHU)),
        gas=gas,
        heating=heating,
        coal=coal,
        far=far,
        gas_manager=make_user("w-gas", UserRole.ENTERPRISE_SAFETY, enterprise=gas),
        heating_manager=make_user("w-heat", UserRole.ENTERPRISE_SAFETY, enterprise=heating),
        coal_manager=make_user("w-coal", UserRole.ENTERPRISE_SAFETY, enterprise=coal),
        team=team,
        commander=make_user("w-cmd", UserRole.RESCUE_COMMANDER, team=team),
        shift=roster_today(team),
        township=township,
        village=village,
        supervisor=make_user("w-town", UserRole.TOWNSHIP_SUPERVISOR, region=township),
        grid=make_user("w-grid", UserRole.GRID_MEMBER, region=village),
    )
