"""The assessment demo: Lingshi's townships scored for last month and signed off; idempotent."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from anlan.core.choices import UserRole
from anlan.supervision import assessment as services
from anlan.supervision.demo_assessment import MONTHLY, build_demo_assessment
from anlan.supervision.models import Assessment, AssessmentScheme
from tests.factories import LINGSHI, make_user, region

from .factories_assessment import task, township_unit

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_demo_does_nothing_without_township_units():
    assert build_demo_assessment() == {}
    assert not AssessmentScheme.objects.exists()


def test_demo_scores_and_signs_last_month_and_the_township_that_missed_ranks_last():
    make_user("lingshi", UserRole.COUNTY_REGULATOR, region=region(LINGSHI))
    towns = [
        township_unit(f"1{n:02d}", name, n) for n, name in enumerate(("静升镇", "两渡镇", "夏门镇"))
    ]
    issued = dt.datetime(2026, 11, 3, 9, tzinfo=SH)
    for deadline in (dt.date(2026, 11, 12), dt.date(2026, 11, 25)):
        t = task("督办", deadline, towns, issued=issued)
        for a in t.assignments.all():
            late = deadline.day == 25 and a.unit == towns[2]
            a.state = "submitted" if late else "accepted"
            a.on_time = None if late else True
            a.save()
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, tzinfo=SH), tick=False):
        result = build_demo_assessment()
        again = build_demo_assessment()
    assert result["signed"] == 3 and again["signed"] == 3
    monthly = AssessmentScheme.objects.get(name=MONTHLY)
    for ind in monthly.indicators.all():
        services._check_indicator(ind)  # the demo tree passes the editor's rules
    services._check_group_weights(monthly)
    rows = list(Assessment.objects.filter(scheme=monthly).order_by("rank"))
    assert all(a.state == "signed" for a in rows)
    assert rows[-1].unit == towns[2]
    assert rows[-1].scores.get(indicator__code="2.2").points == -5
    assert Assessment.objects.filter(scheme__period="half").count() == 3
