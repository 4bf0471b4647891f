"""包保 duty checks: generation per period setting, completion, hazards from findings, missed
checks and their notices."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from anlan.core.models import Notification
from anlan.hazards.models import Hazard
from anlan.supervision import services
from anlan.supervision.models import GuaranteeCheck

from .conftest import local

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def periods():
    return {
        c.role: (c.period_start, c.period_end, c.person_name) for c in GuaranteeCheck.objects.all()
    }


def test_default_schedule_weekly_operations_quarterly_technical_and_principal(source):
    run = services.generate_checks(dt.date(2026, 5, 14))  # a Thursday in Q2
    assert len(run.created) == 3
    assert periods() == {
        "operations": (dt.date(2026, 5, 11), dt.date(2026, 5, 17), "液氨罐区赵操作"),
        "technical": (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "液氨罐区李技术"),
        "principal": (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "液氨罐区王主要"),
    }
    assert all(c.due_date == c.period_end for c in GuaranteeCheck.objects.all())


def test_generation_is_idempotent_and_a_new_week_adds_one_check(source):
    services.generate_checks(dt.date(2026, 5, 14))
    assert services.generate_checks(dt.date(2026, 5, 16)).created == []
    run = services.generate_checks(dt.date(2026, 5, 18))
    assert [(c.role, c.period_start) for c in run.created] == [("operations", dt.date(2026, 5, 18))]
    assert GuaranteeCheck.objects.count() == 4


def test_principal_period_follows_the_setting(source, settings):
    settings.ANLAN_GUARANTEE_PERIODS = {
        "operations": "week",
        "technical": "month",
        "principal": "month",
    }
    services.generate_checks(dt.date(2026, 2, 10))
    got = periods()
    assert got["principal"][:2] == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert got["technical"][:2] == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_a_less_frequent_operations_check_than_weekly_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from anlan.settings import env_guarantee_periods

    monkeypatch.setenv("ANLAN_GUARANTEE_PERIODS", "operations=month")
    with pytest.raises(ImproperlyConfigured, match="operations"):
        env_guarantee_periods(
            "ANLAN_GUARANTEE_PERIODS", "operations=week,technical=quarter,principal=quarter"
        )
    monkeypatch.setenv("ANLAN_GUARANTEE_PERIODS", "principal=year")
    with pytest.raises(ImproperlyConfigured, match="principal=year"):
        env_guarantee_periods(
            "ANLAN_GUARANTEE_PERIODS", "operations=week,technical=quarter,principal=quarter"
        )


def test_new_checks_notify_the_enterprise_once(
    source, mine_safety, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.generate_checks(dt.date(2026, 5, 14))
        services.generate_checks(dt.date(2026, 5, 15))
    titles = list(Notification.objects.filter(recipient=mine_safety).values_list("title", "kind"))
    assert len(titles) == 3 and {k for _t, k in titles} == {"duty"}
    assert any("液氨罐区" in t and "赵操作" in t for t, _k in titles)


def test_completion_with_problems_opens_a_self_inspection_hazard_with_the_photo(
    source, mine_guarantor
):
    services.generate_checks(dt.date(2026, 5, 14))
    check = GuaranteeCheck.objects.get(role="operations")
    from anlan.core.uploads import check_upload

    with time_machine.travel(local(2026, 5, 15), tick=False):
        services.complete_check(
            check=check,
            user=mine_guarantor,
            result="problems",
            findings="2号储罐液位计失灵",
            photo=check_upload(PNG, "tank.png", field="photo"),
            open_hazard=True,
        )
    check.refresh_from_db()
    assert check.status == "done" and check.completed_by == mine_guarantor
    assert check.photo.original_name == "tank.png"
    hazard = Hazard.objects.get()
    assert check.hazard == hazard
    assert hazard.channel == "self_inspection" and hazard.enterprise == source.enterprise
    assert "2号储罐液位计失灵" in hazard.description
    assert hazard.attachments.count() == 1


def test_problems_need_findings_and_nothing_is_saved(source, mine_safety):
    services.generate_checks(dt.date(2026, 5, 14))
    check = GuaranteeCheck.objects.get(role="operations")
    with pytest.raises(ValidationError) as exc:
        services.complete_check(check=check, user=mine_safety, result="problems", findings=" ")
    assert "findings" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.complete_check(check=check, user=mine_safety, result="maybe")
    assert "result" in exc.value.message_dict
    check.refresh_from_db()
    assert check.completed_at is None and not Hazard.objects.exists()


def test_a_check_cannot_be_completed_twice_nor_by_a_regulator(
    source, mine_safety, lingshi_regulator
):
    services.generate_checks(dt.date(2026, 5, 14))
    check = GuaranteeCheck.objects.get(role="operations")
    with pytest.raises(PermissionDenied):
        services.complete_check(check=check, user=lingshi_regulator, result="ok")
    services.complete_check(check=check, user=mine_safety, result="ok")
    with pytest.raises(ValidationError) as exc:
        services.complete_check(check=check, user=mine_safety, result="ok")
    assert "check" in exc.value.message_dict


def test_missed_check_is_reported_once_to_enterprise_and_county_and_stays_late_when_done(
    source, mine_safety, lingshi_regulator, yanhu_regulator
):
    with time_machine.travel(local(2026, 5, 14), tick=False):
        services.generate_checks()
    check = GuaranteeCheck.objects.get(role="operations")
    with time_machine.travel(local(2026, 5, 17, 23, 0), tick=False):
        assert check.status == "due"
        assert services.generate_checks().missed_notified == []
    with time_machine.travel(local(2026, 5, 18, 6, 5), tick=False):
        assert check.status == "missed"
        assert GuaranteeCheck.objects.with_status("missed").get() == check
        assert services.generate_checks().missed_notified == [check.pk]
        assert services.generate_checks().missed_notified == []
    missed = Notification.objects.filter(title__startswith="包保检查未按期完成")
    assert {n.recipient for n in missed} == {mine_safety, lingshi_regulator}
    assert all(n.kind == "duty" and "液氨罐区" in n.title for n in missed)
    with time_machine.travel(local(2026, 5, 19), tick=False):
        services.complete_check(check=check, user=mine_safety, result="ok")
        check.refresh_from_db()
        assert check.status == "late"
        assert GuaranteeCheck.objects.with_status("late").get() == check
        assert not GuaranteeCheck.objects.with_status("missed").exists()
