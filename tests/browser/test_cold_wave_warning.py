"""Issue #7, "done when": a cold-wave yellow warning for Jinzhong imported from a CAP file reaches
the affected enterprises, the on-duty squads and the grid members of the affected villages; the
board shows who acknowledged and which households were checked; the warning appears on the
public portal until it expires."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anlan.alerts.demo import _sample_for
from anlan.alerts.models import Alert
from anlan.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username):
    user = User.objects.get(username=username)
    user.set_password(f"pw-{username}")
    user.save()
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("whoami")).to_be_attached()


def test_a_cold_wave_from_a_cap_file_reaches_everyone_and_the_board_shows_it(
    page, phone, live_server, tmp_path, people
):
    # ``people`` loads the regions again: an earlier browser test's flush removed them.
    from anlan.core.demo import build_demo

    build_demo()
    # Start from no warning at all, and bring the cold wave in as the bureau would: a file.
    Alert.objects.all().delete()
    _identifier, data = _sample_for(timezone.now())
    cap_file = tmp_path / "jinzhong-cold-wave-yellow.xml"
    cap_file.write_bytes(data)

    _sign_in(page, live_server, "city")
    page.goto(f"{live_server.url}/warnings/import/")
    page.set_input_files("input[name=files]", str(cap_file))
    page.get_by_role("button", name="导入").click()
    results = page.get_by_test_id("import-results")
    expect(results).to_contain_text("已导入")
    results.get_by_role("link").click()
    board = page.get_by_test_id("board")
    for name in (
        "灵石县汾峪燃气有限公司",
        "灵石县城区供热有限公司",
        "灵石县矿山救援中队",
        "东沟村",
    ):
        expect(board).to_contain_text(name)
    expect(board).not_to_contain_text(
        "山西灵石汾峪煤业有限公司"
    )  # a coal mine: not for a cold wave
    expect(board.locator("tr", has_text="灵石县矿山救援中队")).to_contain_text("加强战备")

    # The gas company's safety officer, on a phone: acknowledge and report what was done.
    _sign_in(phone, live_server, "gas")
    phone.goto(f"{live_server.url}/warnings/")
    mine = phone.get_by_test_id("my-targets")
    expect(mine).to_contain_text("寒潮黄色预警")
    mine.get_by_role("button", name="签收").click()
    phone.goto(f"{live_server.url}/warnings/{Alert.objects.get().pk}/")
    row = phone.locator("tr[data-testid=target-row]", has_text="灵石县汾峪燃气有限公司")
    row.get_by_text("报送措施").click()
    row.locator("textarea[name=measures]").fill("调压站加装保温，抢修队24小时值守")
    row.get_by_role("button", name="保存").click()

    # The grid member of 东沟村, on a phone: the households to visit, one checked.
    _sign_in(phone, live_server, "grid")
    phone.goto(f"{live_server.url}/warnings/checks/")
    first = phone.locator("[id^=check-]").first
    expect(first).to_contain_text("示例户")
    first.locator("textarea[name=note]").fill("已上门，炉具通风正常")
    first.get_by_role("button", name="已走访，安全").click()
    expect(phone.get_by_test_id("check-counts")).to_contain_text("1")

    # The board: who acknowledged, what was done, households checked, and the chart.
    page.reload()
    board = page.get_by_test_id("board")
    gas_row = board.locator("tr", has_text="灵石县汾峪燃气有限公司")
    expect(gas_row).to_contain_text("已报措施")
    expect(gas_row).to_contain_text("抢修队24小时值守")
    expect(board.locator("tr", has_text="城区供热")).to_contain_text("未签收")
    expect(page.get_by_test_id("welfare-summary")).to_contain_text("已走访，安全 1")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "1")
    # No household's name is on the board, whoever looks.
    expect(board).not_to_contain_text("示例户")

    # The public portal shows it, without an account, until it expires.
    public = phone.context.browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/portal/warnings/")
    expect(public.get_by_test_id("public-warnings")).to_contain_text("寒潮黄色预警")
    Alert.objects.update(expires=timezone.now() - dt.timedelta(minutes=1))
    public.reload()
    expect(public.get_by_test_id("no-warnings")).to_be_visible()
    public.context.close()
