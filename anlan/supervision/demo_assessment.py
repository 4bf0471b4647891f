"""Demo assessments: the Lingshi county committee's monthly scheme for its townships (hazards,
督办 tasks, commitments, trainings, drills, a manual item with evidence, a bonus, a deduction for
accidents against the quota, and the one-vote veto), a half-year scheme that rolls the monthly
totals up, and last month's assessment of Lingshi's township units computed and signed off.

Runs after the office demo (``build_demo_office``), whose township units and 督办 tasks it
scores — one township missed a task last month, so its deduction shows and it ranks lower.
Idempotent: schemes are found by name, a scheme's items are created once, signed assessments
are never recomputed. Without Lingshi township units it does nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from anlan.core.choices import UserRole
from anlan.core.models import Region, User

from . import assessment as services
from . import periods
from .choices import AssessmentState, IndicatorKind, IndicatorSource, ScoringRule, UnitKind
from .models import Assessment, AssessmentScheme, MemberUnit, local_today

LINGSHI = "140729"
MONTHLY = "乡镇安全生产月度考核"
HALF_YEAR = "乡镇安全生产半年考核"

G, S, B, D, V = (
    IndicatorKind.GROUP,
    IndicatorKind.SCORED,
    IndicatorKind.BONUS,
    IndicatorKind.DEDUCTION,
    IndicatorKind.VETO,
)
C, M, R = IndicatorSource.COMPUTED, IndicatorSource.MANUAL, IndicatorSource.ROLLUP
LIN, PER, THR, DIR = (
    ScoringRule.LINEAR,
    ScoringRule.PER_UNIT,
    ScoringRule.THRESHOLD,
    ScoringRule.DIRECT,
)

# (code, parent, name, kind, weight, source, metric, rule, params, guidance)
MONTHLY_ITEMS = [
    ("1", None, "隐患排查治理", G, 35, M, "", DIR, {}, ""),
    (
        "1.1",
        "1",
        "隐患整改率",
        S,
        20,
        C,
        "rectification_rate",
        LIN,
        {"floor": 60, "target": 100},
        "整改率60%以下不得分，100%得满分，其间按比例计分。",
    ),
    (
        "1.2",
        "1",
        "超期未整改隐患",
        D,
        10,
        C,
        "overdue_hazards",
        PER,
        {"per_unit": 2},
        "月末超期未整改隐患每项扣2分，最多扣10分。",
    ),
    (
        "1.3",
        "1",
        "重大隐患清零",
        S,
        15,
        C,
        "open_major_hazards",
        THR,
        {"threshold": 0, "at_most": True},
        "月末无未销号重大隐患得满分。",
    ),
    ("2", None, "督办任务落实", G, 25, M, "", DIR, {}, ""),
    (
        "2.1",
        "2",
        "督办任务按期完成率",
        S,
        25,
        C,
        "tasks_on_time_rate",
        LIN,
        {"floor": 0, "target": 100},
        "按期反馈并通过验收的比例。",
    ),
    (
        "2.2",
        "2",
        "督办任务未按期完成",
        D,
        15,
        C,
        "tasks_missed",
        PER,
        {"per_unit": 5},
        "期限届满未按期完成的督办任务每项扣5分。",
    ),
    ("3", None, "承诺、培训与演练", G, 25, M, "", DIR, {}, ""),
    (
        "3.1",
        "3",
        "企业安全承诺率",
        S,
        10,
        C,
        "commitment_rate",
        LIN,
        {"floor": 80, "target": 100},
        "重大危险源企业每日安全承诺。",
    ),
    ("3.2", "3", "安全培训", S, 8, C, "trainings", THR, {"threshold": 1}, "当月至少开展1场培训。"),
    ("3.3", "3", "应急演练", S, 7, C, "drills", THR, {"threshold": 1}, "当月至少开展1次演练。"),
    (
        "4",
        None,
        "安全生产责任制落实",
        S,
        15,
        M,
        "",
        DIR,
        {},
        "党政同责、一岗双责落实情况，依会议纪要、检查记录评分。",
    ),
    (
        "5",
        None,
        "工作创新被上级推广",
        B,
        3,
        M,
        "",
        PER,
        {"per_unit": 1.5},
        "每项加1.5分，最多加3分。",
    ),
    (
        "6",
        None,
        "生产安全事故超控制指标",
        D,
        20,
        M,
        "",
        PER,
        {"per_unit": 10},
        "平台无事故台账：按应急管理部门事故统计人工填报，超出控制指标每起扣10分。",
    ),
    (
        "7",
        None,
        "较大及以上事故或瞒报",
        V,
        0,
        M,
        "",
        THR,
        {"threshold": 1},
        "发生较大及以上生产安全事故或瞒报、谎报事故的，一票否决。",
    ),
]

HALF_ITEMS = [
    (
        "1",
        None,
        "月度考核平均分",
        S,
        80,
        R,
        "",
        DIR,
        {},
        "半年内各月考核得分（已签发优先）的平均值按比例折算。",
    ),
    ("2", None, "半年工作总结及台账", S, 20, M, "", DIR, {}, "依总结报告、台账资料评分。"),
    ("3", None, "较大及以上事故或瞒报", V, 0, M, "", THR, {"threshold": 1}, ""),
]

# Points of the manual item "安全生产责任制落实" by township order (evidence below).
RESPONSIBILITY = [Decimal("14"), Decimal("13.5"), Decimal("12"), Decimal("14.5"), Decimal("13")]


def _office_user(region) -> User | None:
    return (
        User.objects.filter(username="lingshi", is_active=True).first()
        or User.objects.filter(
            region=region, role=UserRole.COUNTY_REGULATOR, is_active=True
        ).first()
        or User.objects.filter(role=UserRole.SYSTEM_ADMIN, is_active=True).first()
    )


def _scheme(region, name, period, items) -> AssessmentScheme:
    scheme, _ = AssessmentScheme.objects.get_or_create(
        region=region,
        period=period,
        name=name,
        defaults={"applies_to": UnitKind.TOWNSHIP, "note": "演示考核方案（虚构）"},
    )
    if scheme.indicators.exists():
        return scheme
    made = {}
    for order, (
        code,
        parent,
        title,
        kind,
        weight,
        source,
        metric,
        rule,
        params,
        guide,
    ) in enumerate(items):
        made[code] = scheme.indicators.create(
            code=code,
            parent=made.get(parent),
            name=title,
            kind=kind,
            weight=Decimal(weight),
            source=source,
            metric=metric,
            rule=rule,
            params=params,
            guidance=guide,
            order=order,
        )
    return scheme


@transaction.atomic
def build_demo_assessment(*, today: dt.date | None = None) -> dict[str, int]:
    """Create the demo schemes and last month's signed assessments of Lingshi's townships."""
    region = Region.objects.filter(code=LINGSHI).first()
    if region is None:
        return {}
    units = list(
        MemberUnit.objects.filter(committee_region=region, kind=UnitKind.TOWNSHIP).order_by(
            "order", "name"
        )
    )
    if not units:
        return {}
    monthly = _scheme(region, MONTHLY, "month", MONTHLY_ITEMS)
    half = _scheme(region, HALF_YEAR, "half", HALF_ITEMS)
    user = _office_user(region)
    if user is None:
        return {"schemes": 2, "assessments": 0}
    today = today or local_today()
    last_month = periods.add_months(today.replace(day=1), -1)
    run = services.compute(monthly, last_month)
    responsibility = monthly.indicators.get(code="4")
    bonus = monthly.indicators.get(code="5")
    accidents = monthly.indicators.get(code="6")
    veto = monthly.indicators.get(code="7")
    no_accident = "县应急管理局事故统计：本月未发生生产安全事故（演示）"
    signed = 0
    for index, a in enumerate(
        Assessment.objects.filter(scheme=monthly, period_start=run.period_start)
        .select_related("unit")
        .order_by("unit__order", "unit__name")
    ):
        if a.state == AssessmentState.DRAFT:
            services.enter_score(
                user=user,
                assessment=a,
                indicator=responsibility,
                value=RESPONSIBILITY[index % len(RESPONSIBILITY)],
                evidence="党委会、政府常务会研究安全生产各1次，会议纪要；领导带队检查记录（演示）",
            )
            for indicator in (accidents, veto):
                services.enter_score(
                    user=user, assessment=a, indicator=indicator, value=0, evidence=no_accident
                )
            if index == 0:
                services.enter_score(
                    user=user,
                    assessment=a,
                    indicator=bonus,
                    value=1,
                    evidence="“安全积分超市”做法被县安委办简报推广（演示）",
                )
            a.refresh_from_db()
            services.submit(user=user, assessment=a)
            a.refresh_from_db()
        if a.state == AssessmentState.REVIEW:
            services.sign(user=user, assessment=a, comment="经县安委办审核，同意。")
        signed += 1
    # The half-year of last month: drafts rolling up the months computed so far.
    services.compute(half, last_month)
    return {
        "schemes": 2,
        "assessments": Assessment.objects.filter(scheme__region=region).count(),
        "signed": signed,
    }
