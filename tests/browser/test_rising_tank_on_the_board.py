"""Issue #5, "done when": a rising tank level raises an H then an HH alarm on the live board
(which polls every second) while the readings come in over the real HTTP endpoint; the
enterprise acknowledges and disposes the HH alarm from its page on a phone."""

import json
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from anlan.monitoring import services
from anlan.monitoring.models import Alarm

from ..monitoring.conftest import make_sensor
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post(live_server, token: str, tag: str, value: float) -> dict:
    body = json.dumps({"readings": [[tag, time.time(), value]]}).encode()
    request = urllib.request.Request(
        f"{live_server.url}/api/monitoring/ingest",
        data=body,
        headers={"Content-Type": "application/json", "X-Gateway-Token": token},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_rising_tank_raises_h_then_hh_on_the_board_and_the_enterprise_disposes_it(
    phone, live_server, people
):
    page = phone
    gateway, token = services.create_gateway(
        user=None, enterprise=people["enterprise"], name="罐区网关", code="gw-tank"
    )
    make_sensor(gateway, tag="LT-101", name="液氨储罐液位")
    sign_in(page, live_server, people["mine"])
    page.goto(f"{live_server.url}/monitoring/")
    board = page.get_by_test_id("alarm-board")
    expect(page.get_by_test_id("no-alarms")).to_be_visible()

    for value in (10.0, 12.0, 14.0, 15.6):  # crosses H (15)
        post(live_server, token, "LT-101", value)
    expect(board).to_contain_text("高报（H）")
    expect(board).not_to_contain_text("高高报（HH）")
    for value in (16.8, 18.4):  # crosses HH (18)
        post(live_server, token, "LT-101", value)
    expect(board).to_contain_text("高高报（HH）")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    hh = Alarm.objects.get(kind="hh")
    page.click(f"[data-alarm='{hh.pk}']")
    expect(page.get_by_test_id("alarm-status")).to_have_text("报警中")
    page.click("button[value=acknowledge]")
    expect(page.get_by_test_id("alarm-status")).to_have_text("已确认")
    page.select_option("#id_cause", "genuine")
    page.fill("#id_measures", "关闭进料阀，倒罐降液位")
    page.click("button[value=dispose]")
    expect(page.get_by_test_id("alarm-status")).to_have_text("已处置")

    for value in (12.0,):  # back to normal (below H minus the deadband): both alarms clear
        post(live_server, token, "LT-101", value)
    page.goto(f"{live_server.url}/monitoring/alarms/{hh.pk}/")
    expect(page.get_by_test_id("alarm-status")).to_have_text("已消警")
    page.goto(f"{live_server.url}/monitoring/")
    expect(board).not_to_contain_text("高高报（HH）")
    expect(board).to_contain_text("高报（H）")  # the H alarm still waits for its disposal
