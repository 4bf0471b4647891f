"""Demo bulletins: last month's monthly bulletin of 晋中市 published with commentary, this
week's weekly bulletin as a draft, and the ``city`` demo user subscribed to the monthly ones.
Idempotent: an existing bulletin is left as it is (a published one never changes)."""

from __future__ import annotations

from django.utils import timezone

from anlan.core.models import Region, User

from . import bulletins as services
from .choices import BulletinKind, BulletinState

CITY = "140700"

COMMENTARY = {
    "summary": (
        "本月全市安全生产形势总体平稳。各县（区）、各成员单位认真落实“管行业必须管安全”要求，"
        "隐患排查治理、督办任务落实和宣传培训工作有序推进。"
    ),
    "hazards": "对超期未整改隐患，各县（区）要逐条明确责任人和整改时限，重大隐患实行挂牌督办。",
    "tasks": "对未按期反馈的督办事项，安委办将在月度考核中按规定扣分，并视情约谈。",
    "trainings": "下一步要继续抓好主要负责人讲安全和外包、派遣、灵活用工人员安全培训。",
}


def build_demo_bulletins() -> dict:
    city = Region.objects.filter(code=CITY).first()
    if city is None:
        return {"bulletins": 0}
    actor = User.objects.filter(username="city").first()
    today = timezone.localdate()
    start, end = services.previous_month(today)
    monthly = services.generate(kind=BulletinKind.MONTHLY, region=city, start=start, end=end)
    if monthly.state == BulletinState.DRAFT:
        for section, text in COMMENTARY.items():
            services.set_commentary(bulletin=monthly, section=section, text=text)
    if actor is not None:
        services.subscribe(user=actor, kind=BulletinKind.MONTHLY, region=city)
    if monthly.state == BulletinState.DRAFT:
        monthly = services.publish(bulletin=monthly, user=None)
    week_start, week_end = services.week_of(today)
    weekly = services.generate(
        kind=BulletinKind.WEEKLY, region=city, start=week_start, end=week_end
    )
    return {"bulletins": 2, "monthly": monthly.pk, "weekly": weekly.pk}
