"""On a phone, a county regulator opens the trainings ledger, sees the totals chart, clicks a
kind in the totals table to filter on it, and records a training (a negative count is named on
its field first)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anlan.supervision.models import TrainingSession
from tests.supervision.factories_activities import make_training

from ..factories import LINGSHI, region
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainings_ledger_chart_filter_and_form_on_a_phone(phone, live_server, people):
    county = people["county"]
    day = timezone.localdate() - dt.timedelta(days=3)
    make_training(day=day, title="煤矿主要负责人讲安全", participants=80)
    make_training(day=day, kind="skills", title="焊工技能培训", participants=20)
    sign_in(phone, live_server, county)
    phone.goto(f"{live_server.url}/supervision/trainings/")
    expect(phone.locator("body[data-charts-ready='1']")).to_have_count(1)
    expect(phone.get_by_test_id("totals-sum")).to_contain_text("100")
    phone.get_by_test_id("totals").locator("tr[data-kind='skills'] a").click()
    expect(phone.get_by_test_id("trainings")).to_contain_text("焊工技能培训")
    expect(phone.get_by_test_id("trainings")).not_to_contain_text("煤矿主要负责人讲安全")
    assert "kind=skills" in phone.url

    phone.goto(f"{live_server.url}/supervision/trainings/new/")
    form = phone.get_by_test_id("activity-form")
    form.locator("#id_region").select_option(str(region(LINGSHI).pk))
    form.locator("#id_kind").select_option("thematic")
    form.locator("#id_title").fill("汛期专题培训")
    form.locator("#id_date").fill(day.isoformat())
    form.locator("#id_sessions").fill("1")
    form.locator("#id_participants").fill("-4")
    form.locator("button[type=submit]").click()
    expect(phone.locator("[data-field='participants']")).to_be_visible()
    assert not TrainingSession.objects.filter(title="汛期专题培训").exists()
    form.locator("#id_participants").fill("45")
    form.locator("button[type=submit]").click()
    expect(phone.get_by_test_id("training")).to_contain_text("45")
    assert TrainingSession.objects.get(title="汛期专题培训").recorded_by == county
