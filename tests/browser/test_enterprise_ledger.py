"""A regulator signs in, filters the ledger and opens an enterprise, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from anlan.core.choices import UserRole
from anlan.registry.models import RiskFlag

from ..factories import LINGSHI, YANHU, EnterpriseFactory, make_user, region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ledger(transactional_db):
    # Transactional tests empty every table between tests, including the reference data that
    # migrations load; put it back the way the migrations do.
    from anlan.core.models import Region
    from anlan.core.regions import load_regions, read_region_rows
    from anlan.registry.choices import EnterpriseRiskFlag

    load_regions(Region, read_region_rows())
    for code in EnterpriseRiskFlag.values:
        RiskFlag.objects.get_or_create(code=code)
    user = make_user("lingshi-browser", UserRole.COUNTY_REGULATOR, region=region(LINGSHI))
    mine = EnterpriseFactory(name="灵石高瓦斯煤矿（演示）", latitude="36.85", longitude="111.77")
    mine.risk_flags.add(RiskFlag.objects.get(code="high_gas"))
    EnterpriseFactory(name="灵石铸造厂（演示）", industry="metallurgy")
    EnterpriseFactory(name="运城某铝厂（演示）", region=region(YANHU))
    return user, mine


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("button[type=submit]")
    expect(page.get_by_test_id("whoami")).to_contain_text(username)


def test_regulator_signs_in_filters_and_opens_an_enterprise(page, live_server, ledger):
    user, mine = ledger
    sign_in(page, live_server, user.username)
    # The dashboard draws its charts with the locally served ECharts.
    expect(page.get_by_test_id("stat-total")).to_have_text("2")
    expect(page.locator("#chart-county canvas")).to_have_count(1)

    page.click("text=企业")
    expect(page.get_by_test_id("result-count")).to_contain_text("2")
    expect(page.locator("body")).not_to_contain_text("运城某铝厂")

    page.select_option("#id_flag", "high_gas")  # htmx reloads the table in place
    expect(page.get_by_test_id("result-count")).to_contain_text("1")
    expect(page.locator("#results")).not_to_contain_text("灵石铸造厂")
    assert "flag=high_gas" in page.url  # the filtered list can be bookmarked

    page.click(f"text={mine.name}")
    expect(page.locator("h1")).to_contain_text(mine.name)
    expect(page.locator("text=高瓦斯矿井")).to_be_visible()
    # Leaflet is served locally and shows the marker even without tiles.
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)

    page.click("text=变更记录")
    expect(page.get_by_test_id("history")).to_contain_text("新建")


def test_ledger_is_usable_on_a_phone(phone, live_server, ledger):
    user, mine = ledger
    sign_in_phone = phone
    sign_in_phone.goto(f"{live_server.url}/accounts/login/")
    sign_in_phone.fill("#id_username", user.username)
    sign_in_phone.fill("#id_password", f"pw-{user.username}")
    sign_in_phone.click("button[type=submit]")
    sign_in_phone.goto(f"{live_server.url}/enterprises/")
    expect(sign_in_phone.locator(f"text={mine.name}")).to_be_visible()
    # Nothing spills sideways: the page is no wider than the phone.
    width = sign_in_phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
