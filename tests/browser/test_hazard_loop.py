"""A grid member reports a hazard from a phone with a photo; the county verifies and assigns
the plan; the enterprise rectifies with evidence; the county accepts and closes it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anlan.hazards.models import Hazard

from ..hazards.conftest import jpeg_bytes
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hazard_closed_loop_from_a_phone_report(phone, live_server, people, tmp_path):
    page = phone
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg_bytes())
    evidence = tmp_path / "整改后.jpg"
    evidence.write_bytes(jpeg_bytes((20, 160, 20)))

    sign_in(page, live_server, people["grid"])
    page.goto(f"{live_server.url}/hazards/new/")
    page.select_option("#id_enterprise", label=people["enterprise"].name)
    page.fill("#id_description", "巷道口堆放易燃物")
    page.select_option("#id_category", "fire")
    page.select_option("#id_channel", "grid_member")
    page.set_input_files("#id_photos", str(photo))
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("hazard-status")).to_have_text("已上报")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    hazard = Hazard.objects.get()
    page.goto(f"{live_server.url}/hazards/new/")  # the sent report's draft is gone
    expect(page.get_by_test_id("draft-notice")).to_be_hidden()
    expect(page.locator("#id_description")).to_have_value("")
    detail = f"{live_server.url}/hazards/{hazard.pk}/"

    sign_in(page, live_server, people["county"])
    page.goto(detail)
    page.click("text=核实")
    expect(page.get_by_test_id("hazard-status")).to_have_text("已核实")
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    page.fill("#id_measures", "清理易燃物并设置禁烟标志")
    page.fill("#id_responsible_person", "王五")
    page.fill("#id_funds", "500")
    page.fill("#id_deadline", deadline)
    page.fill("#id_contingency", "现场设专人看护")
    page.click("text=下达整改")
    expect(page.get_by_test_id("hazard-status")).to_have_text("已下达整改")

    sign_in(page, live_server, people["mine"])
    page.goto(detail)
    page.click("text=开始整改")
    expect(page.get_by_test_id("hazard-status")).to_have_text("整改中")
    page.set_input_files("#evidence", str(evidence))
    page.fill("input[name=reason]", "已清理完毕")
    page.click("text=申请验收")
    expect(page.get_by_test_id("hazard-status")).to_have_text("待验收")

    sign_in(page, live_server, people["county"])
    page.goto(detail)
    page.click("text=验收通过并销号")
    expect(page.get_by_test_id("hazard-status")).to_have_text("已销号")
    expect(page.get_by_test_id("timeline")).to_contain_text("已清理完毕")
    expect(page.locator("img[alt='现场.jpg']")).to_be_visible()


def test_a_report_typed_with_no_signal_is_kept_on_the_phone(phone, live_server, people):
    page = phone
    sign_in(page, live_server, people["grid"])
    page.goto(f"{live_server.url}/hazards/new/")
    page.fill("#id_description", "配电箱门锁损坏")
    page.select_option("#id_category", "electrical")
    page.context.set_offline(True)
    page.click("main button[type=submit]", no_wait_after=True)  # the send fails: no signal
    page.wait_for_timeout(1500)
    assert not Hazard.objects.exists()
    page.context.set_offline(False)
    page.goto(f"{live_server.url}/hazards/new/")
    expect(page.get_by_test_id("draft-notice")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value("配电箱门锁损坏")
    expect(page.locator("#id_category")).to_have_value("electrical")
    assert not Hazard.objects.exists()
