"""Deadline reminders, escalation of overdue hazards, and notices on workflow events."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from anlan.core.choices import NotificationKind, UserRole
from anlan.core.models import Notification
from anlan.core.uploads import check_upload
from anlan.hazards import notices, services
from anlan.hazards.choices import HazardStatus as S
from anlan.hazards.models import Hazard
from anlan.hazards.tasks import check_deadlines

from ..factories import EnterpriseFactory, make_user, township
from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 3, 2)
DEADLINE = dt.date(2026, 3, 20)


def at(day: dt.date, hour=9):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), tick=False)


def on(day: dt.date):
    with at(day):
        return check_deadlines()


def plan(deadline=DEADLINE):
    return {
        "measures": "加装防护罩",
        "responsible_person": "李四",
        "responsible_mobile": "13900001111",
        "funds": "5000",
        "deadline": deadline,
        "contingency": "停机监护",
    }


@pytest.fixture
def town(db):
    return township()


@pytest.fixture
def town_mine(town):
    return EnterpriseFactory(name="测试镇煤矿（演示）", region=town)


@pytest.fixture
def people(town, town_mine, lingshi_regulator, city_admin, yanhu_regulator):
    return {
        "mine": make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=town_mine),
        "guarantor": make_user("mine-guarantor", UserRole.GUARANTOR, enterprise=town_mine),
        "town": make_user("town-supervisor", UserRole.TOWNSHIP_SUPERVISOR, region=town),
        "county": lingshi_regulator,
        "city": city_admin,
        "elsewhere": yanhu_regulator,
    }


def assigned(actor, *, deadline=DEADLINE, **data):
    with at(START):
        hazard = services.report_hazard(
            user=actor,
            data={
                "description": "皮带机头未设防护罩",
                "category": "equipment",
                "channel": "department_patrol",
                **data,
            },
        )
        services.verify_hazard(hazard=hazard, user=actor)
        services.assign_plan(hazard=hazard, user=actor, plan=plan(deadline))
    return Hazard.objects.get(pk=hazard.pk)


@pytest.fixture
def hazard(people, town_mine):
    return assigned(people["county"], enterprise=town_mine)


def inbox(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("title", flat=True))


def recipients(sent, step):
    return sorted(name for item in sent if item.step == step for name in item.recipients)


# ---------------------------------------------------------------- reminders


def test_reminder_reaches_the_enterprise_three_days_before_the_deadline(hazard, people):
    assert on(DEADLINE - dt.timedelta(days=4)) == []
    sent = on(DEADLINE - dt.timedelta(days=3))
    assert recipients(sent, "reminder") == ["mine-guarantor", "mine-safety"]
    assert inbox(people["mine"], NotificationKind.DEADLINE_REMINDER) == [
        f"整改期限 2026-03-20（剩余 3 天）：{hazard.code}"
    ]
    for other in ("town", "county", "city", "elsewhere"):
        assert inbox(people[other], NotificationKind.DEADLINE_REMINDER) == []


def test_reminder_days_are_a_setting(hazard, people, settings):
    settings.ANLAN_HAZARD_REMINDER_DAYS = 5
    assert recipients(on(DEADLINE - dt.timedelta(days=5)), "reminder") == [
        "mine-guarantor",
        "mine-safety",
    ]


def test_running_the_job_again_sends_nothing_new(hazard, people):
    day = DEADLINE - dt.timedelta(days=2)
    assert on(day)
    assert on(day) == []
    assert on(DEADLINE) == []  # still the same deadline: one reminder per cycle
    assert len(inbox(people["mine"], NotificationKind.DEADLINE_REMINDER)) == 1


def test_public_place_reminder_reaches_the_township_supervisors(people, town):
    hazard = assigned(people["county"], place_name="镇文化站", region=town)
    sent = on(DEADLINE - dt.timedelta(days=1))
    assert recipients(sent, "reminder") == ["town-supervisor"]
    assert inbox(people["mine"]) == []
    assert hazard.code in inbox(people["town"], NotificationKind.DEADLINE_REMINDER)[0]


def test_closed_hazards_are_neither_reminded_nor_escalated(hazard, people):
    Hazard.objects.filter(pk=hazard.pk).update(status=S.CLOSED)
    assert on(DEADLINE - dt.timedelta(days=1)) == []
    assert on(DEADLINE + dt.timedelta(days=30)) == []


# ---------------------------------------------------------------- escalation


def test_overdue_hazard_escalates_one_level_per_step(hazard, people):
    on(DEADLINE - dt.timedelta(days=1))
    assert on(DEADLINE) == []  # due today is not overdue
    first = on(DEADLINE + dt.timedelta(days=1))
    assert recipients(first, "township") == ["mine-guarantor", "mine-safety", "town-supervisor"]
    assert on(DEADLINE + dt.timedelta(days=7)) == []
    second = on(DEADLINE + dt.timedelta(days=8))
    assert [(s.step, s.recipients) for s in second] == [("county", ["lingshi-regulator"])]
    third = on(DEADLINE + dt.timedelta(days=15))
    assert [(s.step, s.recipients) for s in third] == [("city", ["city-admin"])]
    assert on(DEADLINE + dt.timedelta(days=40)) == []  # the top is the city
    assert inbox(people["elsewhere"]) == []
    county = inbox(people["county"], NotificationKind.ESCALATION)
    assert county == [f"超期 8 天，已升级至县（市、区）：{hazard.code}"]


def test_a_missed_run_catches_up_every_level_due(hazard, people):
    sent = on(DEADLINE + dt.timedelta(days=20))
    assert [s.step for s in sent] == ["township", "county", "city"]


def test_escalation_step_is_a_setting(hazard, people, settings):
    settings.ANLAN_HAZARD_ESCALATION_STEP_DAYS = 2
    on(DEADLINE + dt.timedelta(days=1))
    assert [s.step for s in on(DEADLINE + dt.timedelta(days=3))] == ["county"]


def test_approved_extension_restarts_the_cycle(hazard, people):
    new_deadline = DEADLINE + dt.timedelta(days=30)
    with at(DEADLINE - dt.timedelta(days=3)):
        check_deadlines()
        extension = services.request_extension(
            hazard=hazard, user=people["mine"], new_deadline=new_deadline, reason="设备到货延迟"
        )
        services.decide_extension(extension=extension, user=people["county"], approve=True)
    assert on(DEADLINE + dt.timedelta(days=1)) == []  # no longer overdue
    again = on(new_deadline - dt.timedelta(days=3))
    assert recipients(again, "reminder") == ["mine-guarantor", "mine-safety"]
    assert len(inbox(people["mine"], NotificationKind.DEADLINE_REMINDER)) == 2
    assert recipients(on(new_deadline + dt.timedelta(days=1)), "township")


def test_detail_page_shows_how_far_the_hazard_was_escalated(client, hazard, people):
    on(DEADLINE + dt.timedelta(days=8))
    client.force_login(people["county"])
    with at(DEADLINE + dt.timedelta(days=9)):
        page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "超期：已于 2026-03-28 升级至县（市、区）。" in page
    reached = notices.escalation_reached(hazard)
    assert reached["level"] == "county"


def test_detail_page_of_a_hazard_on_time_shows_no_escalation(client, hazard, people):
    client.force_login(people["county"])
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="escalation"' not in page


def test_cli_check_deadlines_prints_what_it_sent(hazard, people):
    out = io.StringIO()
    with at(DEADLINE + dt.timedelta(days=1)):
        call_command("check_deadlines", stdout=out)
    text = out.getvalue()
    assert hazard.code in text and "township" in text and "town-supervisor" in text
    out = io.StringIO()
    call_command(
        "check_deadlines", "--date", (DEADLINE + dt.timedelta(days=1)).isoformat(), stdout=out
    )
    assert "Nothing due" in out.getvalue()


# ---------------------------------------------------------------- workflow events


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(func, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)

    return run


def test_a_new_report_reaches_the_township_and_county_not_the_reporter(
    people, town_mine, committed
):
    hazard = committed(
        services.report_hazard,
        user=people["mine"],
        data={
            "enterprise": town_mine,
            "description": "配电室门未上锁",
            "category": "electrical",
            "channel": "self_inspection",
        },
    )
    assert inbox(people["town"]) == [f"新上报隐患：{hazard.code}"]
    assert inbox(people["county"]) == [f"新上报隐患：{hazard.code}"]
    assert inbox(people["mine"]) == [] and inbox(people["city"]) == []
    assert inbox(people["elsewhere"]) == []


def test_the_workflow_tells_who_must_act_next(people, town_mine, committed):
    regulator = people["town"]
    hazard = committed(
        services.report_hazard,
        user=regulator,
        data={
            "enterprise": town_mine,
            "description": "消防通道堵塞",
            "category": "fire",
            "channel": "township_supervisor",
        },
    )
    committed(services.verify_hazard, hazard=hazard, user=regulator)
    with at(START):
        committed(services.assign_plan, hazard=hazard, user=regulator, plan=plan())
    assert inbox(people["mine"], NotificationKind.HAZARD_ASSIGNED)
    assert "2026-03-20" in inbox(people["mine"], NotificationKind.HAZARD_ASSIGNED)[0]
    committed(services.start_rectifying, hazard=hazard, user=people["mine"])
    committed(
        services.request_acceptance,
        hazard=hazard,
        user=people["mine"],
        evidence=[check_upload(jpeg_bytes(), "整改后.jpg")],
    )
    # A 一般 hazard is accepted at the nearest level that can: the township supervisor.
    assert inbox(people["town"], NotificationKind.ACCEPTANCE_REQUESTED)
    assert inbox(people["county"], NotificationKind.ACCEPTANCE_REQUESTED) == []
    committed(services.fail_acceptance, hazard=hazard, user=regulator, reason="防护罩未固定")
    failed = Notification.objects.get(
        recipient=people["mine"], kind=NotificationKind.ACCEPTANCE_FAILED
    )
    assert "防护罩未固定" in failed.body
    assert not Notification.objects.filter(recipient=regulator, kind="acceptance_failed").exists()


def test_closing_tells_the_enterprise_and_the_reporter(people, town_mine, committed):
    reporter = people["town"]
    hazard = assigned(reporter, enterprise=town_mine)
    Hazard.objects.filter(pk=hazard.pk).update(status=S.ACCEPTANCE_REQUESTED)
    hazard.refresh_from_db()
    services._attach(
        hazard,
        [check_upload(jpeg_bytes(), "a.jpg")],
        kind="evidence",
        user=people["mine"],
    )
    committed(services.accept_hazard, hazard=hazard, user=people["county"])
    closed = f"隐患已销号：{hazard.code}"
    assert inbox(people["mine"], NotificationKind.HAZARD_CLOSED) == [closed]
    assert inbox(reporter, NotificationKind.HAZARD_CLOSED) == [closed]
    assert inbox(people["county"], NotificationKind.HAZARD_CLOSED) == []


def test_a_failing_notice_never_breaks_the_workflow(people, town_mine, committed, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("notice failed")

    monkeypatch.setattr(notices, "reported", broken)
    hazard = committed(
        services.report_hazard,
        user=people["county"],
        data={
            "enterprise": town_mine,
            "description": "安全出口指示灯损坏",
            "category": "fire",
            "channel": "department_patrol",
        },
    )
    assert Hazard.objects.filter(pk=hazard.pk, status=S.REPORTED).exists()
