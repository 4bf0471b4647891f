"""Demo risk points (all four colours), their control measures and a few checks, for the demo
enterprises. Idempotent: points are found by (enterprise, name) and measures by (point, text),
and only missing ones are created, through the same services as the web pages.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .choices import CheckResult, PersonPost
from .models import ControlMeasure, Enterprise, RiskPoint
from .risks import record_check, save_measure, save_risk_point

LEC, LS = "lec", "ls"

# enterprise (demo name without the mark) → points:
# (name, kind, location, factors, (method, values), measures: (text, frequency, every_days,
#  first due in days from today (negative: already overdue), post of the responsible person or
#  None for a named person))
DEMO_RISKS = {
    "山西灵石汾峪煤业有限公司": (
        (
            "12306综采工作面",
            "activity",
            "井下二采区",
            ("瓦斯积聚", "顶板冒落", "煤尘爆炸"),
            (LEC, {"lec_l": "3", "lec_e": "6", "lec_c": "40"}),  # D = 720: red
            (
                (
                    "每班检查瓦斯浓度并记录，超限立即停电撤人",
                    "daily",
                    None,
                    -2,
                    PersonPost.SAFETY_CHIEF,
                ),
                ("每周检查液压支架初撑力和顶板离层仪读数", "weekly", None, 0, PersonPost.PRINCIPAL),
            ),
        ),
        (
            "主通风机房",
            "equipment",
            "工业广场北侧",
            ("主通风机停运导致瓦斯积聚",),
            (LS, {"ls_l": "3", "ls_s": "4"}),  # R = 12: orange
            (("每月进行主备风机切换试验", "monthly", None, 5, None),),
        ),
        (
            "井下中央变电所",
            "place",
            "井底车场",
            ("触电", "电气火灾"),
            (LEC, {"lec_l": "1", "lec_e": "6", "lec_c": "15"}),  # D = 90: yellow
            (("每10天检查漏电保护和接地电阻", "every_n_days", 10, 0, PersonPost.SAFETY_CHIEF),),
        ),
        (
            "地面办公楼",
            "place",
            "工业广场",
            ("火灾",),
            (LS, {"ls_l": "1", "ls_s": "3"}),  # R = 3: blue
            (("每季度检查消防器材和疏散通道", "quarterly", None, 30, PersonPost.SAFETY_CHIEF),),
        ),
    ),
    "灵石县汾峪焦化有限公司": (
        (
            "焦炉煤气柜",
            "equipment",
            "煤气净化区",
            ("煤气泄漏中毒", "火灾爆炸"),
            (LEC, {"lec_l": "3", "lec_e": "6", "lec_c": "15"}),  # D = 270: orange
            (
                (
                    "每日巡检煤气柜活塞高度和可燃气体报警仪",
                    "daily",
                    None,
                    -1,
                    PersonPost.OPERATIONS_LEAD,
                ),
            ),
        ),
        (
            "粗苯储罐区",
            "place",
            "化产回收区",
            ("易燃液体泄漏", "静电火花"),
            (LS, {"ls_l": "3", "ls_s": "4"}),  # R = 12: orange
            (
                (
                    "每周检查罐区防火堤、呼吸阀和静电接地",
                    "weekly",
                    None,
                    0,
                    PersonPost.TECHNICAL_LEAD,
                ),
            ),
        ),
    ),
    "灵石县翠华木业有限公司": (
        (
            "砂光除尘系统",
            "equipment",
            "砂光车间",
            ("木粉尘爆炸",),
            (LEC, {"lec_l": "3", "lec_e": "6", "lec_c": "7"}),  # D = 126: yellow
            (("每日清扫作业场所积尘，每周检查除尘器泄爆和锁气装置", "daily", None, -4, None),),
        ),
    ),
    "运城市盐湖区盐池铝业有限公司": (
        (
            "深井铸造机",
            "equipment",
            "铸造车间",
            ("铝液遇水爆炸",),
            (LS, {"ls_l": "4", "ls_s": "5"}),  # R = 20: red
            (
                (
                    "每次浇铸前检查冷却水压力、流量报警和紧急排放装置",
                    "daily",
                    None,
                    0,
                    PersonPost.SAFETY_CHIEF,
                ),
            ),
        ),
    ),
    "介休市汾源购物广场": (
        (
            "地下停车场",
            "place",
            "负一层",
            ("火灾", "人员踩踏"),
            (LEC, {"lec_l": "1", "lec_e": "3", "lec_c": "15"}),  # D = 45: blue
            (
                (
                    "每月检查应急照明、疏散指示和喷淋系统",
                    "monthly",
                    None,
                    10,
                    PersonPost.SAFETY_CHIEF,
                ),
            ),
        ),
    ),
}
NAMED_PERSON = {"person_name": "赵安全（班组长）", "person_mobile": "13900000001"}


def build_demo_risks(*, enterprises: dict[str, Enterprise], actor) -> int:
    """Create the missing demo risk points and measures; returns how many points were created.

    ``enterprises`` maps demo names (without the mark) to Enterprise, as in ``core.demo``;
    ``actor`` is a user who may edit them all (the demo system administrator).
    """
    created = 0
    today = timezone.localdate()
    for enterprise_name, points in DEMO_RISKS.items():
        enterprise = enterprises.get(enterprise_name)
        if enterprise is None:
            continue
        for name, kind, location, factors, (method, values), measures in points:
            point = RiskPoint.objects.filter(enterprise=enterprise, name=name).first()
            if point is None:
                data = {
                    "name": name,
                    "kind": kind,
                    "location": location,
                    "hazard_factors": list(factors),
                    "method": method,
                    **values,
                }
                point = save_risk_point(user=actor, enterprise=enterprise, data=data)
                created += 1
            for text, frequency, every_days, first_due, post in measures:
                if ControlMeasure.objects.filter(risk_point=point, text=text).exists():
                    continue
                person = enterprise.responsible_persons.filter(post=post).first() if post else None
                data = {
                    "text": text,
                    "frequency": frequency,
                    "every_days": every_days,
                    "starts_on": today + dt.timedelta(days=first_due),
                    **({"person": person} if person else NAMED_PERSON),
                }
                measure = save_measure(user=actor, point=point, data=data)
                if first_due > 0 and frequency != "daily":
                    # A check done last period, so the history is not empty.
                    record_check(
                        user=actor,
                        measure=measure,
                        result=CheckResult.PASS,
                        note="检查正常。",
                        now=timezone.now() - dt.timedelta(days=1),
                    )
    return created
