"""督办 tasks through the services: issuing, feedback with evidence, review on time or late,
bad input, reminders and escalation, the overdue filter."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from anlan.core.choices import NotificationKind
from anlan.core.models import Notification
from anlan.core.uploads import check_upload
from anlan.supervision import office
from anlan.supervision.choices import AssignmentState, TaskState
from anlan.supervision.models import SupervisionTask, TaskAssignment, TaskEvidence

from .conftest import local
from .factories_office import PNG, lingshi_committee

pytestmark = pytest.mark.django_db

ISSUED = local(2026, 11, 2, 9)


@pytest.fixture
def committee(db):
    return lingshi_committee()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def issue(committee, regulator, *, deadline=dt.date(2026, 11, 10), **kw):
    kw.setdefault("all_townships", True)
    return office.issue_task(
        user=regulator,
        region=committee.region,
        title="冬季燃气排查",
        body="全覆盖排查并反馈。",
        deadline=deadline,
        now=ISSUED,
        **kw,
    )


def task_notes(user):
    return Notification.objects.filter(recipient=user, kind=NotificationKind.TASK)


def test_issuing_to_all_townships_assigns_each_once_and_tells_their_supervisors(
    committee, lingshi_regulator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = issue(committee, lingshi_regulator)
    units = sorted(a.unit.name for a in task.assignments.all())
    assert units == sorted(u.name for u in committee.towns)
    assert task.number == "灵安办督〔2026〕1号"
    for supervisor in committee.supervisors.values():
        assert task_notes(supervisor).count() == 1
    assert not task_notes(committee.liaison).exists()  # the department was not chosen


def test_issuing_to_a_department_tells_its_liaison_and_numbers_follow_on(
    committee, lingshi_regulator, django_capture_on_commit_callbacks
):
    issue(committee, lingshi_regulator)
    with django_capture_on_commit_callbacks(execute=True):
        task = issue(
            committee, lingshi_regulator, all_townships=False, units=[committee.department]
        )
    assert task.number == "灵安办督〔2026〕2号"
    assert task_notes(committee.liaison).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deadline": dt.date(2026, 11, 1)}, "deadline"),
        ({"all_townships": False, "units": []}, "units"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_task_names_the_field_and_saves_nothing(committee, lingshi_regulator, change, field):
    data = {
        "user": lingshi_regulator,
        "region": committee.region,
        "title": "排查",
        "body": "要求",
        "deadline": dt.date(2026, 11, 10),
        "all_townships": True,
        "now": ISSUED,
    } | change
    with pytest.raises(ValidationError) as exc:
        office.issue_task(**data)
    assert field in exc.value.message_dict
    assert not SupervisionTask.objects.exists()
    assert not TaskAssignment.objects.exists()


def test_a_unit_of_another_committee_cannot_be_chosen(committee, lingshi_regulator):
    from .factories_office import yanhu_unit

    with pytest.raises(ValidationError) as exc:
        issue(committee, lingshi_regulator, all_townships=False, units=[yanhu_unit()])
    assert "units" in exc.value.message_dict
    assert not SupervisionTask.objects.exists()


def test_only_the_office_issues(committee, yanhu_regulator):
    with pytest.raises(PermissionDenied):
        issue(committee, yanhu_regulator)
    supervisor = committee.supervisors["甲镇"]
    with pytest.raises(PermissionDenied):
        issue(committee, supervisor)


def test_feedback_by_the_deadline_day_is_accepted_as_on_time_and_after_it_as_late(
    committee, lingshi_regulator
):
    task = issue(committee, lingshi_regulator)
    first, second = (task.assignments.get(unit=u) for u in committee.towns[:2])
    photo = check_upload(PNG, "现场.png", field="evidence")
    office.submit_feedback(
        assignment=first,
        user=committee.supervisors["甲镇"],
        feedback="已排查120户。",
        evidence=[photo],
        now=local(2026, 11, 10, 23, 59),
    )
    office.submit_feedback(
        assignment=second,
        user=committee.supervisors["乙乡"],
        feedback="已排查80户。",
        now=local(2026, 11, 11, 0, 1),
    )
    assert TaskEvidence.objects.get(assignment=first).original_name == "现场.png"
    assert office.accept_feedback(assignment=first, user=lingshi_regulator).on_time is True
    assert office.accept_feedback(assignment=second, user=lingshi_regulator).on_time is False
    record = office.unit_record(committee.towns[1])
    assert (record["accepted"], record["on_time"], record["rate"]) == (1, 0, 0.0)


def test_returned_feedback_goes_back_with_the_comment_and_can_be_answered_again(
    committee, lingshi_regulator
):
    task = issue(committee, lingshi_regulator)
    a = task.assignments.get(unit=committee.towns[0])
    supervisor = committee.supervisors["甲镇"]
    office.submit_feedback(assignment=a, user=supervisor, feedback="已排查。", now=ISSUED)
    with pytest.raises(ValidationError) as exc:
        office.return_feedback(assignment=a, user=lingshi_regulator, comment=" ")
    assert "comment" in exc.value.message_dict
    a = office.return_feedback(assignment=a, user=lingshi_regulator, comment="缺少台账")
    assert (a.state, a.review_comment) == (AssignmentState.RETURNED, "缺少台账")
    a = office.submit_feedback(assignment=a, user=supervisor, feedback="补台账。", now=ISSUED)
    assert a.state == AssignmentState.SUBMITTED


def test_empty_feedback_or_a_bad_file_is_refused_and_changes_nothing(committee, lingshi_regulator):
    task = issue(committee, lingshi_regulator)
    a = task.assignments.get(unit=committee.towns[0])
    supervisor = committee.supervisors["甲镇"]
    with pytest.raises(ValidationError) as exc:
        office.submit_feedback(assignment=a, user=supervisor, feedback="  ")
    assert "feedback" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        check_upload(b"#!/bin/sh\necho hi\n", "run.sh", field="evidence")
    assert "evidence" in exc.value.message_dict
    a.refresh_from_db()
    assert a.state == AssignmentState.PENDING and a.feedback == ""
    assert not TaskEvidence.objects.exists()


def test_a_unit_cannot_answer_for_another_unit(committee, lingshi_regulator):
    task = issue(committee, lingshi_regulator)
    other = task.assignments.get(unit=committee.towns[1])
    with pytest.raises(PermissionDenied):
        office.submit_feedback(
            assignment=other, user=committee.supervisors["甲镇"], feedback="冒名"
        )
    assert (
        not office.visible_assignments(committee.supervisors["甲镇"], task)
        .filter(pk=other.pk)
        .exists()
    )


def test_reminders_and_escalation_each_reach_people_once(
    committee, lingshi_regulator, django_capture_on_commit_callbacks, settings
):
    settings.ANLAN_TASK_REMIND_DAYS_BEFORE = 2
    settings.ANLAN_TASK_ESCALATE_AFTER_DAYS = 1
    task = issue(committee, lingshi_regulator)
    answered = task.assignments.get(unit=committee.towns[0])
    office.submit_feedback(
        assignment=answered, user=committee.supervisors["甲镇"], feedback="完成", now=ISSUED
    )
    late_unit = committee.supervisors["乙乡"]
    before = task_notes(late_unit).count()

    assert office.chase(local(2026, 11, 5)).reminded == []  # too early
    run = office.chase(local(2026, 11, 8))
    assert len(run.reminded) == 2  # the two still awaited, not the one that answered
    assert office.chase(local(2026, 11, 9)).reminded == []
    assert task_notes(late_unit).count() == before + 1

    assert office.chase(local(2026, 11, 11)).escalated == []  # one day late: not yet
    run = office.chase(local(2026, 11, 12))
    assert len(run.escalated) == 2
    assert office.chase(local(2026, 11, 13)).escalated == []
    escalations = Notification.objects.filter(dedup_key__startswith="task-escalate-")
    assert escalations.filter(recipient=lingshi_regulator).count() == 2  # one per late unit
    assert escalations.filter(recipient=late_unit).count() == 1
    assert "乙乡书记" in escalations.filter(recipient=late_unit).get().body


def test_overdue_is_derived_from_the_deadline_and_the_filter_finds_it(committee, lingshi_regulator):
    late = issue(committee, lingshi_regulator, deadline=dt.date(2026, 11, 5))
    done = issue(committee, lingshi_regulator, deadline=dt.date(2026, 11, 5))
    for a in done.assignments.all():
        office.submit_feedback(
            assignment=a,
            user=lingshi_regulator.__class__.objects.get(
                username=f"sup-{a.unit.township.code[-3:]}"
            ),
            feedback="完成",
            now=ISSUED,
        )
        office.accept_feedback(assignment=a, user=lingshi_regulator)
    issue(committee, lingshi_regulator, deadline=dt.date(2026, 12, 30))  # open, not yet due
    tasks = SupervisionTask.objects.all()
    today = dt.date(2026, 11, 20)
    assert list(office.filter_tasks(tasks, state="overdue", today=today)) == [late]
    one_unit = office.filter_tasks(tasks, state="overdue", unit=committee.towns[0], today=today)
    assert list(one_unit) == [late]
    counts = office.state_counts(tasks, today=today)
    assert (counts["open"], counts["overdue"]) == (3, 1)
    office.close_task(task=late, user=lingshi_regulator)
    assert not office.filter_tasks(SupervisionTask.objects.all(), state="overdue", today=today)
    assert late.state == TaskState.CLOSED


def test_cancelling_needs_a_reason_and_a_cancelled_task_takes_no_feedback(
    committee, lingshi_regulator
):
    task = issue(committee, lingshi_regulator)
    with pytest.raises(ValidationError) as exc:
        office.cancel_task(task=task, user=lingshi_regulator, reason="")
    assert "reason" in exc.value.message_dict
    office.cancel_task(task=task, user=lingshi_regulator, reason="重复下发")
    a = task.assignments.get(unit=committee.towns[0])
    with pytest.raises(ValidationError):
        office.submit_feedback(assignment=a, user=committee.supervisors["甲镇"], feedback="x")


def test_units_and_duty_lists_are_saved_by_the_office_only(committee, lingshi_regulator):
    unit = office.save_unit(
        user=lingshi_regulator,
        committee_region=committee.region,
        data={"kind": "department", "name": "灵石县交通局", "sectors": "construction, heating"},
        duties=["负责道路运输安全。", ("督促企业落实制度。", "管行业必须管安全")],
    )
    assert unit.sectors == ["construction", "heating"]
    assert [d.text for d in unit.duties.all()] == ["负责道路运输安全。", "督促企业落实制度。"]
    with pytest.raises(ValidationError) as exc:
        office.save_unit(
            user=lingshi_regulator,
            committee_region=committee.region,
            data={"kind": "township", "name": "无乡镇"},
        )
    assert "township" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        office.set_duties(user=committee.supervisors["甲镇"], unit=unit, duties=["x"])
    assert unit.duties.count() == 2
