"""The demo data set: fictional townships, enterprises, people, hazard sources, rescue teams and
one login per role, placed under the real counties of Jinzhong, Lüliang (Xiaoyi) and Yuncheng.

Everything here is made up and marked so: regions carry ``is_fictional``, enterprises end with
"（演示）" and carry ``is_demo``, teams and users carry ``is_demo``. Codes that have check
characters (credit codes, ID numbers) are computed, so they pass the validators.

``build_demo()`` is idempotent: records are found by natural key (region code, credit code,
enterprise + post, team name, username) and saved only when a value differs, so a second run
creates nothing and writes nothing (not even history rows).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel, UserRole
from anlan.core.models import Region, User
from anlan.core.validators import id_check_char, uscc_check_char
from anlan.hazards.demo import build_demo_hazards, build_demo_tipoffs
from anlan.registry.choices import (
    EnterpriseIndustry,
    EnterpriseRiskFlag,
    EnterpriseSize,
    EnterpriseStatus,
    PersonPost,
)
from anlan.registry.models import Enterprise, HazardSource, ResponsiblePerson, RiskFlag
from anlan.reports.demo import build_demo_reports
from anlan.rescue.choices import TeamKind
from anlan.rescue.models import Team

DEMO_PASSWORD = "anlan-demo-2026"
DEMO_MARK = "（演示）"

# --------------------------------------------------------------------------------------------
# Fictional townships and villages (made-up codes in the 190-199 / 201-209 ranges)
# --------------------------------------------------------------------------------------------

LINGSHI, XIYANG, JIEXIU = "140729", "140724", "140781"
XIAOYI, YANHU, HEJIN = "141181", "140802", "140882"
PINGYAO, SHOUYANG = "140728", "140725"
JINZHONG = "140700"


@dataclass(frozen=True)
class TownshipSpec:
    suffix: str  # three digits appended to the county code
    name: str
    lat: str
    lon: str
    villages: tuple[tuple[str, str], ...]  # (three-digit suffix, name)


@dataclass(frozen=True)
class CountySpec:
    seat: tuple[str, str]  # latitude, longitude of the county seat
    phone_area: str  # used for the demo mobile numbers
    townships: tuple[TownshipSpec, ...]


def _t(suffix, name, lat, lon, *villages):
    return TownshipSpec(suffix, name, lat, lon, tuple(villages))


COUNTIES: dict[str, CountySpec] = {
    LINGSHI: CountySpec(
        ("36.848", "111.778"),
        "354",
        (
            _t("190", "汾峪镇", "36.900", "111.800", ("201", "东沟村"), ("202", "南庄村")),
            _t("191", "韩信岭乡", "36.780", "111.720", ("201", "岭底村"), ("202", "高家坪村")),
            _t("192", "静岩镇", "36.862", "111.915", ("201", "王家堡村"), ("202", "石窑村")),
        ),
    ),
    XIYANG: CountySpec(
        ("37.612", "113.706"),
        "354",
        (
            _t("190", "松溪镇", "37.660", "113.750", ("201", "河东村"), ("202", "松峪村")),
            _t("191", "蒙山乡", "37.550", "113.630", ("201", "上庄村"), ("202", "杨家岭村")),
        ),
    ),
    JIEXIU: CountySpec(
        ("37.027", "111.916"),
        "354",
        (
            _t("190", "汾东镇", "37.070", "111.960", ("201", "东庄村"), ("202", "孙家堡村")),
            _t("191", "绵上镇", "36.930", "111.950", ("201", "北岭村"), ("202", "柳湾村")),
        ),
    ),
    XIAOYI: CountySpec(
        ("37.145", "111.781"),
        "358",
        (
            _t("190", "胜溪镇", "37.160", "111.740", ("201", "西庄村"), ("202", "郭家沟村")),
            _t("191", "孝河镇", "37.100", "111.830", ("201", "河底村"), ("202", "张家庄村")),
            _t("192", "梧岭乡", "37.050", "111.650", ("201", "梧桐坪村"), ("202", "后沟村")),
        ),
    ),
    PINGYAO: CountySpec(
        ("37.189", "112.175"),
        "354",
        (_t("190", "宁固镇", "37.120", "112.030", ("201", "东源村"), ("202", "西郭村")),),
    ),
    SHOUYANG: CountySpec(
        ("37.895", "113.177"),
        "354",
        (_t("190", "西洛镇", "37.985", "113.020", ("201", "南河村"), ("202", "北庄村")),),
    ),
    YANHU: CountySpec(
        ("35.026", "111.007"),
        "359",
        (
            _t("190", "盐池镇", "35.000", "111.050", ("201", "池东村"), ("202", "新盐村")),
            _t("191", "中条乡", "34.930", "111.120", ("201", "山底村"), ("202", "条南村")),
        ),
    ),
    HEJIN: CountySpec(
        ("35.596", "110.712"),
        "359",
        (
            _t("190", "禹门镇", "35.650", "110.720", ("201", "口东村"), ("202", "北梁村")),
            _t("191", "汾南乡", "35.560", "110.780", ("201", "南湾村"), ("202", "柴家庄村")),
        ),
    ),
}

# --------------------------------------------------------------------------------------------
# Fictional enterprises
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseSpec:
    county: str
    place: str  # "" = county seat, "190" = township, "190201" = village
    name: str  # without the demo mark
    industry: str
    industry_code: str
    size: str
    headcount: int
    flags: tuple[str, ...] = ()
    status: str = EnterpriseStatus.OPERATING
    address: str = ""  # appended to the region's full name


E = EnterpriseSpec
Ind, Flag, Size, Status = EnterpriseIndustry, EnterpriseRiskFlag, EnterpriseSize, EnterpriseStatus
COAL, CHEM, METAL = Ind.COAL_MINE, Ind.HAZARDOUS_CHEMICALS, Ind.METALLURGY
NONFE, LIGHT, MACH = Ind.NON_FERROUS, Ind.LIGHT_INDUSTRY, Ind.MACHINERY
GAS, OUTBURST, BURST = Flag.HIGH_GAS, Flag.OUTBURST, Flag.ROCK_BURST
MHS, DUST, NH3 = Flag.MAJOR_HAZARD_SOURCE, Flag.DUST_EXPLOSION, Flag.AMMONIA_REFRIGERATION
CONFINED, CASTING = Flag.CONFINED_SPACE, Flag.DEEP_WELL_CASTING

# fmt: off
ENTERPRISES: tuple[EnterpriseSpec, ...] = (
    # 灵石县
    E(LINGSHI, "190201", "山西灵石汾峪煤业有限公司", COAL, "0610", Size.LARGE, 1260, (GAS, OUTBURST), address="矿区1号"),
    E(LINGSHI, "191", "灵石县韩信岭煤业有限公司", COAL, "0610", Size.MEDIUM, 680, (GAS,), address="岭南工业区"),
    E(LINGSHI, "192202", "灵石县静岩煤矿有限公司", COAL, "0610", Size.MEDIUM, 420, (BURST,), Status.SUSPENDED, "石窑沟"),
    E(LINGSHI, "190", "灵石县东沟煤业有限公司", COAL, "0610", Size.SMALL, 150, (GAS,), Status.UNDER_CONSTRUCTION, "东沟井田"),
    E(LINGSHI, "190", "灵石县汾峪焦化有限公司", CHEM, "2521", Size.LARGE, 950, (MHS, CONFINED), address="汾河东路18号"),
    E(LINGSHI, "192", "灵石县静岩钢铁有限公司", METAL, "3120", Size.LARGE, 2100, (CONFINED,), address="钢城路1号"),
    E(LINGSHI, "", "灵石县翠华木业有限公司", LIGHT, "2110", Size.SMALL, 45, (DUST,), address="新建街66号"),
    E(LINGSHI, "190", "灵石县汾峪燃气有限公司", Ind.GAS_SUPPLY, "4511", Size.SMALL, 85, (), address="燃气站路2号"),
    E(LINGSHI, "", "灵石县城区供热有限公司", Ind.HEATING, "4430", Size.MEDIUM, 160, (), address="热源厂路9号"),
    # 昔阳县
    E(XIYANG, "190201", "山西昔阳松溪煤业有限公司", COAL, "0610", Size.LARGE, 980, (GAS, OUTBURST), address="河东矿区"),
    E(XIYANG, "191", "昔阳县蒙山煤矿有限公司", COAL, "0610", Size.MEDIUM, 560, (GAS,), address="蒙山井田"),
    E(XIYANG, "191202", "昔阳县南峪煤业有限公司", COAL, "0610", Size.SMALL, 0, (), Status.CLOSED, "南峪沟"),
    E(XIYANG, "190", "昔阳县松溪肉类食品有限公司", LIGHT, "1351", Size.MEDIUM, 180, (NH3, MHS), address="食品园区3号"),
    E(XIYANG, "", "昔阳县乐岭水泥有限公司", Ind.BUILDING_MATERIALS, "3011", Size.MEDIUM, 300, (CONFINED,), address="城东工业园"),
    E(XIYANG, "190", "昔阳县松溪建筑工程有限公司", Ind.CONSTRUCTION, "4710", Size.MEDIUM, 210, (), Status.UNDER_CONSTRUCTION, "松溪新区工地"),
    # 介休市
    E(JIEXIU, "190", "介休市汾东煤业有限公司", COAL, "0610", Size.LARGE, 1100, (GAS, BURST), address="汾东井田"),
    E(JIEXIU, "191201", "介休市绵上煤矿有限公司", COAL, "0610", Size.MEDIUM, 620, (GAS, OUTBURST), Status.SUSPENDED, "北岭矿区"),
    E(JIEXIU, "190", "山西介休汾东焦化有限公司", CHEM, "2521", Size.LARGE, 1500, (MHS,), address="焦化园区1号"),
    E(JIEXIU, "191", "介休市绵上甲醇有限公司", CHEM, "2614", Size.MEDIUM, 420, (MHS,), address="化工园区8号"),
    E(JIEXIU, "190202", "介休市汾东特钢有限公司", METAL, "3130", Size.LARGE, 800, (), address="孙家堡工业区"),
    E(JIEXIU, "191", "介休市绵上陈醋酿造有限公司", LIGHT, "1462", Size.SMALL, 90, (CONFINED,), address="酿造街12号"),
    E(JIEXIU, "", "介休市金辉金属抛光厂", MACH, "3360", Size.MICRO, 28, (DUST,), address="顺城路工业园"),
    E(JIEXIU, "", "介休市汾源购物广场", Ind.CROWDED_VENUE, "5211", Size.MEDIUM, 260, (), address="新华街88号"),
    E(JIEXIU, "191202", "介休市柳湾水产养殖场", Ind.AQUACULTURE, "0412", Size.MICRO, 12, (Flag.LOW_LYING,), address="柳湾鱼塘"),
    # 孝义市
    E(XIAOYI, "190", "孝义市胜溪煤业有限公司", COAL, "0610", Size.LARGE, 1350, (GAS, OUTBURST), address="西庄井田"),
    E(XIAOYI, "191201", "孝义市孝河煤矿有限公司", COAL, "0610", Size.MEDIUM, 700, (GAS,), address="河底矿区"),
    E(XIAOYI, "192", "孝义市梧岭煤业有限公司", COAL, "0610", Size.MEDIUM, 80, (BURST,), Status.UNDER_CONSTRUCTION, "后沟井田"),
    E(XIAOYI, "191", "孝义市孝河焦化有限公司", CHEM, "2521", Size.LARGE, 1800, (MHS, CONFINED), address="焦化园区6号"),
    E(XIAOYI, "190", "孝义市胜溪甲醇化工有限公司", CHEM, "2614", Size.MEDIUM, 380, (MHS,), address="化工园区2号"),
    E(XIAOYI, "192201", "孝义市梧岭氧化铝有限公司", NONFE, "3216", Size.LARGE, 1600, (), address="梧桐坪工业区"),
    E(XIAOYI, "191", "孝义市孝河冷链物流有限公司", Ind.COMMERCE_TRADE, "5930", Size.SMALL, 70, (NH3,), address="物流园5号"),
    E(XIAOYI, "", "孝义市胜溪家具有限公司", LIGHT, "2110", Size.SMALL, 60, (DUST,), address="府前街南段"),
    E(XIAOYI, "", "孝义市兴孝商业广场", Ind.CROWDED_VENUE, "5211", Size.LARGE, 520, (), address="崇文街1号"),
    # 平遥县 and 寿阳县: high-gas mines beyond 30 minutes of every team until the planned squads
    E(PINGYAO, "190201", "平遥县宁固煤业有限公司", COAL, "0610", Size.MEDIUM, 540, (GAS,), address="东源井田"),
    E(SHOUYANG, "190201", "寿阳县西洛煤业有限公司", COAL, "0610", Size.LARGE, 1150, (GAS, OUTBURST), address="南河矿区"),
    # 运城市盐湖区
    E(YANHU, "190", "运城市盐湖区盐池铝业有限公司", NONFE, "3252", Size.MEDIUM, 320, (CASTING,), address="铝业园区1号"),
    E(YANHU, "191201", "运城市盐湖区中条铝材有限公司", NONFE, "3252", Size.SMALL, 140, (CASTING, DUST), Status.SUSPENDED, "山底工业区"),
    E(YANHU, "190", "运城市盐湖区盐池食品有限公司", LIGHT, "1432", Size.MEDIUM, 210, (NH3,), address="食品园区9号"),
    E(YANHU, "191", "运城市盐湖区中条啤酒有限公司", LIGHT, "1513", Size.MEDIUM, 260, (CONFINED,), address="中条大道18号"),
    E(YANHU, "", "运城市盐湖区河东购物中心", Ind.CROWDED_VENUE, "5211", Size.LARGE, 600, (), address="河东东街100号"),
    E(YANHU, "190202", "运城市盐湖区新盐木业有限公司", LIGHT, "2021", Size.SMALL, 50, (DUST,), address="新盐工业区"),
    # 河津市
    E(HEJIN, "190", "河津市禹门铝业有限公司", NONFE, "3252", Size.LARGE, 900, (CASTING,), address="铝工业园1号"),
    E(HEJIN, "191201", "河津市汾南铝材有限公司", NONFE, "3252", Size.MEDIUM, 240, (CASTING,), address="南湾工业区"),
    E(HEJIN, "190", "河津市禹门钢铁有限公司", METAL, "3110", Size.LARGE, 2600, (CONFINED,), address="钢铁园区2号"),
    E(HEJIN, "191", "河津市汾南焦化有限公司", CHEM, "2521", Size.MEDIUM, 700, (MHS,), address="焦化园区3号"),
    E(HEJIN, "", "河津市禹门金属制品抛光厂", MACH, "3360", Size.MICRO, 18, (DUST,), Status.CLOSED, "龙岗路工业园"),
)
# fmt: on

# Major hazard sources (name, level, description) by enterprise name (without the mark).
_COKING = (
    ("焦炉煤气柜", 2, "湿式煤气柜，储存焦炉煤气，有毒可燃。"),
    ("粗苯储罐区", 3, "粗苯储罐及装卸区，易燃液体。"),
)
HAZARD_SOURCES: dict[str, tuple[tuple[str, int, str], ...]] = {
    "灵石县汾峪焦化有限公司": _COKING,
    "山西介休汾东焦化有限公司": (*_COKING, ("煤焦油储罐区", 4, "煤焦油及洗油储罐区。")),
    "介休市绵上甲醇有限公司": (
        ("甲醇储罐区", 2, "甲醇成品及中间罐区，易燃液体。"),
        ("甲醇合成装置", 3, "以焦炉煤气为原料的甲醇合成及精馏装置。"),
    ),
    "孝义市孝河焦化有限公司": (*_COKING, ("煤焦油储罐区", 4, "煤焦油及洗油储罐区。")),
    "孝义市胜溪甲醇化工有限公司": (
        ("甲醇储罐区", 1, "甲醇成品罐区，储量超过临界量十倍以上。"),
        ("甲醇合成装置", 3, "甲醇合成、精馏装置。"),
    ),
    "河津市汾南焦化有限公司": _COKING,
    "昔阳县松溪肉类食品有限公司": (("液氨制冷系统", 4, "氨制冷机房及储氨器，用于冷库制冷。"),),
}

# --------------------------------------------------------------------------------------------
# Rescue teams
# --------------------------------------------------------------------------------------------

TEAMS: tuple[tuple[str, str, str, int], ...] = (
    ("晋中市矿山救援大队", TeamKind.CITY_BRIGADE, JINZHONG, 86),
    ("灵石县矿山救援中队", TeamKind.COUNTY_SQUAD, LINGSHI, 22),
    ("昔阳县矿山救援中队", TeamKind.COUNTY_SQUAD, XIYANG, 22),
    ("孝义市矿山救援大队", TeamKind.COUNTY_SQUAD, XIAOYI, 36),
    ("孝义市孝河焦化应急救援队", TeamKind.ENTERPRISE, XIAOYI, 28),
    ("孝义市梧岭氧化铝应急救援队", TeamKind.ENTERPRISE, XIAOYI, 24),
    ("孝义市孝河煤矿兼职救援队", TeamKind.ENTERPRISE, XIAOYI, 18),
    ("孝义市胜溪镇应急救援队", TeamKind.TOWNSHIP, XIAOYI, 20),
    ("孝义市孝河镇应急救援队", TeamKind.TOWNSHIP, XIAOYI, 20),
    ("孝义市梧岭乡应急救援队", TeamKind.TOWNSHIP, XIAOYI, 15),
    ("孝义市曙光志愿救援队", TeamKind.SOCIAL, XIAOYI, 32),
    ("孝义市山地户外救援队", TeamKind.SOCIAL, XIAOYI, 19),
    # Planned squads (status "planned"): the coverage what-if adds them.
    ("平遥县矿山救援中队（规划）", TeamKind.COUNTY_SQUAD, PINGYAO, 22),
    ("寿阳县矿山救援中队（规划）", TeamKind.COUNTY_SQUAD, SHOUYANG, 22),
)

# --------------------------------------------------------------------------------------------
# Fictional people
# --------------------------------------------------------------------------------------------

SURNAMES = "王张李刘赵郭杨武梁高任田闫贾韩段温史侯冀"
MALE_NAMES = ("建国", "志强", "海军", "晓东", "永军", "鹏飞", "文斌", "国栋", "俊峰", "宏伟", "立新", "振华")  # fmt: skip
FEMALE_NAMES = ("丽娟", "晓燕", "慧敏", "春梅", "玉霞", "雅琴", "秀英", "静怡")
AREA_PHONE = {code: spec.phone_area for code, spec in COUNTIES.items()}


@dataclass(frozen=True)
class FakePerson:
    name: str
    id_number: str
    mobile: str


def fake_person(county_code: str, n: int) -> FakePerson:
    """The n-th fictional person registered in a county: name, valid ID number and mobile."""
    female = n % 4 == 3
    given = FEMALE_NAMES[(n * 5) % len(FEMALE_NAMES)] if female else MALE_NAMES[(n * 7) % 12]
    name = SURNAMES[(n * 3) % len(SURNAMES)] + given
    birth = f"{1966 + (n * 7) % 30}{1 + (n * 5) % 12:02d}{1 + (n * 13) % 28:02d}"
    seq = 2 * (5 + (n * 37) % 490) + (0 if female else 1)  # odd for men, even for women
    first17 = f"{county_code}{birth}{seq:03d}"
    mobile = f"139{AREA_PHONE.get(county_code, '351')}{n:05d}"
    return FakePerson(name, first17 + id_check_char(first17), mobile)


def _org_code(key: str) -> str:
    """A deterministic GB 11714 organisation code (8 digits and its check character)."""
    digest = int(hashlib.sha256(("anlan-demo:" + key).encode()).hexdigest(), 16)
    body = f"{digest % 10**8:08d}"
    remainder = (
        11 - sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    )
    return body + {10: "X", 11: "0"}.get(remainder, str(remainder))


def demo_uscc(county_code: str, key: str) -> str:
    first17 = "91" + county_code + _org_code(key)
    return first17 + uscc_check_char(first17)


def _jitter(key: str, spread: float = 0.02) -> tuple[Decimal, Decimal]:
    digest = hashlib.sha256(key.encode()).digest()
    return tuple(
        Decimal(round((b / 255 * 2 - 1) * spread, 6)).quantize(Decimal("0.000001"))
        for b in digest[:2]
    )


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------

STEPS = (
    _("Fictional townships and villages"),
    _("Demo enterprises and risk flags"),
    _("Responsible persons"),
    _("Major hazard sources"),
    _("Rescue teams"),
    _("Demo logins"),
    _("Hazards in every state"),
    _("Quarterly hazard reports"),
    _("Tip-offs, rewards and exposed cases"),
    _("Checklists and inspections"),
    _("Risk points and control measures"),
    _("Monitoring gateways, sensors and a day of readings"),
    _("Online patrols"),
    _("Daily safety commitments and work permits"),
    _("包保 duty checks and the strict-supervision list"),
    _("Rescue members, equipment, duty rosters and an incident"),
    _("A cold-wave warning, its targets and welfare checks"),
    _("Member units, duty lists and 督办 tasks"),
    _("Trainings, expert visits and the safety-production month"),
    _("Assessment schemes and last month's scores"),
    _("Weekly and monthly bulletins"),
)


class _Counter:
    def __init__(self):
        self.created = dict.fromkeys(
            (
                "regions",
                "enterprises",
                "persons",
                "hazard_sources",
                "teams",
                "users",
                "hazards",
                "quarterly_reports",
                "tip_offs",
                "inspections",
                "risk_points",
                "sensors",
                "patrols",
                "commitments",
            ),
            0,
        )


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Find by ``lookup``; create, or save only the fields whose value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.full_clean()
        obj.save()
    return obj, False


def _build_regions(counter: _Counter) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for county_code, spec in COUNTIES.items():
        county = Region.objects.get(code=county_code)
        regions[county_code] = county
        for town in spec.townships:
            children = [(town.suffix, town.name, RegionLevel.TOWNSHIP, county_code)]
            children += [
                (town.suffix + v_suffix, v_name, RegionLevel.VILLAGE, county_code + town.suffix)
                for v_suffix, v_name in town.villages
            ]
            for suffix, name, level, parent_code in children:
                code = county_code + suffix
                existing = Region.objects.filter(code=code, is_fictional=False).first()
                if existing is not None:
                    raise ValueError(f"Region {code} exists and is not a demo region.")
                region, created = _upsert(
                    Region,
                    {"code": code},
                    {
                        "name": name,
                        "level": level,
                        "parent": regions[parent_code],
                        "is_fictional": True,
                    },
                )
                regions[code] = region
                counter.created["regions"] += created
    return regions


def _location(spec: EnterpriseSpec) -> tuple[Decimal, Decimal]:
    county = COUNTIES[spec.county]
    lat, lon = county.seat
    for town in county.townships:
        if spec.place[:3] == town.suffix:
            lat, lon = town.lat, town.lon
    dlat, dlon = _jitter(spec.name)
    return Decimal(lat) + dlat, Decimal(lon) + dlon


def _build_enterprises(counter: _Counter, regions: dict[str, Region]) -> dict[str, Enterprise]:
    flags = {flag.code: flag for flag in RiskFlag.objects.all()}
    enterprises: dict[str, Enterprise] = {}
    for spec in ENTERPRISES:
        region = regions[spec.county + spec.place]
        lat, lon = _location(spec)
        enterprise, created = _upsert(
            Enterprise,
            {"uscc": demo_uscc(spec.county, spec.name)},
            {
                "name": spec.name + DEMO_MARK,
                "industry": spec.industry,
                "industry_code": spec.industry_code,
                "region": region,
                "address": region.full_name + spec.address,
                "latitude": lat,
                "longitude": lon,
                "size": spec.size,
                "headcount": spec.headcount,
                "status": spec.status,
                "is_demo": True,
            },
        )
        wanted = {flags[code] for code in spec.flags}
        if set(enterprise.risk_flags.all()) != wanted:
            enterprise.risk_flags.set(wanted)
        enterprises[spec.name] = enterprise
        counter.created["enterprises"] += created
    return enterprises


def _posts_for(spec: EnterpriseSpec) -> list[str]:
    posts = [PersonPost.PRINCIPAL, PersonPost.SAFETY_CHIEF]
    if spec.name in HAZARD_SOURCES:
        posts += [PersonPost.TECHNICAL_LEAD, PersonPost.OPERATIONS_LEAD]
    elif spec.headcount >= 500:
        posts.append(PersonPost.SAFETY_OFFICER)
    return posts


def _build_persons(
    counter: _Counter, enterprises: dict[str, Enterprise]
) -> dict[tuple[str, str], ResponsiblePerson]:
    persons: dict[tuple[str, str], ResponsiblePerson] = {}
    serial: dict[str, int] = {}
    for spec in ENTERPRISES:
        enterprise = enterprises[spec.name]
        for post in _posts_for(spec):
            serial[spec.county] = serial.get(spec.county, 0) + 1
            fake = fake_person(spec.county, serial[spec.county])
            person, created = _upsert(
                ResponsiblePerson,
                {"enterprise": enterprise, "post": post},
                {"name": fake.name, "id_number": fake.id_number, "mobile": fake.mobile},
            )
            persons[(spec.name, post)] = person
            counter.created["persons"] += created
    return persons


def _build_hazard_sources(
    counter: _Counter,
    enterprises: dict[str, Enterprise],
    persons: dict[tuple[str, str], ResponsiblePerson],
) -> int:
    total = 0
    for filing, (enterprise_name, sources) in enumerate(HAZARD_SOURCES.items(), start=1):
        enterprise = enterprises[enterprise_name]
        county = enterprise.uscc[2:8]
        for number, (name, level, description) in enumerate(sources, start=1):
            _, created = _upsert(
                HazardSource,
                {"enterprise": enterprise, "name": name},
                {
                    "code": f"{county}WX{filing:03d}{number:02d}",
                    "level": level,
                    "description": description,
                    "principal": persons[(enterprise_name, PersonPost.PRINCIPAL)],
                    "technical_lead": persons[(enterprise_name, PersonPost.TECHNICAL_LEAD)],
                    "operations_lead": persons[(enterprise_name, PersonPost.OPERATIONS_LEAD)],
                },
            )
            counter.created["hazard_sources"] += created
            total += 1
    return total


def _build_teams(counter: _Counter) -> dict[str, Team]:
    teams: dict[str, Team] = {}
    for name, kind, region_code, headcount in TEAMS:
        team, created = _upsert(
            Team,
            {"name": name},
            {
                "kind": kind,
                "region": Region.objects.get(code=region_code),
                "headcount": headcount,
                "is_demo": True,
            },
        )
        teams[name] = team
        counter.created["teams"] += created
    return teams


def _login_specs(regions, enterprises, persons, teams) -> list[tuple[str, str, str, dict]]:
    lingshi_town = COUNTIES[LINGSHI].townships[0]
    town_code = LINGSHI + lingshi_town.suffix
    village_code = town_code + lingshi_town.villages[0][0]
    guarantor = persons[("灵石县汾峪焦化有限公司", PersonPost.PRINCIPAL)]
    return [
        ("admin", UserRole.SYSTEM_ADMIN, "系统管理员", {}),
        ("city", UserRole.CITY_ADMIN, "李明（晋中市应急管理局）", {"region": Region.objects.get(code=JINZHONG)}),
        ("liaison", UserRole.MEMBER_UNIT_LIAISON, "赵丽（市安委会成员单位联络员）", {"region": Region.objects.get(code=JINZHONG)}),
        ("lingshi", UserRole.COUNTY_REGULATOR, "张伟（灵石县应急管理局）", {"region": regions[LINGSHI]}),
        ("yanhu", UserRole.COUNTY_REGULATOR, "刘洋（盐湖区应急管理局）", {"region": regions[YANHU]}),
        ("verifier", UserRole.TIPOFF_VERIFIER, "周敏（灵石县举报核查员）", {"region": regions[LINGSHI]}),
        ("township", UserRole.TOWNSHIP_SUPERVISOR, f"王强（{lingshi_town.name}安监员）", {"region": regions[town_code]}),
        ("grid", UserRole.GRID_MEMBER, f"陈静（{regions[village_code].name}网格员）", {"region": regions[village_code]}),
        ("enterprise", UserRole.ENTERPRISE_SAFETY, "孙浩（企业安全管理员）", {"enterprise": enterprises["山西灵石汾峪煤业有限公司"]}),
        ("guarantor", UserRole.GUARANTOR, f"{guarantor.name}（包保责任人）", {"enterprise": guarantor.enterprise}),
        ("rescue", UserRole.RESCUE_COMMANDER, "吴刚（灵石县矿山救援中队中队长）", {"team": teams["灵石县矿山救援中队"]}),
        ("civil", UserRole.CIVIL_AFFAIRS, "黄芳（灵石县民政局）", {"region": regions[LINGSHI]}),
        ("gas", UserRole.ENTERPRISE_SAFETY, "马超（燃气公司安全员）", {"enterprise": enterprises["灵石县汾峪燃气有限公司"]}),
    ]  # fmt: skip


def _build_users(counter: _Counter, regions, enterprises, persons, teams) -> list[tuple]:
    logins = []
    for username, role, display_name, scope in _login_specs(regions, enterprises, persons, teams):
        is_admin = role == UserRole.SYSTEM_ADMIN
        values = {
            "role": role,
            "display_name": display_name,
            "region": scope.get("region"),
            "enterprise": scope.get("enterprise"),
            "team": scope.get("team"),
            "is_demo": True,
            "is_staff": is_admin,
            "is_superuser": is_admin,
        }
        user = User.objects.filter(username=username).first()
        if user is not None and not user.is_demo:
            continue  # a real account with this name: leave it alone
        if user is None:
            user = User(username=username, **values)
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            counter.created["users"] += 1
        else:
            user, _ = _upsert(User, {"pk": user.pk}, values)
        logins.append((username, str(UserRole(role).label), user.scope_label))
    return logins


def build_demo(*, progress: Callable[[str], object] | None = None) -> dict:
    """Create (or bring up to date) the demo data set. Safe to run any number of times.

    ``progress(description)`` is called once as each step finishes. Returns the number of demo
    records of each kind, ``created`` (how many of them this run created) and ``logins``:
    (username, role label, scope label) for each demo login.
    """

    def step(index: int) -> None:
        if progress is not None:
            progress(str(STEPS[index]))

    counter = _Counter()
    with transaction.atomic():
        regions = _build_regions(counter)
        step(0)
        enterprises = _build_enterprises(counter, regions)
        step(1)
        persons = _build_persons(counter, enterprises)
        step(2)
        hazard_sources = _build_hazard_sources(counter, enterprises, persons)
        step(3)
        teams = _build_teams(counter)
        step(4)
        logins = _build_users(counter, regions, enterprises, persons, teams)
        step(5)
        # The city administrator works the demo hazards through their lifecycle.
        regulator = User.objects.get(username="city")
        counter.created["hazards"] = build_demo_hazards(enterprises=enterprises, actor=regulator)
        step(6)
        counter.created["quarterly_reports"] = build_demo_reports(
            enterprises=enterprises,
            admin=User.objects.get(username="admin"),
            enterprise_user=User.objects.get(username="enterprise"),
        )
        step(7)
        counter.created["tip_offs"], tip_off_code, tip_off_secret = build_demo_tipoffs(
            enterprises=enterprises,
            verifier=User.objects.get(username="verifier"),
            regulator=User.objects.get(username="lingshi"),
            enterprise_user=User.objects.get(username="enterprise"),
        )
        step(8)
        from anlan.inspections.demo import build_demo_inspections
        from anlan.inspections.seed import seed_checklists

        seed_checklists()
        counter.created["inspections"] = build_demo_inspections(
            enterprises=enterprises,
            regulator=User.objects.get(username="lingshi"),
            enterprise_user=User.objects.get(username="enterprise"),
        )
        step(9)
        from anlan.registry.demo_risks import build_demo_risks

        counter.created["risk_points"] = build_demo_risks(
            enterprises=enterprises, actor=User.objects.get(username="admin")
        )
        step(10)
        from anlan.monitoring.demo import build_demo_monitoring

        counter.created["sensors"] = build_demo_monitoring(
            enterprises=enterprises,
            handler=User.objects.filter(username="guarantor", is_demo=True).first(),
        )["sensors"]
        step(11)
        from anlan.patrols.demo import build_demo_patrols

        counter.created["patrols"] = build_demo_patrols(enterprises=enterprises)
        step(12)
        from anlan.commitments.demo import build_demo_commitments

        counter.created["commitments"] = build_demo_commitments(enterprises=enterprises)
        step(13)
        from anlan.supervision.demo import build_demo_duties

        counter.created["duty_checks"] = build_demo_duties(enterprises=enterprises)["checks"]
        step(14)
        from anlan.rescue.demo import build_demo_rescue

        rescue = build_demo_rescue(teams=teams, enterprises=enterprises)
        counter.created["team_members"] = rescue["members"]
        counter.created["incidents"] = rescue["incidents"]
        step(15)
        from anlan.alerts.demo import build_demo_alerts

        alerts = build_demo_alerts(regions=regions)
        counter.created["warnings"] = alerts["warnings"]
        counter.created["households"] = alerts["households"]
        step(16)
        from anlan.supervision.demo_office import build_demo_office

        office = build_demo_office(regions)["created"]
        counter.created["member_units"] = office["units"]
        counter.created["supervision_tasks"] = office["tasks"]
        step(17)
        from anlan.supervision.demo_activities import build_demo_activities

        activities = build_demo_activities(regions)
        counter.created["trainings"] = activities["trainings"]
        counter.created["campaigns"] = activities["campaigns"]
        step(18)
        from anlan.supervision.demo_assessment import build_demo_assessment
        from anlan.supervision.models import Assessment

        before = Assessment.objects.count()
        build_demo_assessment()
        counter.created["assessments"] = Assessment.objects.count() - before
        step(19)
        from anlan.reports.demo_bulletins import build_demo_bulletins
        from anlan.reports.models import Bulletin

        before = Bulletin.objects.count()
        build_demo_bulletins()
        counter.created["bulletins"] = Bulletin.objects.count() - before
        step(20)
    return {
        "regions": len(regions) - len(COUNTIES),
        "enterprises": len(enterprises),
        "persons": len(persons),
        "hazard_sources": hazard_sources,
        "teams": len(teams),
        "users": len(logins),
        "created": counter.created,
        "logins": logins,
        # A tip-off to follow on the public portal (its secret is known only on creation).
        "tip_off": (tip_off_code, tip_off_secret) if tip_off_secret else None,
    }
