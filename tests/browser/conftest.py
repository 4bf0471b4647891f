import os
import shutil

import pytest
from playwright.sync_api import expect

from anlan.core.choices import UserRole
from anlan.core.models import Region

from ..factories import (
    LINGSHI,
    EnterpriseFactory,
    make_user,
    region,
    reseed_migration_data,
    township,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def people(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    reseed_migration_data()  # regions, risk flags, the warnings' matrix: a flush removed them
    town = township()
    village = Region.objects.create(
        code=town.code + "201", name="东沟村", level="village", parent=town
    )
    mine = EnterpriseFactory(name="东沟煤业（演示）", region=village)
    return {
        "grid": make_user("grid-b", UserRole.GRID_MEMBER, region=village),
        "county": make_user("county-b", UserRole.COUNTY_REGULATOR, region=region(LINGSHI)),
        "mine": make_user("mine-b", UserRole.ENTERPRISE_SAFETY, enterprise=mine),
        "enterprise": mine,
    }


def sign_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"pw-{user.username}")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("whoami")).to_contain_text(user.username)
