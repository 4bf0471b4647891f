"""Issue #6, "done when": in the demo, the Xiyang and Lingshi squads are on the board with their
equipment (14 BG4 sets at the Xiaoyi brigade), the gas explosion at a Jinzhong mine has a ranked
recommendation with reasons and a dispatch timeline, and the coverage map shows the high-gas
mines beyond 30 minutes until the planned Pingyao and Shouyang squads are added. The commander
works on a phone."""

import pytest
from playwright.sync_api import expect

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


def test_board_recommendation_timeline_and_coverage_in_the_demo(
    page, phone, live_server, people, settings
):  # noqa: E501
    from anlan.core.demo import build_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_demo()

    _sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/rescue/")
    board = page.get_by_test_id("team-board")
    for name in ("灵石县矿山救援中队", "昔阳县矿山救援中队", "孝义市矿山救援大队"):
        expect(board.locator("tr", has_text=name)).to_contain_text("在岗")
    expect(board.locator("tr", has_text="孝义市矿山救援大队")).to_contain_text("14")
    board.get_by_role("link", name="昔阳县矿山救援中队").click()
    expect(page.get_by_test_id("member-count")).to_contain_text("22")
    expect(page.get_by_test_id("team-equipment")).to_contain_text("HYZ4")

    # The incident desk: ranked teams with their reasons, and the timeline.
    page.goto(f"{live_server.url}/rescue/incidents/")
    page.get_by_role("link", name="灵石县韩信岭煤业“瓦斯爆炸”（演示）").click()
    first = page.get_by_test_id("recommendation").locator("tbody tr").first
    expect(first).to_contain_text("灵石县矿山救援中队")
    expect(first.get_by_test_id("rank")).to_have_text("1")
    expect(first).to_contain_text("具备能力：矿山救援")
    expect(first).to_contain_text("在用呼吸器 12 台")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("灵石县矿山救援中队 已到达现场")
    expect(timeline).to_contain_text("孝义市矿山救援大队 已到达现场")

    # Coverage: three gaps for Jinzhong, closed by the planned squads.
    _sign_in(page, live_server, "city")
    page.goto(f"{live_server.url}/rescue/coverage/")
    expect(page.get_by_test_id("gap-count")).to_have_text("3")
    expect(page.locator("#coverage-map")).to_have_attribute("data-ready", "1")
    page.get_by_label("平遥县矿山救援中队（规划）", exact=False).check()
    page.get_by_label("寿阳县矿山救援中队（规划）", exact=False).check()
    page.get_by_test_id("what-if").get_by_role("button").click()
    expect(page.get_by_test_id("gap-count")).to_have_text("0")
    expect(page.get_by_test_id("coverage-table")).to_contain_text("假设后覆盖")

    # The Lingshi commander, on a phone, records that the squad returned to base.
    _sign_in(phone, live_server, "rescue")
    phone.goto(f"{live_server.url}/rescue/incidents/")
    phone.get_by_role("link", name="灵石县韩信岭煤业“瓦斯爆炸”（演示）").click()
    row = phone.get_by_test_id("dispatches").locator("tr", has_text="灵石县矿山救援中队")
    row.get_by_role("button", name="记录（现在）").click()
    expect(phone.get_by_test_id("timeline")).to_contain_text("灵石县矿山救援中队 已返回驻地")
