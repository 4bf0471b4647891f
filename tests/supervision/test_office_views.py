"""The office's pages: units and duty lists, the task list with its filters and counts, the task
page (per-unit table, feedback with files, accept / return), issuing; scoping 404 and 403."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from anlan.core.uploads import check_upload
from anlan.supervision import office
from anlan.supervision.choices import AssignmentState
from anlan.supervision.models import MemberUnit, SupervisionTask, TaskEvidence

from .conftest import local
from .factories_office import PNG, lingshi_committee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def committee(db):
    return lingshi_committee()


@pytest.fixture
def task(committee, lingshi_regulator):
    return office.issue_task(
        user=lingshi_regulator,
        region=committee.region,
        title="冬季燃气排查",
        body="全覆盖排查并反馈。",
        deadline=timezone.localdate() + dt.timedelta(days=5),
        all_townships=True,
    )


def test_office_sees_units_with_filters_and_a_unit_page_with_duties(
    client, committee, lingshi_regulator
):
    office.set_duties(user=lingshi_regulator, unit=committee.department, duties=["负责燃气安全。"])
    client.force_login(lingshi_regulator)
    page = client.get(reverse("supervision:units"), {"kind": "township"}).content.decode()
    assert "甲镇" in page and "灵石县住建局" not in page
    page = client.get(reverse("supervision:unit", args=[committee.department.pk])).content.decode()
    assert "负责燃气安全。" in page
    export = client.get(reverse("supervision:units-export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_a_township_supervisor_sees_only_their_unit(client, committee):
    client.force_login(committee.supervisors["甲镇"])
    page = client.get(reverse("supervision:units")).content.decode()
    assert "甲镇" in page and "乙乡" not in page
    other = committee.towns[1]
    assert client.get(reverse("supervision:unit", args=[other.pk])).status_code == 404
    assert client.get(reverse("supervision:unit-new")).status_code == 403


def test_the_office_creates_a_unit_with_its_duty_list_on_the_page(
    client, committee, lingshi_regulator
):
    client.force_login(lingshi_regulator)
    response = client.post(
        reverse("supervision:unit-new"),
        {
            "committee_region": committee.region.pk,
            "kind": "department",
            "name": "灵石县教育局",
            "sectors": "",
            "order": 0,
            "active": "on",
            "duties": "指导学校安全工作 | 教育法\n组织疏散演练",
        },
    )
    unit = MemberUnit.objects.get(name="灵石县教育局")
    assert response.status_code == 302
    assert [(d.text, d.basis) for d in unit.duties.all()] == [
        ("指导学校安全工作", "教育法"),
        ("组织疏散演练", ""),
    ]


def test_issuing_on_the_page_with_a_past_deadline_names_the_field(
    client, committee, lingshi_regulator
):
    client.force_login(lingshi_regulator)
    response = client.post(
        reverse("supervision:task-issue"),
        {
            "region": committee.region.pk,
            "title": "排查",
            "body": "要求",
            "priority": "normal",
            "deadline": "2020-01-01",
            "all_townships": "on",
        },
    )
    assert response.status_code == 200
    assert 'data-field="deadline"' in response.content.decode()
    assert not SupervisionTask.objects.exists()
    response = client.post(
        reverse("supervision:task-issue"),
        {
            "region": committee.region.pk,
            "title": "排查",
            "body": "要求",
            "priority": "normal",
            "deadline": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "units": [committee.towns[0].pk, committee.department.pk],
        },
    )
    task = SupervisionTask.objects.get()
    assert response.status_code == 302 and task.assignments.count() == 2


def test_the_unit_answers_with_a_photo_and_the_office_accepts(
    client, committee, task, lingshi_regulator
):
    supervisor = committee.supervisors["甲镇"]
    mine = task.assignments.get(unit=committee.towns[0])
    client.force_login(supervisor)
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert "甲镇" in page and "乙乡" not in page  # not the other units' rows
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("supervision:task-feedback", args=[task.pk, mine.pk]),
        {"feedback": "已排查120户", "evidence": SimpleUploadedFile("现场.png", PNG)},
    )
    assert response.status_code == 302
    evidence = TaskEvidence.objects.get()
    assert client.get(reverse("supervision:task-evidence", args=[evidence.pk])).status_code == 200

    client.force_login(lingshi_regulator)
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert "已排查120户" in page and "现场.png" in page and 'value="accept"' in page
    client.post(reverse("supervision:task-review", args=[task.pk, mine.pk]), {"decision": "accept"})
    mine.refresh_from_db()
    assert mine.state == AssignmentState.ACCEPTED and mine.on_time is True


def test_a_bad_file_or_empty_feedback_on_the_page_changes_nothing(client, committee, task):
    from django.core.files.uploadedfile import SimpleUploadedFile

    mine = task.assignments.get(unit=committee.towns[0])
    client.force_login(committee.supervisors["甲镇"])
    url = reverse("supervision:task-feedback", args=[task.pk, mine.pk])
    response = client.post(
        url, {"feedback": "完成", "evidence": SimpleUploadedFile("a.exe", b"MZ\x90\x00bad")}
    )
    assert response.status_code == 422
    assert 'data-field="evidence"' in response.content.decode()
    response = client.post(url, {"feedback": ""})
    assert response.status_code == 422
    assert 'data-field="feedback"' in response.content.decode()
    mine.refresh_from_db()
    assert mine.state == AssignmentState.PENDING and not TaskEvidence.objects.exists()


def test_a_unit_cannot_see_or_answer_another_units_task(client, committee, lingshi_regulator):
    only_second = office.issue_task(
        user=lingshi_regulator,
        region=committee.region,
        title="只给乙乡",
        body="要求",
        deadline=timezone.localdate() + dt.timedelta(days=3),
        units=[committee.towns[1]],
    )
    theirs = only_second.assignments.get()
    client.force_login(committee.supervisors["甲镇"])
    assert client.get(reverse("supervision:task", args=[only_second.pk])).status_code == 404
    response = client.post(
        reverse("supervision:task-feedback", args=[only_second.pk, theirs.pk]), {"feedback": "x"}
    )
    assert response.status_code == 404
    listing = client.get(reverse("supervision:tasks"))
    assert "只给乙乡" not in listing.content.decode()
    assert listing.context["chart"]["labels"] in ([], ["甲镇"])  # never another unit's record


def test_a_unit_cannot_review_its_own_feedback(client, committee, task):
    mine = task.assignments.get(unit=committee.towns[0])
    supervisor = committee.supervisors["甲镇"]
    office.submit_feedback(assignment=mine, user=supervisor, feedback="完成")
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:task-review", args=[task.pk, mine.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403


def test_the_task_list_filters_overdue_and_counts(client, committee, lingshi_regulator):
    import time_machine

    with time_machine.travel(local(2026, 11, 1, 9)):
        late = office.issue_task(
            user=lingshi_regulator,
            region=committee.region,
            title="逾期任务",
            body="要求",
            deadline=dt.date(2026, 11, 5),
            all_townships=True,
        )
        office.issue_task(
            user=lingshi_regulator,
            region=committee.region,
            title="未到期任务",
            body="要求",
            deadline=dt.date(2026, 12, 30),
            all_townships=True,
        )
    evidence = check_upload(PNG, "x.png")
    assert evidence.extension == ".png"
    client.force_login(lingshi_regulator)
    with time_machine.travel(local(2026, 11, 20, 9)):
        response = client.get(reverse("supervision:tasks"), {"state": "overdue"})
        page = response.content.decode()
        assert "逾期任务" in page and "未到期任务" not in page
        assert 'data-count="overdue">1<' in page
        chart = response.context["chart"]
        overdue = next(s for s in chart["series"] if s["key"] == "overdue")
        assert overdue["data"] == [1, 1, 1]  # each township is past one deadline
        page = client.get(
            reverse("supervision:tasks"),
            {"date_from": "2026-11-01", "date_to": "2026-11-01", "region": "140729"},
        ).content.decode()
        assert "逾期任务" in page and "未到期任务" in page
        page = client.get(reverse("supervision:tasks"), {"date_from": "bad"}).content.decode()
        assert 'data-field="date_from"' in page
        detail = client.get(reverse("supervision:task", args=[late.pk])).content.decode()
        assert detail.count('data-testid="overdue"') == 3
    export = client.get(reverse("supervision:tasks-export"))
    assert export.status_code == 200


def test_a_county_regulator_of_another_county_sees_no_lingshi_task(client, task, yanhu_regulator):
    client.force_login(yanhu_regulator)
    assert client.get(reverse("supervision:task", args=[task.pk])).status_code == 404
    assert client.get(reverse("supervision:tasks")).status_code == 200


@pytest.mark.parametrize(
    "who", ["lingshi_regulator", "city_admin", "system_admin", "liaison", "supervisor", "mine_user"]
)
def test_every_office_page_answers_each_role_without_error(
    client, committee, task, who, request, lingshi_mine
):
    from anlan.core.choices import UserRole
    from tests.factories import make_user

    users = {
        "liaison": committee.liaison,
        "supervisor": committee.supervisors["甲镇"],
        "mine_user": make_user("mine-u", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine),
    }
    user = users.get(who) or request.getfixturevalue(who)
    client.force_login(user)
    office_role = office.is_office(user)
    for name, args in [
        ("supervision:units", []),
        ("supervision:tasks", []),
        ("supervision:units-export", []),
        ("supervision:tasks-export", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    for name in ("supervision:unit-new", "supervision:task-issue", "supervision:units-import"):
        assert client.get(reverse(name)).status_code == (200 if office_role else 403), name
    sees_task = who in {"lingshi_regulator", "city_admin", "system_admin", "supervisor"}
    status = client.get(reverse("supervision:task", args=[task.pk])).status_code
    assert status == (200 if sees_task else 404)
    status = client.get(reverse("supervision:unit", args=[committee.department.pk])).status_code
    assert status == (
        200 if who in {"lingshi_regulator", "city_admin", "system_admin", "liaison"} else 404
    )


def test_the_office_issues_a_task_from_a_hazard_page_and_the_task_links_back(
    client, committee, lingshi_regulator, lingshi_mine
):
    from tests.reports.factories_dash import hazard

    found = hazard(lingshi_mine, level="major")
    client.force_login(lingshi_regulator)
    page = client.get(reverse("hazards:detail", args=[found.pk])).content.decode()
    issue_url = f"{reverse('supervision:task-issue')}?hazard={found.pk}"
    assert f'href="{issue_url}"' in page
    form = client.get(issue_url).content.decode()
    assert f'name="hazard" value="{found.pk}"' in form
    response = client.post(
        issue_url,
        {
            "region": committee.region.pk,
            "title": "重大隐患挂牌督办",
            "body": "限期整改并反馈。",
            "priority": "urgent",
            "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "all_townships": "on",
            "hazard": found.pk,
        },
    )
    task = SupervisionTask.objects.get()
    assert response.status_code == 302 and task.hazard == found
    detail = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert reverse("hazards:detail", args=[found.pk]) in detail


def test_only_the_office_sees_the_issue_button_on_a_hazard(client, committee, lingshi_mine):
    from anlan.core.choices import UserRole
    from tests.factories import make_user
    from tests.reports.factories_dash import hazard

    found = hazard(lingshi_mine)
    staff = make_user("safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    client.force_login(staff)
    page = client.get(reverse("hazards:detail", args=[found.pk])).content.decode()
    assert 'data-testid="issue-task"' not in page
