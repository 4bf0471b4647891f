"""Demo trainings, expert visits and the 2026 safety-production month (安全生产月) of 晋中市.

- Trainings from 1 January of this year to today in every demo county (a fixed seed per county
  and week, so a second run finds the same records and adds none): mostly principal persons'
  lectures (主要负责人讲安全), with thematic, skills and outsourced / dispatched /
  flexible-worker trainings, some at the demo enterprises — so that "in the first half,
  principal persons gave N lectures to about M person-times" is a real figure;
- a few expert assistance visits by domain at demo enterprises;
- the 2026 安全生产月 campaign of 晋中市 (1–30 June) with 8 numbered items assigned to the city
  committee's member units (looked up by name; missing ones are left out), and 五进,
  consultation-day and open-class activities with their counts.

``build_demo_activities(regions)`` is idempotent: records are found by their natural keys."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anlan.core.models import Region
from anlan.registry.models import Enterprise

from .choices import ActivityKind, ExpertDomain, ItemState, TrainingKind
from .models import (
    Campaign,
    CampaignActivity,
    CampaignItem,
    ExpertVisit,
    MemberUnit,
    TrainingSession,
)

JINZHONG = "140700"
SEED = 20260601
CAMPAIGN_TITLE = "2026年晋中市“安全生产月”活动"
CAMPAIGN_THEME = "人人讲安全、个个会应急——查找身边安全隐患"

# (kind, chance per county and week, person-times range, title)
TRAINING_PLAN = (
    (TrainingKind.PRINCIPAL_LECTURE, 0.75, (45, 105), "主要负责人讲安全"),
    (TrainingKind.THEMATIC, 0.30, (30, 90), "安全生产专题培训"),
    (TrainingKind.SKILLS, 0.25, (20, 60), "特种作业技能培训"),
    (TrainingKind.OUTSOURCED, 0.10, (15, 45), "外包施工人员安全培训"),
    (TrainingKind.DISPATCHED, 0.08, (10, 35), "劳务派遣人员安全培训"),
    (TrainingKind.FLEXIBLE, 0.08, (10, 40), "灵活用工人员安全培训"),
)
LECTURERS = ("张建国", "王志刚", "李红梅", "赵卫东", "刘海涛", "陈晓明", "杨立新", "周文华")

DOMAIN_BY_INDUSTRY = {
    "coal_mine": ExpertDomain.MINING,
    "non_coal_mine": ExpertDomain.MINING,
    "hazardous_chemicals": ExpertDomain.HAZCHEM,
    "metallurgy": ExpertDomain.METAL_SMELTING,
    "non_ferrous": ExpertDomain.METAL_SMELTING,
    "gas_supply": ExpertDomain.GAS,
    "light_industry": ExpertDomain.DUST,
    "machinery": ExpertDomain.DUST,
    "building_materials": ExpertDomain.DUST,
    "crowded_venue": ExpertDomain.FIRE,
    "heating": ExpertDomain.CONFINED_SPACE,
    "aquaculture": ExpertDomain.CONFINED_SPACE,
}

# number, title, responsible units (names in the city committee), start, end, progress, note
ITEMS = (
    (1, "集中学习宣传贯彻习近平总书记关于安全生产的重要论述", ("应急管理局",), (6, 1), (6, 10), 100, "各成员单位已组织专题学习。"),
    (2, "开展“主要负责人讲安全”活动，企业主要负责人带头讲一堂安全课", ("应急管理局", "工业和信息化局", "能源局"), (6, 1), (6, 30), 100, "规上企业主要负责人全部完成授课。"),
    (3, "组织“安全宣传咨询日”集中活动", ("应急管理局", "市场监督管理局", "公安局"), (6, 16), (6, 16), 100, "6月16日在市区主会场和各县设分会场。"),
    (4, "开展安全知识“进企业、进农村、进社区、进学校、进家庭”活动", ("教育局", "农业农村局", "应急管理局"), (6, 1), (6, 30), 100, ""),
    (5, "举办“安全生产公开课”和应急演练观摩", ("应急管理局", "交通运输局"), (6, 10), (6, 25), 100, ""),
    (6, "开展重大事故隐患专项排查整治", ("住房和城乡建设局", "能源局", "自然资源局", "工业和信息化局"), (6, 1), (7, 31), 80, "已排查企业 1,260 家，尚有部分隐患在整改中。"),
    (7, "开展城镇燃气安全专项检查", ("住房和城乡建设局", "市场监督管理局"), (6, 1), (6, 30), 100, ""),
    (8, "开展消防安全和道路交通安全警示宣传", ("公安局", "交通运输局"), (6, 1), (6, 30), 100, ""),
)  # fmt: skip

# kind, title, county share of events, person-times per event, materials per event
ACTIVITY_PLAN = (
    (ActivityKind.INTO_ENTERPRISES, "安全生产进企业宣讲", (2, 5), (40, 120), (100, 300)),
    (ActivityKind.INTO_RURAL, "安全知识进农村", (2, 4), (60, 150), (150, 400)),
    (ActivityKind.INTO_COMMUNITIES, "应急科普进社区", (2, 4), (50, 130), (120, 350)),
    (ActivityKind.INTO_SCHOOLS, "安全教育进校园", (1, 3), (150, 400), (200, 500)),
    (ActivityKind.INTO_FAMILIES, "安全常识进家庭", (1, 3), (30, 80), (100, 250)),
    (ActivityKind.OPEN_CLASS, "安全生产公开课", (1, 2), (80, 200), (50, 120)),
)


def _counties(regions) -> list[Region]:
    values = regions.values() if isinstance(regions, dict) else regions
    return sorted(
        (r for r in values if r.level == "county"),
        key=lambda r: r.code,
    )


def _units(names) -> dict[str, MemberUnit]:
    """The city's member units by short name: "应急管理局" is the office demo's 晋中市应急管理局."""
    names = list(names)
    full = {f"晋中市{n}": n for n in names} | {n: n for n in names}
    return {
        full[u.name]: u
        for u in MemberUnit.objects.filter(committee_region__code=JINZHONG, name__in=list(full))
    }


def _trainings(counties, today: dt.date) -> int:
    start = dt.date(today.year, 1, 1)
    enterprises: dict[str, list[Enterprise]] = {}
    for e in Enterprise.objects.filter(is_demo=True).select_related("region").order_by("name"):
        enterprises.setdefault(e.region.prefix[:6], []).append(e)
    planned = []
    week = start
    while week <= today:
        for county in counties:
            rng = random.Random(f"{SEED}-{county.code}-{week.isoformat()}")
            for kind, chance, (low, high), title in TRAINING_PLAN:
                if rng.random() >= chance:
                    continue
                day = week + dt.timedelta(days=rng.randrange(5))
                if day > today:
                    continue
                people = rng.randint(low, high)
                enterprise = None
                pool = enterprises.get(county.code, [])
                if pool and kind != TrainingKind.PRINCIPAL_LECTURE and rng.random() < 0.4:
                    enterprise = pool[rng.randrange(len(pool))]
                label = f"{county.name}{title}（第{week.isocalendar()[1]}周）"
                if enterprise is not None:
                    label = f"{enterprise.name}{title}"
                planned.append(
                    TrainingSession(
                        region=enterprise.region if enterprise else county,
                        enterprise=enterprise,
                        kind=kind,
                        title=label[:200],
                        date=day,
                        lecturer=LECTURERS[rng.randrange(len(LECTURERS))],
                        place=f"{county.name}应急管理局会议室"
                        if enterprise is None
                        else "企业培训室",
                        sessions=1,
                        participants=people,
                        hours=Decimal(rng.choice((2, 2, 3, 4))),
                    )
                )
        week += dt.timedelta(days=7)
    existing = set(
        TrainingSession.objects.filter(date__gte=start).values_list(
            "region_id", "kind", "date", "title"
        )
    )
    new = [t for t in planned if (t.region.pk, t.kind, t.date, t.title) not in existing]
    TrainingSession.objects.bulk_create(new, batch_size=500)
    return len(new)


def _visits(today: dt.date) -> int:
    rng = random.Random(SEED)
    created = 0
    enterprises = list(
        Enterprise.objects.filter(is_demo=True, region__code__startswith="1407")
        .select_related("region")
        .order_by("name")[:10]
    )
    unit = _units(["应急管理局"]).get("应急管理局")
    for index, enterprise in enumerate(enterprises):
        domain = DOMAIN_BY_INDUSTRY.get(enterprise.industry, ExpertDomain.OTHER)
        day = dt.date(today.year, 1 + index % 12, 8 + index)
        if day > today:
            continue
        problems = rng.randint(2, 9)
        _visit, made = ExpertVisit.objects.get_or_create(
            enterprise=enterprise,
            domain=domain,
            date=day,
            defaults={
                "region": enterprise.region,
                "experts": "、".join(rng.sample(LECTURERS, 2)) + "（市安全生产专家库）",
                "organiser": unit,
                "problems_found": problems,
                "findings": f"现场检查发现问题 {problems} 项，已当场反馈企业并提出整改建议。",
            },
        )
        created += made
    return created


def _campaign(counties, today: dt.date) -> tuple[int, int]:
    city = Region.objects.filter(code=JINZHONG).first()
    if city is None:
        return 0, 0
    campaign, made = Campaign.objects.get_or_create(
        region=city,
        title=CAMPAIGN_TITLE,
        defaults={
            "theme": CAMPAIGN_THEME,
            "start": dt.date(2026, 6, 1),
            "end": dt.date(2026, 6, 30),
            "description": (
                "按照国务院安委会办公室部署，全市以“安全生产月”为载体，集中开展学习宣传、"
                "主要负责人讲安全、安全宣传咨询日、“五进”、公开课和隐患排查整治等活动。"
            ),
        },
    )
    units = _units({n for item in ITEMS for n in item[2]})
    for number, title, names, start, end, progress, note in ITEMS:
        if campaign.end < today or progress < 100:
            state = ItemState.DONE if progress == 100 else ItemState.IN_PROGRESS
        else:
            state = ItemState.IN_PROGRESS
            progress = min(progress, 60)
        item, made_item = CampaignItem.objects.get_or_create(
            campaign=campaign,
            number=number,
            defaults={
                "title": title,
                "start": dt.date(2026, *start),
                "end": dt.date(2026, *end),
                "progress": progress,
                "state": state,
                "progress_note": note,
            },
        )
        if made_item or not item.units.exists():
            item.units.set([units[n] for n in names if n in units])
    created = 0
    if campaign.start > today:
        return int(made), 0
    rng = random.Random(SEED + 1)
    organiser = units.get("应急管理局")
    jinzhong_counties = [c for c in counties if c.code.startswith("1407")]
    planned = [
        (city, ActivityKind.CONSULTATION_DAY, "“安全宣传咨询日”市级主会场", dt.date(2026, 6, 16), 1, 2600, 12000)
    ]  # fmt: skip
    for county in jinzhong_counties:
        planned.append(
            (
                county,
                ActivityKind.CONSULTATION_DAY,
                f"{county.name}“安全宣传咨询日”分会场",
                dt.date(2026, 6, 16),
                1,
                rng.randint(600, 1500),
                rng.randint(2000, 5000),
            )
        )
        for kind, title, (lo, hi), (plo, phi), (mlo, mhi) in ACTIVITY_PLAN:
            events = rng.randint(lo, hi)
            day = dt.date(2026, 6, rng.randint(2, 28))
            planned.append(
                (
                    county,
                    kind,
                    f"{county.name}{title}",
                    day,
                    events,
                    events * rng.randint(plo, phi),
                    events * rng.randint(mlo, mhi),
                )
            )
    for region, kind, title, day, events, people, materials in planned:
        if day > today:
            continue
        _activity, made_activity = CampaignActivity.objects.get_or_create(
            campaign=campaign,
            region=region,
            kind=kind,
            date=day,
            title=title,
            defaults={
                "organiser": organiser if region == city else None,
                "events": events,
                "participants": people,
                "materials": materials,
            },
        )
        created += made_activity
    return int(made), created


@transaction.atomic
def build_demo_activities(regions) -> dict:
    """Create (or complete) the demo trainings, expert visits and the 2026 安全生产月 of 晋中市.
    ``regions``: the demo regions (a {code: Region} dict or an iterable). Returns the number of
    records of each kind this run created."""
    today = timezone.localdate()
    counties = _counties(regions)
    trainings = _trainings(counties, today)
    visits = _visits(today)
    campaigns, activities = _campaign(counties, today)
    return {
        "trainings": trainings,
        "expert_visits": visits,
        "campaigns": campaigns,
        "campaign_activities": activities,
    }
