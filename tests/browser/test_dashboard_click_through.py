"""A county regulator opens the dashboard, clicks the overdue hazards figure and lands on the
hazard ledger filtered to the same number of hazards, in a real Chromium."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ..reports.factories_dash import hazard, past
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_overdue_hazards_opens_the_filtered_ledger(page, live_server, people):
    mine = people["enterprise"]
    hazard(mine, status="assigned", deadline=past(3), description="逾期隐患一")
    hazard(mine, status="rectifying", deadline=past(1), description="逾期隐患二")
    hazard(mine, status="rectifying", deadline=past(-5), description="未逾期隐患")
    hazard(mine, status="closed", description="已销号隐患")

    sign_in(page, live_server, people["county"])
    page.goto(live_server.url + reverse("reports:dashboard"))
    figure = page.get_by_test_id("fig-hazards_overdue")
    expect(figure).to_have_text("2")
    expect(page.locator("#chart-breakdown canvas")).to_have_count(1)

    figure.click()
    expect(page).to_have_url(re.compile(r"/hazards/\?.*overdue=1"))
    expect(page.get_by_test_id("result-count")).to_contain_text("2")
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_text("逾期隐患一")).to_be_visible()
