"""Demo rescue forces: where each demo team is based and what it can do, the co-built squads of
Lingshi and Xiyang (44 members) and the brigades with their squads, members, equipment (14 BG4
sets at the Xiaoyi brigade among it) and duty rosters around today, two planned squads (Pingyao,
Shouyang) for the coverage what-if, and a gas explosion at a Lingshi mine with its dispatches.
Idempotent: rows are found by name, serial number, (team, day, shift) or title."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from anlan.core.models import Region, User
from anlan.core.validators import id_check_char

from . import dispatch as dispatch_service
from .choices import (
    Capability,
    CheckKind,
    CheckResult,
    DispatchStage,
    EquipmentCategory,
    IncidentKind,
    IncidentSeverity,
    MemberPost,
    Readiness,
    Shift,
    Staffing,
    TeamStatus,
    UnitKind,
)
from .models import (
    CheckSchedule,
    DutyShift,
    EquipmentCheck,
    EquipmentItem,
    EquipmentType,
    Incident,
    Member,
    Team,
    TeamContact,
    TeamUnit,
)

M, HC, F, FL = Capability.MINE_RESCUE, Capability.HAZCHEM, Capability.FIRE, Capability.FLOOD
FF, W, HA, MED = (
    Capability.FOREST_FIRE,
    Capability.WATER_RESCUE,
    Capability.HIGH_ANGLE,
    Capability.MEDICAL,
)
CITY_BRIGADE = "晋中市矿山救援大队"
XIAOYI_BRIGADE = "孝义市矿山救援大队"
LINGSHI_SQUAD = "灵石县矿山救援中队"
XIYANG_SQUAD = "昔阳县矿山救援中队"
PART_TIME = "孝义市孝河煤矿兼职救援队"
INCIDENT_TITLE = "灵石县韩信岭煤业“瓦斯爆炸”（演示）"
INCIDENT_MINE = "灵石县韩信岭煤业有限公司（演示）"

# name: (lat, lon, base address, capabilities, staffing, parent, co-building enterprise,
# what the government / the enterprise provide, status)
DETAILS: dict[str, tuple] = {
    CITY_BRIGADE: (
        "37.687",
        "112.753",
        "晋中市榆次区救援路1号",
        [M, HC, F, MED],
        Staffing.FULL_TIME,
        None,
        None,
        "",
        "",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    LINGSHI_SQUAD: (
        "36.848",
        "111.778",
        "灵石县翠峰镇新建街9号",
        [M, MED],
        Staffing.FULL_TIME,
        CITY_BRIGADE,
        "山西灵石汾峪煤业有限公司",
        "编制、运行经费和营房",
        "专职队员、救援装备和训练场地",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    XIYANG_SQUAD: (
        "37.612",
        "113.706",
        "昔阳县乐平镇东关街12号",
        [M, MED],
        Staffing.FULL_TIME,
        CITY_BRIGADE,
        "山西昔阳松溪煤业有限公司",
        "编制、运行经费和营房",
        "专职队员、救援装备和训练场地",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    XIAOYI_BRIGADE: (
        "37.110",
        "111.760",
        "孝义市胜溪镇矿山救援基地",
        [M, HC, MED],
        Staffing.FULL_TIME,
        None,
        "孝义市胜溪煤业有限公司",
        "运行经费和车辆",
        "队员、营房和全部呼吸器",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    "孝义市孝河焦化应急救援队": (
        "37.105",
        "111.835",
        "孝义市孝河镇焦化园区6号",
        [HC, F],
        Staffing.FULL_TIME,
        None,
        None,
        "",
        "",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    "孝义市梧岭氧化铝应急救援队": (
        "37.052",
        "111.655",
        "孝义市梧岭乡梧桐坪工业区",
        [HC, F],
        Staffing.FULL_TIME,
        None,
        None,
        "",
        "",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    PART_TIME: (
        "37.098",
        "111.828",
        "孝义市孝河镇河底矿区",
        [M],
        Staffing.PART_TIME,
        XIAOYI_BRIGADE,
        None,
        "",
        "",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    "孝义市胜溪镇应急救援队": (
        "37.158",
        "111.742",
        "孝义市胜溪镇政府院内",
        [FL, FF, F],
        Staffing.PART_TIME,
        None,
        None,
        "",
        "",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    "孝义市孝河镇应急救援队": (
        "37.100",
        "111.830",
        "孝义市孝河镇政府院内",
        [FL, FF, F],
        Staffing.PART_TIME,
        None,
        None,
        "",
        "",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    "孝义市梧岭乡应急救援队": (
        "37.050",
        "111.650",
        "孝义市梧岭乡政府院内",
        [FL, FF],
        Staffing.PART_TIME,
        None,
        None,
        "",
        "",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    "孝义市曙光志愿救援队": (
        "37.146",
        "111.779",
        "孝义市府前街38号",
        [W, HA, MED, FL],
        Staffing.PART_TIME,
        None,
        None,
        "",
        "",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    "孝义市山地户外救援队": (
        "37.140",
        "111.770",
        "孝义市崇文街66号",
        [HA, FF, MED],
        Staffing.PART_TIME,
        None,
        None,
        "",
        "",
        TeamStatus.ACTIVE,
    ),  # noqa: E501
    "平遥县矿山救援中队（规划）": (
        "37.085",
        "112.020",
        "平遥县宁固镇（规划选址）",
        [M, MED],
        Staffing.FULL_TIME,
        CITY_BRIGADE,
        None,
        "",
        "",
        TeamStatus.PLANNED,
    ),  # noqa: E501
    "寿阳县矿山救援中队（规划）": (
        "37.930",
        "113.110",
        "寿阳县西洛镇（规划选址）",
        [M, MED],
        Staffing.FULL_TIME,
        CITY_BRIGADE,
        None,
        "",
        "",
        TeamStatus.PLANNED,
    ),  # noqa: E501
}
DEMO_MARK = "（演示）"
SURNAMES = "王张李刘赵郭杨武梁高任田闫贾韩段温史侯冀程白薛"
GIVEN = (
    "建军",
    "志刚",
    "海涛",
    "晓峰",
    "永强",
    "鹏程",
    "文杰",
    "国庆",
    "俊杰",
    "宏亮",
    "立军",
    "振宇",
    "红兵",
    "卫东",
    "小龙",
    "明辉",
    "金虎",
    "占军",
)  # noqa: E501


def _id_number(county: str, n: int, age: int, today: dt.date) -> str:
    year = today.year - age - 1
    first17 = f"{county}{year}{1 + n % 12:02d}{1 + (n * 7) % 28:02d}{(2 * (n % 400) + 1):03d}"
    return first17 + id_check_char(first17)


def _roster(team: Team) -> list[tuple[str, str | None, int, int]]:
    """(post, squad name, age, years of experience) for each member of a team."""
    top = MemberPost.BRIGADE_COMMANDER if "大队" in team.name else MemberPost.SQUADRON_COMMANDER
    deputy = (
        MemberPost.DEPUTY_BRIGADE_COMMANDER
        if top == MemberPost.BRIGADE_COMMANDER
        else MemberPost.DEPUTY_SQUADRON_COMMANDER
    )
    rows = [(top, None, 48, 12), (deputy, None, 44, 8)]
    squads = max(1, (team.headcount - 2) // 10)
    for s in range(squads):
        name = f"{'一二三四五六七八'[s]}小队"
        rows += [
            (MemberPost.SQUAD_LEADER, name, 36 + s % 5, 6),
            (MemberPost.DEPUTY_SQUAD_LEADER, name, 35, 4),
        ]  # noqa: E501
        rows += [(MemberPost.MEMBER, name, 24 + (k * 3 + s) % 20, 1 + k % 6) for k in range(8)]
    while len(rows) < team.headcount:
        rows.append(
            (MemberPost.EQUIPMENT_KEEPER if len(rows) % 2 else MemberPost.DRIVER, None, 40, 5)
        )  # noqa: E501
    return rows[: team.headcount]


def _members(team: Team, county: str, today: dt.date, offset: int) -> int:
    created = 0
    units = {}
    for n, (post, squad, age, years) in enumerate(_roster(team)):
        if squad and squad not in units:
            units[squad], _ = TeamUnit.objects.get_or_create(
                team=team, name=squad, defaults={"kind": UnitKind.SQUAD}
            )
        k = offset + n
        name = SURNAMES[(k * 5) % len(SURNAMES)] + GIVEN[(k * 7) % len(GIVEN)]
        id_number = _id_number(county, k, age, today)
        if Member.objects.filter(team=team, id_number=id_number).exists():
            continue
        member = Member(
            team=team,
            unit=units.get(squad),
            name=name,
            id_number=id_number,
            post=post,
            mobile=f"1393540{k:04d}",
            joined_on=today - dt.timedelta(days=int(365.25 * years) + 30),
            experience_since=today - dt.timedelta(days=int(365.25 * years) + 30),
            is_demo=True,
        )
        member.full_clean()
        member.save()
        created += 1
    return created


def _type(name: str, model: str, category: str, shareable: bool = False) -> EquipmentType:
    kind, _ = EquipmentType.objects.get_or_create(
        name=name, model=model, defaults={"category": category, "shareable": shareable}
    )
    if category == EquipmentCategory.BREATHING:
        for check, days in settings.ANLAN_RESCUE_BREATHING_CHECK_DAYS.items():
            if check in CheckKind.values:
                CheckSchedule.objects.get_or_create(
                    equipment_type=kind, kind=check, defaults={"interval_days": days}
                )
    elif category in (EquipmentCategory.GAS_DETECTION, EquipmentCategory.LIFE_DETECTION):
        CheckSchedule.objects.get_or_create(
            equipment_type=kind, kind=CheckKind.MONTHLY, defaults={"interval_days": 30}
        )
    return kind


def _items(team: Team, kind: EquipmentType, prefix: str, count: int, *, pool=False) -> list:
    items = []
    for n in range(1, count + 1):
        item, _ = EquipmentItem.objects.get_or_create(
            equipment_type=kind,
            serial_number=f"{prefix}-{n:03d}",
            defaults={
                "team": team,
                "card_number": f"KP-{prefix}-{n:03d}",
                "location": "装备库",
                "in_shared_pool": pool,
                "commissioned_on": timezone.localdate() - dt.timedelta(days=400),
                "is_demo": True,
            },
        )
        items.append(item)
    return items


def _equipment(teams: dict[str, Team]) -> int:
    now = timezone.now()
    bg4 = _type("正压氧气呼吸器", "BG4", EquipmentCategory.BREATHING)
    hyz4 = _type("正压氧气呼吸器", "HYZ4", EquipmentCategory.BREATHING)
    detector = _type("便携式多参数气体检测仪", "CD4", EquipmentCategory.GAS_DETECTION)
    life = _type("雷达生命探测仪", "SJ-3000", EquipmentCategory.LIFE_DETECTION, shareable=True)
    drone = _type("多旋翼侦察无人机", "M300", EquipmentCategory.DRONE, shareable=True)
    _type("呼吸器校验仪", "AJ12", EquipmentCategory.TOOLS)
    batches = [
        (XIAOYI_BRIGADE, bg4, "XY-BG4", 14, False),
        (XIAOYI_BRIGADE, detector, "XY-CD4", 6, False),
        (LINGSHI_SQUAD, hyz4, "LS-HYZ4", 12, False),
        (LINGSHI_SQUAD, detector, "LS-CD4", 4, False),
        (XIYANG_SQUAD, hyz4, "XYX-HYZ4", 12, False),
        (XIYANG_SQUAD, detector, "XYX-CD4", 4, False),
        (CITY_BRIGADE, bg4, "JZ-BG4", 30, False),
        (CITY_BRIGADE, life, "JZ-SJ", 2, True),
        (CITY_BRIGADE, drone, "JZ-UAV", 2, True),
        (PART_TIME, hyz4, "XH-HYZ4", 6, False),
    ]
    total = 0
    for team_name, kind, prefix, count, pool in batches:
        items = _items(teams[team_name], kind, prefix, count, pool=pool)
        total += len(items)
        for n, item in enumerate(items):
            if item.checks.exists():
                continue
            # Every check its type needs, recently; the monthly check of Xiaoyi's BG4 #14 is
            # overdue.
            recent = {
                CheckKind.DAILY: now - dt.timedelta(hours=3),
                CheckKind.WEEKLY: now - dt.timedelta(days=2),
                CheckKind.MONTHLY: now - dt.timedelta(days=10),
                CheckKind.CALIBRATION: now - dt.timedelta(days=20),
                CheckKind.MAINTENANCE: now - dt.timedelta(days=20),
            }
            if prefix == "XY-BG4" and n == count - 1:
                recent[CheckKind.MONTHLY] = now - dt.timedelta(days=45)
            checks = [(s.kind, recent[s.kind]) for s in kind.schedules.all()]
            for check, at in checks:
                EquipmentCheck.objects.create(
                    item=item,
                    kind=check,
                    checked_at=at,
                    checker="装备管理员",
                    result=CheckResult.PASS,
                    readings="气瓶压力 20 MPa，正压 300 Pa"
                    if kind.category == EquipmentCategory.BREATHING and check != CheckKind.DAILY
                    else "",
                )
    return total


def _duty(teams: dict[str, Team], today: dt.date) -> None:
    """A 24-hour shift for every active team except the part-time mine team, a week either side."""
    for team in teams.values():
        if team.status != TeamStatus.ACTIVE or team.name == PART_TIME:
            continue
        units = list(team.units.filter(kind=UnitKind.SQUAD).order_by("name"))
        leaders = list(
            team.members.filter(
                post__in=[
                    MemberPost.BRIGADE_COMMANDER,
                    MemberPost.SQUADRON_COMMANDER,
                    MemberPost.DEPUTY_BRIGADE_COMMANDER,
                    MemberPost.DEPUTY_SQUADRON_COMMANDER,
                ]
            ).order_by("post", "name")
        )
        if not leaders:
            continue
        for offset in range(-7, 8):
            day = today + dt.timedelta(days=offset)
            DutyShift.objects.update_or_create(
                team=team,
                day=day,
                shift=Shift.FULL_DAY,
                defaults={
                    "unit": units[offset % len(units)] if units else None,
                    "commander": leaders[offset % len(leaders)],
                    "phone": team.duty_phone,
                    "readiness": Readiness.NORMAL,
                },
            )


def _leader_team(team: Team) -> None:
    """A small duty crew for teams without a member list, so they can be rostered."""
    if team.members.exists():
        return
    county = team.region.code[:6]
    _members(team, county, timezone.localdate(), offset=900 + team.pk * 3)


def _link(team: Team, enterprise) -> None:
    """Link once: adding an existing link would still write a history row."""
    if not team.linked_enterprises.filter(pk=enterprise.pk).exists():
        team.linked_enterprises.add(enterprise)


def build_demo_rescue(*, teams: dict[str, Team], enterprises: dict) -> dict:
    today = timezone.localdate()
    by_name = {e.name.removesuffix(DEMO_MARK): e for e in enterprises.values()}
    for name, spec in DETAILS.items():
        team = teams[name]
        lat, lon, address, caps, staffing, parent, partner, gov, ent, status = spec
        values = {
            "latitude": Decimal(lat),
            "longitude": Decimal(lon),
            "base_address": address,
            "capabilities": caps,
            "staffing": staffing,
            "parent": teams[parent] if parent else None,
            "co_building_enterprise": by_name[partner] if partner else None,
            "government_provides": gov,
            "enterprise_provides": ent,
            "status": status,
            "duty_phone": f"0354-{7000000 + team.pk:07d}",
        }
        if any(getattr(team, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(team, k, v)
            team.full_clean()
            team.save()
        if partner:
            _link(team, by_name[partner])
        if not team.contacts.exists():
            TeamContact.objects.create(
                team=team, name="值班室", role="24小时值班", phone=team.duty_phone
            )  # noqa: E501
    # Mine teams are linked with the safety departments of the mines they serve.
    for e in by_name.values():
        if e.industry == "coal_mine" and e.region.code.startswith("140729"):
            _link(teams[LINGSHI_SQUAD], e)
        if e.industry == "coal_mine" and e.region.code.startswith("140724"):
            _link(teams[XIYANG_SQUAD], e)
    members = 0
    for offset, name in enumerate((CITY_BRIGADE, LINGSHI_SQUAD, XIYANG_SQUAD, XIAOYI_BRIGADE)):
        team = teams[name]
        county = team.region.code[:6] if team.region.code != "140700" else "140702"
        members += _members(team, county, today, offset=offset * 100)
    for team in teams.values():
        if team.status == TeamStatus.ACTIVE and team.name != PART_TIME:
            _leader_team(team)
        # Headcount follows the member list where there is one.
    for team in teams.values():
        _contacts_from_members(team)
    equipment = _equipment(teams)
    _duty(teams, today)
    incidents = _incident(teams, by_name)
    return {"members": members, "equipment": equipment, "incidents": incidents}


def _contacts_from_members(team: Team) -> None:
    top = team.members.filter(
        post__in=[MemberPost.BRIGADE_COMMANDER, MemberPost.SQUADRON_COMMANDER]
    ).first()
    if top and not team.contacts.filter(name=top.name).exists():
        TeamContact.objects.create(
            team=team, name=top.name, role=top.get_post_display(), phone=top.mobile, order=2
        )


def _incident(teams: dict[str, Team], by_name: dict) -> int:
    if Incident.objects.filter(title=INCIDENT_TITLE).exists():
        return 0
    mine = by_name[INCIDENT_MINE.removesuffix(DEMO_MARK)]
    user = User.objects.filter(username="city", is_demo=True).first()
    if user is None:
        return 0
    now = timezone.now()
    occurred = now - dt.timedelta(hours=2, minutes=10)
    incident = dispatch_service.record_incident(
        user=user,
        data={
            "title": INCIDENT_TITLE,
            "kind": IncidentKind.GAS_EXPLOSION,
            "enterprise": mine,
            "region": mine.region,
            "place": "二采区 12205 回采工作面",
            "occurred_at": occurred,
            "reported_at": occurred + dt.timedelta(minutes=4),
            "caller": "矿调度室",
            "trapped": 6,
            "injured": 2,
            "severity": IncidentSeverity.LARGER,
            "description": "回采工作面发生瓦斯爆炸，6 人被困，2 人受伤升井。",
            "is_demo": True,
        },
    )
    notified = occurred + dt.timedelta(minutes=6)
    squad = dispatch_service.dispatch_team(
        user=user, incident=incident, team=teams[LINGSHI_SQUAD], at=notified
    )
    dispatch_service.record_stage(
        user=user,
        dispatch=squad,
        stage=DispatchStage.TURNED_OUT,
        at=notified + dt.timedelta(minutes=1),
    )
    dispatch_service.record_stage(
        user=user,
        dispatch=squad,
        stage=DispatchStage.ARRIVED,
        at=notified + dt.timedelta(minutes=17),
    )
    brigade = dispatch_service.dispatch_team(
        user=user,
        incident=incident,
        team=teams[XIAOYI_BRIGADE],
        at=notified + dt.timedelta(minutes=3),
    )
    dispatch_service.record_stage(
        user=user,
        dispatch=brigade,
        stage=DispatchStage.TURNED_OUT,
        at=notified + dt.timedelta(minutes=4),
    )
    dispatch_service.record_stage(
        user=user,
        dispatch=brigade,
        stage=DispatchStage.ARRIVED,
        at=notified + dt.timedelta(minutes=3 + 64),
        people_rescued=4,
        result="进入灾区侦察，救出被困人员 4 名。",
    )
    dispatch_service.update_incident(
        user=user, incident=incident, data={"rescued": 4, "trapped": 2}, note="搜救继续进行。"
    )
    return 1


def demo_region(code: str) -> Region:
    return Region.objects.get(code=code)
