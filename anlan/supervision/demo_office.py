"""Demo committee office: the city committee of 晋中市 with ten member departments (sectors and
duty lists; the demo ``liaison`` answers for 应急管理局), the county committee of 灵石县 with its
demo townships (double chairs, liaisons) and a few county departments, and 督办 tasks — two
issued by Lingshi last month to all its townships, closed, where 韩信岭乡 answered the second one
late (accepted, not on time) and the others on time; one open Lingshi task this month (汾峪镇
has answered, the others are awaited), and one open city task to three departments.

Safe to run again: units are matched by committee and name, tasks by committee and title."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anlan.core.choices import RegionLevel, UserRole
from anlan.core.models import Region, User

from . import office
from .choices import TaskPriority, UnitKind
from .models import MemberUnit, SupervisionTask

JINZHONG, LINGSHI = "140700", "140729"
MISSED_TOWNSHIP = "韩信岭乡"

# (name, short name, sectors, duties)
CITY_DEPARTMENTS = [
    ("晋中市应急管理局", "市应急局", ["coal_mine", "non_coal_mine", "hazardous_chemicals", "metallurgy", "fireworks"], [
        ("综合监督管理全市安全生产工作，承担市安委会办公室日常工作。", "《中华人民共和国安全生产法》第十条"),
        ("负责煤矿、非煤矿山、危险化学品、烟花爆竹和冶金等工贸行业的安全监管。", ""),
        ("组织开展重大事故隐患排查整治和挂牌督办。", ""),
        ("组织编制应急预案，指导应急救援队伍建设和演练。", ""),
    ]),
    ("晋中市工业和信息化局", "市工信局", ["machinery", "light_industry", "textiles", "building_materials"], [
        ("将安全生产纳入工业行业发展规划和产业政策。", "管行业必须管安全"),
        ("推动淘汰落后工艺、设备和产能，支持企业安全技术改造。", ""),
        ("配合开展工业企业安全生产专项整治。", ""),
    ]),
    ("晋中市住房和城乡建设局", "市住建局", ["construction", "gas_supply", "heating"], [
        ("负责房屋建筑和市政工程施工安全的监督管理。", "《建设工程安全生产管理条例》"),
        ("负责城镇燃气、供热行业安全的监督管理。", "《城镇燃气管理条例》"),
        ("组织开展建筑施工和城镇燃气安全专项整治。", ""),
        ("督促参建单位落实危大工程管控措施。", ""),
    ]),
    ("晋中市交通运输局", "市交通局", [], [
        ("负责道路运输、公路水路建设工程的安全监督管理。", ""),
        ("督促运输企业落实车辆动态监控和驾驶员管理。", ""),
        ("组织开展危险货物道路运输安全整治。", ""),
    ]),
    ("晋中市市场监督管理局", "市市场监管局", ["commerce_trade"], [
        ("负责特种设备安全监察。", "《中华人民共和国特种设备安全法》"),
        ("负责工业产品质量安全和食品生产经营安全监管。", ""),
        ("查处无证照生产经营危险化学品等违法行为。", ""),
    ]),
    ("晋中市教育局", "市教育局", [], [
        ("负责各级各类学校安全工作的指导和监督。", ""),
        ("组织开展校园安全教育和应急疏散演练。", ""),
        ("督促学校落实校车、实验室、食堂安全管理制度。", ""),
    ]),
    ("晋中市公安局", "市公安局", ["crowded_venue"], [
        ("负责道路交通安全管理和民用爆炸物品公共安全管理。", ""),
        ("负责大型群众性活动安全管理。", ""),
        ("依法查处危害公共安全的违法犯罪行为。", ""),
        ("指导公安派出所开展消防监督检查。", ""),
    ]),
    ("晋中市农业农村局", "市农业农村局", ["aquaculture"], [
        ("负责农业机械安全监督管理。", ""),
        ("负责渔业船舶和水产养殖安全的监督管理。", ""),
        ("指导农村沼气等设施安全使用。", ""),
    ]),
    ("晋中市自然资源局", "市自然资源局", ["non_coal_mine"], [
        ("负责地质灾害防治的组织、协调、指导和监督。", ""),
        ("查处无证开采、越界开采等违法行为。", ""),
        ("配合做好矿山资源整合中的安全工作。", ""),
    ]),
    ("晋中市能源局", "市能源局", ["coal_mine", "gas_supply"], [
        ("负责煤矿行业管理，把安全生产作为行业管理的重要内容。", "管行业必须管安全"),
        ("推进煤矿智能化建设和安全技术改造。", ""),
        ("负责电力、油气长输管道保护的行业管理。", ""),
        ("配合开展煤矿安全专项整治。", ""),
    ]),
]  # fmt: skip

LINGSHI_DEPARTMENTS = [
    ("灵石县应急管理局", "县应急局", ["coal_mine", "non_coal_mine", "hazardous_chemicals", "metallurgy"], [
        ("综合监督管理全县安全生产工作，承担县安委会办公室日常工作。", ""),
        ("负责全县工矿商贸行业安全生产监督管理。", ""),
        ("组织全县隐患排查治理和应急演练。", ""),
    ]),
    ("灵石县住房和城乡建设局", "县住建局", ["construction", "gas_supply", "heating"], [
        ("负责全县建筑施工、城镇燃气、供热安全的监督管理。", ""),
        ("组织燃气用户安全检查和隐患整改。", ""),
        ("督促施工企业落实安全生产主体责任。", ""),
    ]),
    ("灵石县交通运输局", "县交通局", [], [
        ("负责全县道路运输和公路建设工程安全监督管理。", ""),
        ("督促客货运企业落实安全生产制度。", ""),
        ("组织开展农村公路安全隐患排查。", ""),
    ]),
]  # fmt: skip

# township suffix → (party secretary, head, liaison, phone)
TOWNSHIP_PEOPLE = {
    "190": ("郭建华", "李志刚", "王强", "0354-7220190"),
    "191": ("刘文斌", "张晓东", "韩梅", "0354-7220191"),
    "192": ("马俊峰", "赵永红", "杨帆", "0354-7220192"),
}

TOWNSHIP_DUTIES = [
    ("统筹本乡镇安全生产工作，落实党政同责、一岗双责。", "《地方党政领导干部安全生产责任制规定》"),
    ("组织辖区内企业和村（社区）开展隐患排查治理。", ""),
    ("做好辖区内应急准备和先期处置。", ""),
    ("落实网格化安全监管，按时报送安全生产信息。", ""),
]


def _unit(committee, name, kind, *, short="", sectors=(), duties=(), township=None, people=None):
    unit = MemberUnit.objects.filter(committee_region=committee, name=name).first()
    if unit is not None:
        return unit, False
    party, head, liaison, phone = people or ("", "", "", "")
    unit = MemberUnit(
        committee_region=committee,
        name=name,
        kind=kind,
        short_name=short,
        township=township,
        sectors=list(sectors),
        party_chair=party,
        admin_chair=head,
        liaison_name=liaison,
        liaison_phone=phone,
    )
    unit.full_clean()
    unit.save()
    for order, (text, basis) in enumerate(duties, start=1):
        unit.duties.create(order=order, text=text, basis=basis)
    return unit, True


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build_demo_office(regions: dict[str, Region] | None = None) -> dict:
    """Create (or leave as they are) the demo member units and 督办 tasks. Returns counts of what
    this run created, and the name of the township that missed a deadline last month."""
    regions = regions or {}

    def region(code):
        return regions.get(code) or Region.objects.get(code=code)

    city, lingshi = region(JINZHONG), region(LINGSHI)
    admin = User.objects.filter(role=UserRole.SYSTEM_ADMIN, is_active=True).first()
    issuer = User.objects.filter(username="lingshi", is_active=True).first() or admin
    city_issuer = User.objects.filter(username="city", is_active=True).first() or admin
    created = {"units": 0, "tasks": 0}
    with transaction.atomic():
        city_units = {}
        for order, (name, short, sectors, duties) in enumerate(CITY_DEPARTMENTS, start=1):
            unit, new = _unit(
                city, name, UnitKind.DEPARTMENT, short=short, sectors=sectors, duties=duties
            )
            if new:
                unit.order = order
                unit.liaison_name, unit.liaison_phone = "联络员", f"0354-32{order:05d}"
                unit.save(update_fields=["order", "liaison_name", "liaison_phone"])
            city_units[name] = unit
            created["units"] += new
        liaison = User.objects.filter(
            username="liaison", role=UserRole.MEMBER_UNIT_LIAISON, is_active=True
        ).first()
        emergency = city_units["晋中市应急管理局"]
        if liaison is not None:
            emergency.liaisons.add(liaison)
            if not emergency.liaison_name or emergency.liaison_name == "联络员":
                emergency.liaison_name = "赵丽"
                emergency.save(update_fields=["liaison_name"])
        towns = []
        for town in Region.objects.filter(
            parent=lingshi, level=RegionLevel.TOWNSHIP, is_fictional=True
        ).order_by("code"):
            people = TOWNSHIP_PEOPLE.get(town.code[-3:])
            unit, new = _unit(
                lingshi,
                town.name,
                UnitKind.TOWNSHIP,
                township=town,
                duties=TOWNSHIP_DUTIES,
                people=people,
            )
            towns.append(unit)
            created["units"] += new
        for name, short, sectors, duties in LINGSHI_DEPARTMENTS:
            _u, new = _unit(
                lingshi, name, UnitKind.DEPARTMENT, short=short, sectors=sectors, duties=duties
            )
            created["units"] += new
        if towns and issuer is not None:
            created["tasks"] += _lingshi_tasks(lingshi, towns, issuer, admin)
        if city_issuer is not None:
            created["tasks"] += _city_task(city, city_units, city_issuer)
    return {"created": created, "missed": MISSED_TOWNSHIP}


def _answerer(assignment, fallback):
    """Who answers for the unit in the demo: its township supervisor or liaison, else admin."""
    people = [
        u for u in office.unit_recipients(assignment.unit) if office.may_answer(u, assignment)
    ]
    return people[0] if people else fallback


def _lingshi_tasks(lingshi, towns, issuer, admin) -> int:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    made = 0
    specs = [
        (
            "开展冬季燃气安全隐患排查",
            "各乡镇对辖区内燃气用户、餐饮场所开展一次全覆盖排查，建立隐患台账，"
            "反馈排查户数、发现隐患数和整改情况，附现场照片。",
            last_month.replace(day=3),
            last_month.replace(day=12),
            {},
        ),
        (
            "报送上月安全生产网格化巡查情况",
            "各乡镇汇总上月网格员巡查次数、发现问题和处置情况，报县安委办。",
            last_month.replace(day=10),
            last_month.replace(day=20),
            {MISSED_TOWNSHIP: 3},  # answered three days late
        ),
    ]
    for title, body, issued, deadline, late in specs:
        if SupervisionTask.objects.filter(region=lingshi, title=title).exists():
            continue
        task = office.issue_task(
            user=issuer,
            region=lingshi,
            title=title,
            body=body,
            deadline=deadline,
            all_townships=True,
            now=_at(issued, 9),
        )
        for a in task.assignments.select_related("unit"):
            days_late = late.get(a.unit.name)
            submitted = (
                _at(deadline + dt.timedelta(days=days_late), 16)
                if days_late
                else _at(deadline - dt.timedelta(days=2), 10)
            )
            office.submit_feedback(
                assignment=a,
                user=_answerer(a, admin),
                feedback=f"{a.unit.name}已按要求完成，情况见附件台账。",
                now=submitted,
            )
            office.accept_feedback(
                assignment=a,
                user=issuer,
                comment="逾期报送，予以通报。" if days_late else "",
                now=submitted + dt.timedelta(hours=20),
            )
        office.close_task(task=task, user=issuer, now=_at(deadline + dt.timedelta(days=5), 17))
        made += 1
    title = "落实岁末年初安全生产“十五条”措施"
    if not SupervisionTask.objects.filter(region=lingshi, title=title).exists():
        now = timezone.now()
        issued = max(_at(this_month, 9), now - dt.timedelta(days=2))
        task = office.issue_task(
            user=issuer,
            region=lingshi,
            title=title,
            body="各乡镇制定落实方案，明确责任人和完成时限，组织一次辖区重点企业检查，"
            "反馈检查企业数、发现隐患及整改情况。",
            deadline=today + dt.timedelta(days=7),
            priority=TaskPriority.URGENT,
            all_townships=True,
            now=min(issued, now),
        )
        first = task.assignments.select_related("unit").order_by("unit__township__code").first()
        if first is not None:
            office.submit_feedback(
                assignment=first,
                user=_answerer(first, admin),
                feedback="已制定方案，检查重点企业5家，发现隐患3项，已整改2项。",
                now=now,
            )
        made += 1
    return made


def _city_task(city, units, issuer) -> int:
    title = "开展危险化学品和燃气领域安全专项检查"
    if SupervisionTask.objects.filter(region=city, title=title).exists():
        return 0
    chosen = [
        units[n] for n in ("晋中市应急管理局", "晋中市住房和城乡建设局", "晋中市市场监督管理局")
    ]
    office.issue_task(
        user=issuer,
        region=city,
        title=title,
        body="各成员单位按照职责分工组织专项检查，于期限内反馈检查情况和问题清单。",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        units=chosen,
    )
    return 1
