"""Issue #5, "done when" (second half): in the demo, an enterprise that did not commit by the
deadline and a gateway that went silent both appear on the strict-supervision list with their
reasons.

The demo data are built at 11:00 on a fixed day (the commitment deadline, 09:00, has passed and
河津市汾南焦化 has not committed); the demo simulator then feeds every demo gateway over the real
HTTP endpoint, and 介休市绵上甲醇's gateway goes silent. The clock is moved on 70 minutes (the
other gateways keep sending), the offline check and the day's list run as the worker would,
and the system administrator reads the list in the browser."""

import datetime as dt
import time
import zoneinfo

import pytest
import time_machine
from django.db import OperationalError
from playwright.sync_api import expect

from anlan.core.models import User
from anlan.monitoring import offline, simulator
from anlan.monitoring.models import IngestBatch
from anlan.supervision import strict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SILENT = "demo-jiexiu-methanol"
WAIT = 30  # seconds: an upper bound for a busy machine, not a timing assertion


def last_batch() -> int:
    for _attempt in range(50):
        try:
            return IngestBatch.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        except OperationalError:  # the server is writing (shared-cache SQLite locks tables)
            time.sleep(0.1)
    raise AssertionError("the batches table stayed locked")


def wait_for_batches(codes: set[str], after: int) -> None:
    """Until every gateway in ``codes`` has a batch stored after batch ``after``. (The test
    database is SQLite in shared-cache memory, which locks whole tables: a read that meets the
    server's write is simply tried again.)"""
    deadline = time.monotonic() + WAIT
    arrived: set = set()
    while time.monotonic() < deadline:
        try:
            arrived = set(
                IngestBatch.objects.filter(pk__gt=after).values_list("gateway__code", flat=True)
            )
        except OperationalError:
            arrived = set()
        if codes <= arrived:
            return
        time.sleep(0.2)
    raise AssertionError(f"no batch from {sorted(codes - arrived)}")


def test_the_forgetful_enterprise_and_the_silent_gateway_are_on_the_strict_list(
    page, live_server, people, settings
):
    from anlan.core.demo import build_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    day = dt.date(2026, 3, 4)
    start = dt.datetime(2026, 3, 4, 11, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(start, tick=True) as clock:
        build_demo()
        stop, sim = simulator.start_in_background(
            live_server.url,
            jobs_every=3600,
            seed=5,
            first_rise=10_000,
            gas_every=0,
            wire_break_after=None,
            silent_gateway=SILENT,
            silent_after=2,
        )
        try:
            codes = {g.code for g in sim.gateways}
            wait_for_batches(codes, after=0)
            time.sleep(3)  # past silent_after: the silent gateway has stopped
            clock.shift(dt.timedelta(minutes=70))
            # Twice: a batch in flight during the shift carries readings from before it.
            for _round in range(2):
                mark = last_batch()
                wait_for_batches(codes - {SILENT}, after=mark)
        finally:
            stop.set()
            time.sleep(1.5)  # let the simulator's last request finish
        # What the worker does every minute and at 10:00, now that the gateways are quiet.
        offline.check_offline()
        strict.compute(day)
    assert not IngestBatch.objects.filter(pk__gt=mark, gateway__code=SILENT).exists()

    # The forgetful enterprise is in Yuncheng, the silent one in Jinzhong: the system
    # administrator sees both.
    admin = User.objects.get(username="admin")
    admin.set_password("pw-admin")
    admin.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw-admin")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("whoami")).to_contain_text("系统管理员")
    page.goto(f"{live_server.url}/supervision/strict-list/?date=2026-03-04")
    table = page.get_by_test_id("strict-list")
    forgetful = table.locator("tr", has_text="河津市汾南焦化有限公司")
    expect(forgetful).to_contain_text("未按时作出安全承诺")
    expect(forgetful).to_contain_text("2026-03-04截止09:00未作出安全承诺")
    silent = table.locator("tr", has_text="介休市绵上甲醇有限公司")
    expect(silent).to_contain_text("异常离线")
    expect(silent).to_contain_text("仍离线")
    # An enterprise that committed on time and kept sending is not listed for either reason.
    expect(table).not_to_contain_text("昔阳县松溪肉类食品有限公司")
    forgetful.get_by_role("link", name="2026-03-04截止09:00未作出安全承诺").click()
    expect(page.locator("main")).to_contain_text("河津市汾南焦化有限公司")
