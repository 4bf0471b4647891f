"""The office opens a draft bulletin in a real Chromium: ECharts draws its charts, a commentary
is saved in place (HTMX), and publishing freezes it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anlan.core.choices import UserRole

from ..factories import JINZHONG, LINGSHI, EnterpriseFactory, make_user, region
from ..reports import factories_bulletins as f
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(transactional_db, tmp_path, settings):
    from anlan.core.models import Region
    from anlan.core.regions import load_regions, read_region_rows
    from anlan.reports import bulletins

    settings.MEDIA_ROOT = tmp_path
    load_regions(Region, read_region_rows())
    user = make_user("city-browser", UserRole.CITY_ADMIN, region=region(JINZHONG))
    mine = EnterpriseFactory(region=region(LINGSHI))
    today = timezone.localdate()
    start, end = bulletins.month_of(today)
    f.hazard(mine, found=f.at(today.year, today.month, 1, 8))
    return user, bulletins.generate(kind="monthly", region=region(JINZHONG), start=start, end=end)


def test_office_comments_and_publishes_a_bulletin(page, live_server, draft):
    user, bulletin = draft
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/reports/bulletins/{bulletin.pk}/")
    expect(page.locator(".masthead")).to_contain_text("晋中市安全生产工作简报")
    expect(page.locator('[data-chart="hazards_by_area"] canvas')).to_have_count(1)
    box = page.get_by_test_id("commentary-hazards")
    box.locator("textarea").fill("各县要加快整改。")
    box.locator("button").click()
    expect(page.get_by_test_id("commentary-hazards")).to_contain_text("已保存")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("state")).to_have_text("已公开")
    expect(page.locator("#section-hazards")).to_contain_text("各县要加快整改。")
    expect(page.get_by_test_id("publish")).to_have_count(0)
