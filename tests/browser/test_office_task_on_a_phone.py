"""Issue #8, points 1–2: the county office issues a 督办 task to all its townships in the
browser; the township supervisor answers on a phone with a photo; the office accepts it on time
and the task page shows the unit's row accepted while the other township is still awaited."""

import base64
import datetime as dt

import pytest
from playwright.sync_api import expect

from anlan.core.choices import UserRole
from anlan.supervision.choices import AssignmentState, UnitKind
from anlan.supervision.models import MemberUnit, SupervisionTask

from ..factories import LINGSHI, make_user, region, township
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_a_task_issued_answered_on_a_phone_and_accepted(page, phone, live_server, people, tmp_path):
    county = region(LINGSHI)
    first = township()
    second = township(LINGSHI, "102", "第二乡")
    for town in (first, second):
        MemberUnit.objects.create(
            committee_region=county, kind=UnitKind.TOWNSHIP, name=town.name, township=town
        )
    supervisor = make_user("town-b", UserRole.TOWNSHIP_SUPERVISOR, region=first)

    sign_in(page, live_server, people["county"])
    page.goto(f"{live_server.url}/supervision/tasks/new/")
    page.select_option("#id_region", label=county.name)
    page.fill("#id_title", "冬季燃气排查")
    page.fill("#id_body", "全覆盖排查并反馈。")
    page.fill("#id_deadline", (dt.date.today() + dt.timedelta(days=3)).isoformat())  # noqa: DTZ011
    page.check("#id_all_townships")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("assignments")).to_contain_text("第二乡")
    task = SupervisionTask.objects.get()

    sign_in(phone, live_server, supervisor)
    phone.goto(f"{live_server.url}/supervision/tasks/{task.pk}/")
    expect(phone.get_by_test_id("assignments")).not_to_contain_text("第二乡")
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    form = phone.get_by_test_id("feedback-form")
    form.locator("textarea[name=feedback]").fill("已排查120户，隐患3处已整改。")
    form.locator("input[name=evidence]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    expect(phone.get_by_test_id("assignments")).to_contain_text("现场.png")

    page.goto(f"{live_server.url}/supervision/tasks/{task.pk}/")
    row = page.locator(f"tr[data-unit='{first.name}']")
    row.locator("button[value=accept]").click()
    expect(page.locator(f"tr[data-unit='{first.name}'] .badge.text-bg-success")).to_be_visible()
    mine = task.assignments.get(unit__township=first)
    assert mine.state == AssignmentState.ACCEPTED and mine.on_time is True
    assert task.assignments.get(unit__township=second).state == AssignmentState.PENDING

    # The list's chart (ECharts, served locally) draws each unit's record.
    page.goto(f"{live_server.url}/supervision/tasks/?state=open")
    expect(page.get_by_test_id("chart-units").locator("canvas")).to_be_visible()
    expect(page.locator("[data-count=open]")).to_have_text("1")
