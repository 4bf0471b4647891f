"""Demo warnings: the packaged cold-wave yellow sample for Jinzhong imported as a CAP file (times
moved to today), reaching the demo's gas, heating, construction and aquaculture enterprises,
the rescue teams, the township supervisor and the grid member; some targets have answered, some
are silent; vulnerable households of the Lingshi villages get welfare checks, two already done.
Safe to run again: a day's warning is imported once (CAP duplicates are ignored)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from anlan.core.choices import RegionLevel
from anlan.core.models import Region, User

from . import cap, ingest, response
from .models import Alert, Target

SAMPLE = Path(__file__).parent / "samples" / "jinzhong-cold-wave-yellow.xml"
SENDER = "jinzhong-met@example.cn"


def _sample_for(now: dt.datetime) -> tuple[str, bytes]:
    """The sample with its times moved: sent two hours ago, onset tonight, expiring in two days."""
    local = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    sent = local - dt.timedelta(hours=2)
    identifier = f"14070041600000_{sent:%Y%m%d%H%M%S}_1"
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("14070041600000_20261204080000_1", identifier)
    text = text.replace(
        "<sent>2026-12-04T08:00:00+08:00</sent>", f"<sent>{cap.format_time(sent)}</sent>"
    )
    text = text.replace(
        "<effective>2026-12-04T08:00:00+08:00</effective>",
        f"<effective>{cap.format_time(sent)}</effective>",
    )
    text = text.replace(
        "<onset>2026-12-04T20:00:00+08:00</onset>",
        f"<onset>{cap.format_time(sent + dt.timedelta(hours=12))}</onset>",
    )
    text = text.replace(
        "<expires>2026-12-06T08:00:00+08:00</expires>",
        f"<expires>{cap.format_time(sent + dt.timedelta(days=2))}</expires>",
    )
    return identifier, text.encode("utf-8")


def _households(regions: dict) -> int:
    from .demo_households import load

    civil = User.objects.filter(username="civil", is_demo=True).first()
    villages = {
        code: region
        for code, region in regions.items()
        if region.level == RegionLevel.VILLAGE and code.startswith("140729")
    }
    return len(load(regions_by_code=villages, created_by=civil))


def build_demo_alerts(*, regions: dict[str, Region]) -> dict:
    now = timezone.now()
    from .models import Household

    households = 0
    if not Household.objects.exists():
        households = _households(regions)
    identifier, data = _sample_for(now)
    if Alert.objects.filter(sender=SENDER, identifier=identifier).exists():
        return {"warnings": 0, "households": households}
    outcome = ingest.import_message(data, received_from=SAMPLE.name)
    if outcome.status != "imported":  # pragma: no cover - the sample is valid
        raise RuntimeError(f"The demo CAP sample was refused: {outcome.reason}")
    warning = outcome.alert
    _answers(warning)
    _reminder_awaiting_sign_off(now)
    return {"warnings": 1, "households": households}


def _reminder_awaiting_sign_off(now: dt.datetime) -> None:
    """Lingshi's own safety reminder for the cold wave, drafted and waiting for the city to sign
    it off (a county regulator cannot sign off their own draft)."""
    from .issuing import create_draft, submit

    drafter = User.objects.filter(username="lingshi", is_demo=True).first()
    if (
        drafter is None
        or Alert.objects.filter(drafted_by=drafter).exclude(stage="published").exists()
    ):
        return
    draft = create_draft(
        user=drafter,
        data={
            "signal_type": "safety",
            "colour": "yellow",
            "regions": [drafter.region.code],
            "expires": now + dt.timedelta(days=3),
            "headline": "灵石县应急管理局关于做好寒潮期间安全生产工作的提示",
            "description": "受寒潮影响，我县将出现大风降温天气。",
            "instruction": "各煤矿、燃气、供热企业落实防冻防滑措施；严禁违规取暖；加强有限空间作业管理。",
        },
    )
    submit(user=drafter, alert=draft)


def _answers(warning: Alert) -> None:
    """Some targets answer at once, some only acknowledge, the rest stay silent for the demo."""
    by_user = {
        "gas": "巡查城区燃气管网和调压站，阀门井、调压箱加装保温；抢修队24小时值守。",
        "rescue": "中队全员在岗，装备检查完毕，呼吸器和保温物资到位。",
        "township": None,
    }
    for username, measures in by_user.items():
        user = User.objects.filter(username=username, is_demo=True).first()
        if user is None:
            continue
        for target in Target.objects.live().filter(thread=warning.root):
            if not response.is_recipient(user, target) or target.acknowledged_at:
                continue
            if measures:
                response.report_measures(user=user, target=target, measures=measures)
            else:
                response.acknowledge(user=user, target=target)
    from .models import WelfareCheck
    from .welfare import record_check

    grid = User.objects.filter(username="grid", is_demo=True).first()
    if grid is None:
        return
    for check, (outcome, note) in zip(
        WelfareCheck.objects.filter(thread=warning.root, region=grid.region).order_by("pk"),
        (("visited", "已上门，取暖正常，储煤充足。"), ("needs_met", "送去棉被一床，电热毯一条。")),
        strict=False,
    ):
        record_check(user=grid, check=check, outcome=outcome, note=note)
