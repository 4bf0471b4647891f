"""Control-measure checks: due dates derived from the frequency and the last check, the task
pages, a failed check opening a hazard, and the daily reminder that tells people once."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from anlan.core.choices import UserRole
from anlan.core.models import ApiToken, Notification
from anlan.hazards.models import Hazard
from anlan.registry import risks
from anlan.registry.models import MeasureCheck
from anlan.registry.tasks import notify_due_checks

from ..factories import PersonFactory, make_user

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def mine_manager(lingshi_mine):
    return make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)


def make_measure(
    enterprise, user, frequency="daily", starts_on=None, every_days=None, kind="place"
):
    point = risks.save_risk_point(
        user=user,
        enterprise=enterprise,
        data={"name": "井下变电所", "kind": kind, "method": "ls", "ls_l": 3, "ls_s": 4},
    )
    person = PersonFactory(enterprise=enterprise, name="李责任")
    data = {"text": "检查漏电保护", "person": person, "frequency": frequency}
    if starts_on:
        data["starts_on"] = starts_on
    if every_days:
        data["every_days"] = every_days
    return risks.save_measure(user=user, point=point, data=data)


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{hour:02d}:00"))


@pytest.mark.parametrize(
    ("frequency", "every_days", "next_day"),
    [
        ("daily", None, "2026-03-11"),
        ("weekly", None, "2026-03-17"),
        ("monthly", None, "2026-04-10"),
        ("quarterly", None, "2026-06-10"),
        ("yearly", None, "2027-03-10"),
        ("every_n_days", 10, "2026-03-20"),
    ],
)
def test_next_due_is_one_period_after_the_last_check(
    frequency, every_days, next_day, lingshi_regulator, lingshi_mine
):
    with time_machine.travel(at("2026-03-01"), tick=False):
        measure = make_measure(lingshi_mine, lingshi_regulator, frequency, every_days=every_days)
        assert risks.next_due(measure) == dt.date(2026, 3, 1)  # first due on starts_on
    with time_machine.travel(at("2026-03-10"), tick=False):
        risks.record_check(user=lingshi_regulator, measure=measure, result="pass")
        assert risks.next_due(measure) == dt.date.fromisoformat(next_day)


def test_a_check_becomes_overdue_as_days_pass_without_a_stored_flag(
    lingshi_regulator, lingshi_mine
):
    with time_machine.travel(at("2026-03-01"), tick=False):
        measure = make_measure(lingshi_mine, lingshi_regulator, "weekly")
        risks.record_check(user=lingshi_regulator, measure=measure, result="pass")
    with time_machine.travel(at("2026-03-07"), tick=False):
        assert risks.due_checks(type(measure).objects.all()) == []
    with time_machine.travel(at("2026-03-08"), tick=False):
        (item,) = risks.due_checks(type(measure).objects.all())
        assert (item.due_on, item.is_overdue) == (dt.date(2026, 3, 8), False)
    with time_machine.travel(at("2026-03-11"), tick=False):
        (item,) = risks.due_checks(type(measure).objects.all())
        assert (item.is_overdue, item.overdue_days) == (True, 3)


def test_month_end_checks_stay_at_month_end(lingshi_regulator, lingshi_mine):
    with time_machine.travel(at("2026-01-31"), tick=False):
        measure = make_measure(lingshi_mine, lingshi_regulator, "monthly")
        risks.record_check(user=lingshi_regulator, measure=measure, result="pass")
        assert risks.next_due(measure) == dt.date(2026, 2, 28)


def test_failed_check_opens_a_self_inspection_hazard_linked_from_the_check(
    mine_manager, lingshi_mine, lingshi_regulator
):
    measure = make_measure(lingshi_mine, lingshi_regulator, kind="equipment")
    check = risks.record_check(
        user=mine_manager, measure=measure, result="fail", note="漏电保护器失灵"
    )
    hazard = Hazard.objects.get()
    assert check.hazard == hazard
    assert hazard.enterprise == lingshi_mine
    assert (hazard.channel, hazard.level, hazard.category) == (
        "self_inspection",
        "general",
        "equipment",
    )
    assert "检查漏电保护" in hazard.description and "漏电保护器失灵" in hazard.description
    assert "井下变电所" in hazard.description


def test_a_failed_check_needs_a_note_and_saves_nothing_without(
    mine_manager, lingshi_mine, lingshi_regulator
):
    measure = make_measure(lingshi_mine, lingshi_regulator)
    with pytest.raises(ValidationError) as info:
        risks.record_check(user=mine_manager, measure=measure, result="fail")
    assert "note" in info.value.message_dict
    assert not MeasureCheck.objects.exists() and not Hazard.objects.exists()


def test_enterprise_user_sees_due_checks_and_records_one_with_a_photo(
    client, mine_manager, lingshi_mine, lingshi_regulator
):
    measure = make_measure(
        lingshi_mine, lingshi_regulator, starts_on=timezone.localdate() - dt.timedelta(days=2)
    )
    client.force_login(mine_manager)
    page = client.get(reverse("registry:my_tasks"))
    html = page.content.decode()
    assert "我的管控任务" in html and "检查漏电保护" in html and "超期 2 天" in html
    url = reverse("registry:check_record", args=[lingshi_mine.pk, measure.pk])
    assert client.get(url).status_code == 200
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(url, {"result": "fail", "note": "保护器失灵", "photo": photo})
    assert response.status_code == 302
    check = MeasureCheck.objects.get()
    assert check.photo and check.photo_type == "image/png"
    assert check.hazard.attachments.count() == 1
    assert (
        client.get(reverse("registry:check_photo", args=[lingshi_mine.pk, check.pk])).status_code
        == 200
    )
    page = client.get(reverse("registry:my_tasks"))
    assert "目前没有应检的管控措施" in page.content.decode()


def test_a_text_file_named_png_is_refused_as_a_photo(
    client, mine_manager, lingshi_mine, lingshi_regulator
):
    measure = make_measure(lingshi_mine, lingshi_regulator)
    client.force_login(mine_manager)
    fake = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    response = client.post(
        reverse("registry:check_record", args=[lingshi_mine.pk, measure.pk]),
        {"result": "pass", "photo": fake},
    )
    assert response.status_code == 200
    assert 'data-field="photo"' in response.content.decode()
    assert not MeasureCheck.objects.exists()


def test_regulator_sees_overdue_counts_per_enterprise(client, lingshi_regulator, lingshi_mine):
    make_measure(
        lingshi_mine, lingshi_regulator, starts_on=timezone.localdate() - dt.timedelta(days=5)
    )
    client.force_login(lingshi_regulator)
    page = client.get(reverse("registry:my_tasks"))
    (row,) = page.context["by_enterprise"]
    assert (row.enterprise, row.overdue, row.due_today) == (lingshi_mine, 1, 0)
    assert "超期未检" in page.content.decode()


def test_other_county_cannot_record_or_list_checks(
    client, yanhu_regulator, lingshi_mine, lingshi_regulator
):
    measure = make_measure(lingshi_mine, lingshi_regulator)
    client.force_login(yanhu_regulator)
    url = reverse("registry:check_record", args=[lingshi_mine.pk, measure.pk])
    assert client.get(url).status_code == 404
    _, raw = ApiToken.issue(user=yanhu_regulator, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.post(
        f"/api/enterprises/measures/{measure.pk}/checks", {"result": "pass"}, **auth
    )
    assert response.status_code == 404
    assert client.get("/api/enterprises/control-checks/due", **auth).json() == []
    page = client.get(reverse("registry:my_tasks"))
    assert page.context["by_enterprise"] == []


def test_api_lists_due_checks_and_records_a_failed_one(
    client, mine_manager, lingshi_mine, lingshi_regulator
):
    measure = make_measure(lingshi_mine, lingshi_regulator)
    _, raw = ApiToken.issue(user=mine_manager, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    due = client.get("/api/enterprises/control-checks/due", **auth).json()
    assert [(d["measure_id"], d["overdue_days"]) for d in due] == [(measure.pk, 0)]
    bad = client.post(f"/api/enterprises/measures/{measure.pk}/checks", {"result": "maybe"}, **auth)
    assert bad.status_code == 422
    response = client.post(
        f"/api/enterprises/measures/{measure.pk}/checks",
        {"result": "fail", "note": "未检查"},
        **auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["hazard_code"].startswith("YH")
    assert client.get("/api/enterprises/control-checks/due", **auth).json() == []


def test_daily_job_notifies_the_enterprise_users_once(
    mine_manager, lingshi_mine, lingshi_regulator
):
    other = make_user("mine-guarantor", UserRole.GUARANTOR, enterprise=lingshi_mine)
    with time_machine.travel(at("2026-03-01", 7), tick=False):
        make_measure(lingshi_mine, lingshi_regulator)
        assert notify_due_checks() == 2
        assert notify_due_checks() == 0  # the same day again: nobody is told twice
        notes = Notification.objects.filter(recipient__in=[mine_manager, other])
        assert notes.count() == 2
        assert "今日有 1 项管控措施应检" in notes.first().title
        assert not Notification.objects.filter(recipient=lingshi_regulator).exists()
    with time_machine.travel(at("2026-03-02", 7), tick=False):
        # Still unchecked the next day: overdue, not "due today" — no new reminder.
        assert notify_due_checks() == 0


def test_cli_lists_due_checks(lingshi_regulator, lingshi_mine):
    make_measure(lingshi_mine, lingshi_regulator)
    out = io.StringIO()
    call_command("risks", "due", "--enterprise", str(lingshi_mine.pk), stdout=out)
    assert "检查漏电保护" in out.getvalue()
    assert "1 checks due or overdue." in out.getvalue()


def test_a_person_with_measures_cannot_be_removed(lingshi_regulator, lingshi_mine):
    from anlan.registry.services import delete_person

    measure = make_measure(lingshi_mine, lingshi_regulator)
    with pytest.raises(ValidationError):
        delete_person(user=lingshi_regulator, person=measure.person)
