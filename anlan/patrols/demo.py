"""Demo online patrols for demo enterprises with major hazard sources: a county patrol that
found a problem (and so opened a hazard), a township spot check with nothing found, a recent
city patrol, and an enterprise last patrolled by the city 40 days ago — overdue at city level."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anlan.core.models import User
from anlan.hazards.choices import HazardCategory, HazardLevel

from . import services
from .choices import PatrolItem, PatrolKind, PatrolResult
from .models import OnlinePatrol

LINGSHI_COKING = "灵石县汾峪焦化有限公司"
JIEXIU_COKING = "山西介休汾东焦化有限公司"
XIYANG_FOOD = "昔阳县松溪肉类食品有限公司"
MARK = "（演示）"


def build_demo_patrols(*, enterprises: dict) -> int:
    """Returns how many patrols were created (none on a re-run)."""
    if OnlinePatrol.objects.filter(summary__endswith=MARK).exists():
        return 0
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate()
    city = User.objects.get(username="city")
    county = User.objects.get(username="lingshi")
    township = User.objects.get(username="township")
    plan = [
        (
            county,
            LINGSHI_COKING,
            PatrolKind.PATROL,
            3,
            [PatrolItem.READINGS, PatrolItem.ALARMS, PatrolItem.VIDEO],
            "苯储罐区液位高报警两小时未处置，视频显示罐区巡检记录缺失。",
            [
                {
                    "description": "苯储罐液位高报警未在规定时间内确认处置，报警处置记录不全。",
                    "category": HazardCategory.MANAGEMENT,
                    "level": HazardLevel.GENERAL,
                    "deadline": today + dt.timedelta(days=7),
                }
            ],
        ),
        (
            township,
            LINGSHI_COKING,
            PatrolKind.SPOT_CHECK,
            1,
            [PatrolItem.COMMITMENT, PatrolItem.OFFLINE],
            "今日安全承诺已按时公告，数据在线正常。",
            [],
        ),
        (
            city,
            JIEXIU_COKING,
            PatrolKind.PATROL,
            5,
            [PatrolItem.READINGS, PatrolItem.DUTIES],
            "实时数据正常，包保责任人履职记录完整。",
            [],
        ),
        (
            city,
            XIYANG_FOOD,
            PatrolKind.PATROL,
            40,
            [PatrolItem.READINGS, PatrolItem.ALARMS],
            "液氨制冷系统数据正常。",
            [],
        ),
    ]
    created = 0
    for user, name, kind, days_ago, items, summary, findings in plan:
        enterprise = enterprises.get(name)
        if enterprise is None:
            continue
        services.record_patrol(
            user=user,
            enterprise=enterprise,
            data={
                "kind": kind,
                "started_at": now - dt.timedelta(days=days_ago),
                "items": [str(i) for i in items],
                "summary": summary + MARK,
                "result": PatrolResult.PROBLEMS if findings else PatrolResult.OK,
            },
            findings=findings,
        )
        created += 1
    return created
