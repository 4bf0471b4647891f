"""A member of the public reports a hazard from a phone with a photo and gets a code and a
secret; the tip-off office substantiates it; the enterprise rectifies; the county accepts and
closes it; the reporter follows the code to the closure, claims the reward, and sees it paid."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anlan.core.choices import UserRole
from anlan.hazards.models import TipOff

from ..factories import LINGSHI, make_user, region
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def follow(page, live_server, code, secret):
    page.goto(f"{live_server.url}/portal/track/")
    page.fill("#id_code", code)
    page.fill("#id_secret", secret)
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("tipoff-status")).to_be_visible()


def test_public_tip_off_followed_by_its_code_to_closure_and_reward(
    phone,
    page,
    live_server,
    people,
    tmp_path,
    settings,
):
    settings.ANLAN_TIPOFF_MIN_SECONDS = 0
    verifier = make_user("verifier-b", UserRole.TIPOFF_VERIFIER, region=region(LINGSHI))
    county2 = make_user("county-c", UserRole.COUNTY_REGULATOR, region=region(LINGSHI))
    photo = tmp_path / "举报照片.jpg"
    from ..hazards.conftest import jpeg_bytes

    photo.write_bytes(jpeg_bytes((90, 90, 160)))
    evidence = tmp_path / "整改后.jpg"
    evidence.write_bytes(jpeg_bytes((20, 160, 20)))

    # The public, on a phone, without an account.
    public = phone
    public.goto(f"{live_server.url}/portal/")
    public.click("main a.btn-danger")  # the big "report" button
    expect(public.locator("#id_description")).to_be_visible()
    public.select_option("#id_region", LINGSHI)
    public.fill("#id_enterprise_name", people["enterprise"].name)
    public.fill("#id_address", "东沟村北侧巷道口")
    public.fill("#id_description", "巷道口长期堆放木料和油桶，工人在旁边抽烟")
    public.set_input_files("#id_photos", str(photo))
    public.check("#id_reporter_is_employee")
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    public.click("main button[type=submit]")
    code = public.get_by_test_id("tracking-code").inner_text().strip()
    secret = public.get_by_test_id("tracking-secret").inner_text().strip()
    assert code.startswith("JB") and len(secret) == 8
    follow(public, live_server, code, secret)
    expect(public.get_by_test_id("tipoff-status")).to_have_text("已受理，待核查")
    tip_off = TipOff.objects.get(code=code)
    assert tip_off.photos.count() == 1 and tip_off.reporter_is_employee

    # The tip-off office substantiates it: a verified hazard of the enterprise.
    sign_in(page, live_server, verifier)
    page.goto(f"{live_server.url}/hazards/tipoffs/")
    page.click(f"text={code}")
    page.select_option("#enterprise", label=people["enterprise"].name)
    page.select_option("select[name=category]", "fire")
    page.fill("textarea[name=reply]", "经核查属实，已责令企业立即整改")
    page.click("text=确认属实")
    expect(page.get_by_test_id("tipoff-status")).to_have_text("属实")
    tip_off.refresh_from_db()
    hazard = tip_off.hazard
    detail = f"{live_server.url}/hazards/{hazard.pk}/"

    # The county assigns the plan; the enterprise rectifies with evidence; the county accepts.
    sign_in(page, live_server, people["county"])
    page.goto(detail)
    expect(page.get_by_test_id("hazard-status")).to_have_text("已核实")
    page.fill("#id_measures", "清理木料油桶，设置禁烟标志")
    page.fill("#id_responsible_person", "王五")
    page.fill("#id_funds", "800")
    page.fill("#id_deadline", (timezone.localdate() + dt.timedelta(days=5)).isoformat())
    page.fill("#id_contingency", "现场设专人看护")
    page.click("text=下达整改")
    sign_in(page, live_server, people["mine"])
    page.goto(detail)
    page.click("text=开始整改")
    page.set_input_files("#evidence", str(evidence))
    page.click("text=申请验收")
    sign_in(page, live_server, people["county"])
    page.goto(detail)
    page.click("text=验收通过并销号")
    expect(page.get_by_test_id("hazard-status")).to_have_text("已销号")

    # The reporter sees the closure by the code.
    follow(public, live_server, code, secret)
    expect(public.get_by_test_id("hazard-status")).to_have_text("已销号")
    expect(public.get_by_test_id("events")).to_contain_text("隐患已整改销号")

    # The office proposes the reward by the rules; a second officer approves it.
    sign_in(page, live_server, verifier)
    page.goto(f"{live_server.url}/hazards/tipoffs/{tip_off.pk}/")
    page.fill("input[name=fine_amount]", "50000")
    page.click("text=提出奖励")
    expect(page.get_by_test_id("reward-row")).to_contain_text("9,000")  # 15% + 20% uplift
    sign_in(page, live_server, county2)
    page.goto(f"{live_server.url}/hazards/tipoffs/{tip_off.pk}/")
    page.click("button:has-text('批准')")
    expect(page.get_by_test_id("reward-row")).to_contain_text("已批准")

    # The reporter claims it with the code; the office records the payout; the reporter sees it.
    follow(public, live_server, code, secret)
    expect(public.get_by_test_id("reward")).to_contain_text("9,000")
    public.fill("#payee_name", "李四")
    public.fill("#payee_mobile", "13711112222")
    public.fill("#payee_account", "6222020200001111")
    public.click("text=申领奖励")
    expect(public.get_by_test_id("done")).to_be_visible()
    page.goto(f"{live_server.url}/hazards/tipoffs/{tip_off.pk}/")
    page.fill("input[name=reference]", "PZ-2026-0001")
    page.click("text=登记发放")
    expect(page.get_by_test_id("reward-row")).to_contain_text("已发放")
    follow(public, live_server, code, secret)
    expect(public.get_by_test_id("reward")).to_contain_text("已发放")
    expect(public.get_by_test_id("events")).to_contain_text("奖励已发放")
