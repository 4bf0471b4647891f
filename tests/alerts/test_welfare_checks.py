# ruff: noqa: F811 -- fixtures are imported from households_setup, then requested by name
"""A warning creates welfare checks for the households that need them, the grid members are
told how many (never who), outcomes and hazards are recorded, and the board gets counts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from anlan.alerts import households as services
from anlan.alerts.models.households import WelfareCheck
from anlan.alerts.models.response import AlertFinding
from anlan.alerts.welfare import check_counts, create_checks, record_check, report_check_hazard
from anlan.core.choices import NotificationKind, UserRole
from anlan.core.models import Notification
from anlan.hazards.choices import HazardChannel

from ..factories import make_user
from .households_setup import (  # noqa: F401
    ADDRESS,
    HEAD,
    PHONE,
    english,
    household,
    household_data,
    keepers,
    login,
    make_alert,
    outsiders,
    places,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def mixed(places, keepers, household):
    """甲村: the cold household (fixture) and a flood one; 丙村 (other township): a cold one."""
    flood = services.create_household(
        user=keepers["civil"],
        data=household_data(places, head_name="洪涝户", check_for=["flood"]),
    )
    far = services.create_household(
        user=keepers["civil"], data=household_data(places, region=places["c"], head_name="远户")
    )
    return {"cold": household, "flood": flood, "far": far}


def test_cold_wave_yellow_checks_the_cold_households_of_the_area_only(mixed, places):
    alert = make_alert(regions=[places["town"]], signal_type="cold_wave", colour="yellow")
    now = timezone.now()
    assert create_checks(alert, now=now) == 1
    check = WelfareCheck.objects.get()
    assert check.household == mixed["cold"] and check.thread == alert
    assert check.due == now + dt.timedelta(hours=24)
    assert check.region == places["a"]


def test_colour_below_the_groups_threshold_or_unmapped_signal_creates_nothing(mixed, places):
    assert create_checks(make_alert(regions=[places["town"]], colour="blue")) == 0
    assert create_checks(make_alert(regions=[places["town"]], signal_type="fog")) == 0
    # Heat checks start at orange: a yellow heat warning creates none.
    heat = services.create_household(
        user=make_user("c2", UserRole.CIVIL_AFFAIRS, region=places["town"]),
        data=household_data(places, head_name="高温户", check_for=["heat"]),
    )
    assert create_checks(make_alert(regions=[places["town"]], signal_type="heat")) == 0
    assert create_checks(make_alert(regions=[places["a"]], signal_type="heat", colour="orange"))
    assert WelfareCheck.objects.get().household == heat


def test_an_update_of_the_warning_does_not_duplicate_checks(mixed, places):
    first = make_alert(regions=[places["town"]])
    assert create_checks(first) == 1
    update = make_alert(
        regions=[places["town"], places["other_town"]], colour="orange", thread=first
    )
    assert update.root == first
    assert create_checks(update) == 1  # only the far household is new
    assert create_checks(update) == 0
    assert WelfareCheck.objects.filter(thread=first).count() == 2
    # The orange update brought the pending check's due time forward to 12 hours.
    latest_due = max(WelfareCheck.objects.values_list("due", flat=True))
    assert latest_due <= timezone.now() + dt.timedelta(hours=12)


def test_inactive_households_get_no_check(mixed, places, keepers):
    services.deactivate_household(user=keepers["civil"], household=mixed["cold"])
    assert create_checks(make_alert(regions=[places["town"]])) == 0


def test_grid_members_are_told_how_many_without_names(
    mixed, places, keepers, django_capture_on_commit_callbacks
):
    services.create_household(
        user=keepers["civil"], data=household_data(places, head_name="第二冷户")
    )
    with django_capture_on_commit_callbacks(execute=True):
        create_checks(make_alert(regions=[places["town"], places["other_town"]]))
    note = Notification.objects.get(recipient=keepers["grid"])
    assert note.kind == NotificationKind.WELFARE_CHECK
    assert "2 households" in note.title and "甲村" in note.title
    assert note.link.startswith(reverse("alerts:check-list"))
    for text in (note.title, note.body, note.link):
        assert HEAD not in text and "第二冷户" not in text and PHONE not in text
        assert ADDRESS not in text
    # 乙村's grid member has no household to check; 丙村 has no grid member: nobody there.
    assert not Notification.objects.filter(recipient=keepers["other_grid"]).exists()


def test_recording_an_outcome(mixed, places, keepers):
    create_checks(make_alert(regions=[places["town"]]))
    check = WelfareCheck.objects.get()
    record_check(user=keepers["grid"], check=check, outcome="visited", note="一切正常")
    check.refresh_from_db()
    assert check.outcome == "visited" and check.checked_by == keepers["grid"]
    assert check.checked_at is not None
    record_check(user=keepers["grid"], check=check, outcome="moved")
    check.refresh_from_db()
    assert check.outcome == "moved"


def test_bad_outcome_future_time_and_outsiders_are_refused(mixed, places, keepers, outsiders):
    create_checks(make_alert(regions=[places["town"]]))
    check = WelfareCheck.objects.get()
    with pytest.raises(ValidationError) as exc:
        record_check(user=keepers["grid"], check=check, outcome="pending")
    assert set(exc.value.message_dict) == {"outcome"}
    with pytest.raises(ValidationError) as exc:
        record_check(
            user=keepers["grid"],
            check=check,
            outcome="visited",
            at=timezone.now() + dt.timedelta(hours=1),
        )
    assert set(exc.value.message_dict) == {"at"}
    for user in [keepers["other_grid"], *outsiders.values()]:
        with pytest.raises(PermissionDenied):
            record_check(user=user, check=check, outcome="visited")
    check.refresh_from_db()
    assert check.outcome == "pending"


def test_a_hazard_found_on_the_visit_enters_the_hazard_loop(mixed, places, keepers):
    alert = make_alert(regions=[places["town"]])
    create_checks(alert)
    check = WelfareCheck.objects.get()
    hazard = report_check_hazard(
        user=keepers["grid"], check=check, description="房屋取暖炉烟道破损（测试）"
    )
    assert hazard.channel == HazardChannel.WARNING_CHECK and hazard.region == places["a"]
    assert hazard.code.startswith("YH")
    assert HEAD not in hazard.place_name and check.household.code in hazard.place_name
    finding = AlertFinding.objects.get()
    assert finding.thread == alert and finding.welfare_check == check and finding.hazard == hazard
    with pytest.raises(ValidationError) as exc:
        report_check_hazard(user=keepers["grid"], check=check, description=" ")
    assert set(exc.value.message_dict) == {"description"}


def test_counts_for_the_board_carry_no_personal_data(mixed, places, keepers):
    alert = make_alert(regions=[places["town"], places["other_town"]])
    create_checks(alert)
    check = WelfareCheck.objects.get(household=mixed["cold"])
    record_check(user=keepers["grid"], check=check, outcome="unreachable")
    counts = check_counts(alert)
    assert counts["total"] == 2 and counts["checked"] == 1
    assert counts["by_outcome"]["unreachable"] == 1 and counts["by_outcome"]["pending"] == 1
    assert counts["by_village"][places["a"].code]["unreachable"] == 1
    assert counts["by_village"][places["c"].code]["name"] == "丙村"
    assert HEAD not in str(counts) and "远户" not in str(counts)
    later = timezone.now() + dt.timedelta(days=3)
    assert check_counts(alert, now=later)["overdue"] == 1


def test_checks_page_lists_pending_first_and_records_an_outcome(mixed, places, keepers):
    alert = make_alert(regions=[places["town"]])
    create_checks(alert)
    client = login(keepers["grid"])
    page = client.get(reverse("alerts:check-list"), {"warning": alert.pk})
    body = page.content.decode()
    assert page.status_code == 200 and HEAD in body and PHONE in body
    assert "0 of 1 households checked" in body
    check = WelfareCheck.objects.get()
    response = client.post(
        reverse("alerts:check-record", args=[check.pk]), {"outcome": "needs_met", "note": "送煤"}
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.outcome == "needs_met" and check.note == "送煤"
    bad = client.post(reverse("alerts:check-record", args=[check.pk]), {"outcome": "lost"})
    assert bad.status_code == 302
    check.refresh_from_db()
    assert check.outcome == "needs_met"
    client.post(reverse("alerts:check-hazard", args=[check.pk]), {"description": "电线老化"})
    assert AlertFinding.objects.filter(welfare_check=check).exists()
    other = login(keepers["other_grid"])
    assert (
        other.post(
            reverse("alerts:check-record", args=[check.pk]), {"outcome": "visited"}
        ).status_code
        == 404
    )
