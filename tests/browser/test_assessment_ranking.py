"""Issue #8, assessments: the county office opens last month's ranking (a bar chart of the
totals; the township that missed a 督办 task ranks last with its deduction shown), enters a
manual item with evidence for a township, submits it for review and signs it off."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anlan.supervision import assessment as services
from anlan.supervision import periods
from anlan.supervision.choices import IndicatorKind, IndicatorSource, ScoringRule
from tests.supervision.factories_assessment import item, scheme, task, township_unit

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_reads_the_ranking_and_signs_off_a_township(page, live_server, people):
    towns = [township_unit("151", "静升镇", 1), township_unit("152", "夏门镇", 2)]
    s = scheme()
    item(
        s,
        "T1",
        weight=30,
        source=IndicatorSource.COMPUTED,
        metric="tasks_on_time_rate",
        rule=ScoringRule.LINEAR,
        params={"floor": 0, "target": 100},
        name="督办任务按期完成率",
    )
    item(
        s,
        "T2",
        IndicatorKind.DEDUCTION,
        10,
        source=IndicatorSource.COMPUTED,
        metric="tasks_missed",
        rule=ScoringRule.PER_UNIT,
        params={"per_unit": 5},
        name="督办任务未按期完成",
    )
    item(s, "M1", weight=70, name="安全生产责任制落实")
    last_month = periods.add_months(timezone.localdate().replace(day=1), -1)
    t = task(
        "报送汛前检查",
        last_month + dt.timedelta(days=9),
        towns,
        issued=timezone.now() - dt.timedelta(days=40),
    )
    t.assignments.filter(unit=towns[0]).update(state="accepted", on_time=True)
    services.compute(s, last_month)

    sign_in(page, live_server, people["county"])
    page.goto(f"{live_server.url}/supervision/assessments/?scheme={s.pk}&period={last_month:%Y-%m}")
    expect(page.locator("#chart-totals canvas")).to_have_count(1)
    rows = page.get_by_test_id("ranking").locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("静升镇")
    expect(rows.nth(1)).to_contain_text("夏门镇")

    rows.nth(1).get_by_role("link").click()
    expect(page.locator('tr[data-code="T2"]')).to_contain_text("-5.00")
    expect(page.locator('tr[data-code="T2"]')).to_contain_text("报送汛前检查")
    form = page.get_by_test_id("score-form")
    form.locator("select[name=indicator]").select_option(label="M1 安全生产责任制落实")
    form.locator("input[name=value]").fill("60")
    form.locator("textarea[name=evidence]").fill("会议纪要2份")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("total")).to_have_text("55.0")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("sign").click()
    expect(page.get_by_test_id("state")).to_have_text(re.compile("已签发|Signed off"))
    expect(page.get_by_test_id("score-form")).to_have_count(0)
