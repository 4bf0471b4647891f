"""The office's API (/api/office) and CLI (``office_units`` / ``office_tasks``)."""

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from anlan.core.models import ApiToken
from anlan.supervision.choices import AssignmentState
from anlan.supervision.models import MemberUnit, SupervisionTask, TaskEvidence

from .factories_office import PNG, lingshi_committee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def committee(db):
    return lingshi_committee()


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user, name='t')[1]}"}


def future(days=5):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def post(client, url, user, body):
    return client.post(url, json.dumps(body), content_type="application/json", **auth(user))


def test_api_issue_answer_accept_and_filter(client, committee, lingshi_regulator):
    response = post(
        client,
        "/api/office/tasks",
        lingshi_regulator,
        {
            "committee_region": "140729",
            "title": "燃气排查",
            "body": "要求",
            "deadline": future(),
            "all_townships": True,
        },
    )
    assert response.status_code == 201, response.content
    task = response.json()
    assert len(task["assignments"]) == 3 and task["number"].startswith("灵安办督〔")
    mine = next(a for a in task["assignments"] if a["unit"] == "甲镇")
    supervisor = committee.supervisors["甲镇"]

    # The township sees only its own row.
    seen = client.get(f"/api/office/tasks/{task['id']}", **auth(supervisor)).json()
    assert [a["unit"] for a in seen["assignments"]] == ["甲镇"]

    url = f"/api/office/tasks/{task['id']}/assignments/{mine['id']}/feedback"
    bad = client.post(
        url,
        {"feedback": "完成", "evidence": [SimpleUploadedFile("x.txt", b"plain text")]},
        **auth(supervisor),
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "evidence"
    empty = client.post(url, {"feedback": ""}, **auth(supervisor))
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"][-1] == "feedback"
    assert not TaskEvidence.objects.exists()
    ok = client.post(
        url,
        {"feedback": "完成", "evidence": [SimpleUploadedFile("p.png", PNG)]},
        **auth(supervisor),
    )
    assert ok.status_code == 200, ok.content

    accept = f"/api/office/tasks/{task['id']}/assignments/{mine['id']}/accept"
    assert post(client, accept, supervisor, {}).status_code == 403
    done = post(client, accept, lingshi_regulator, {"comment": "好"}).json()
    row = next(a for a in done["assignments"] if a["unit"] == "甲镇")
    assert row["state"] == AssignmentState.ACCEPTED and row["on_time"] is True
    assert row["evidence"] == ["p.png"]

    listing = client.get(
        "/api/office/tasks", {"state": "open", "region": "140729"}, **auth(lingshi_regulator)
    ).json()
    assert listing["count"] == 1
    counts = client.get("/api/office/tasks/counts", **auth(lingshi_regulator)).json()
    assert counts["open"] == 1 and counts["overdue"] == 0


def test_api_bad_task_names_the_field_and_other_counties_get_404(
    client, committee, lingshi_regulator, yanhu_regulator
):
    body = {"committee_region": "140729", "title": "x", "body": "y", "deadline": "2020-01-01"}
    response = post(client, "/api/office/tasks", lingshi_regulator, body | {"all_townships": True})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "deadline"
    response = post(client, "/api/office/tasks", lingshi_regulator, body | {"deadline": future()})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "units"
    assert not SupervisionTask.objects.exists()
    response = post(
        client,
        "/api/office/tasks",
        yanhu_regulator,
        body | {"deadline": future(), "all_townships": True},
    )
    assert response.status_code == 403
    task = post(
        client,
        "/api/office/tasks",
        lingshi_regulator,
        body | {"deadline": future(), "all_townships": True},
    ).json()
    assert client.get(f"/api/office/tasks/{task['id']}", **auth(yanhu_regulator)).status_code == 404
    assert (
        client.get(
            "/api/office/tasks", {"state": "nonsense"}, **auth(lingshi_regulator)
        ).status_code
        == 422
    )


def test_api_units_create_and_read(client, committee, lingshi_regulator):
    response = post(
        client,
        "/api/office/units",
        lingshi_regulator,
        {
            "committee_region": "140729",
            "kind": "department",
            "name": "灵石县能源局",
            "sectors": ["coal_mine"],
            "duties": [{"text": "负责煤矿行业管理", "basis": ""}],
        },
    )
    assert response.status_code == 201, response.content
    unit = response.json()
    assert unit["duties"][0]["text"] == "负责煤矿行业管理"
    bad = post(
        client,
        "/api/office/units",
        lingshi_regulator,
        {"committee_region": "140729", "kind": "township", "name": "无镇"},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "township"
    listing = client.get("/api/office/units", {"kind": "department"}, **auth(lingshi_regulator))
    assert {u["name"] for u in listing.json()["items"]} == {"灵石县住建局", "灵石县能源局"}
    liaison_view = client.get("/api/office/units", **auth(committee.liaison)).json()
    assert [u["name"] for u in liaison_view["items"]] == ["灵石县住建局"]


def test_cli_issue_feedback_review_and_list(committee, lingshi_regulator, tmp_path):
    out = io.StringIO()
    call_command(
        "office_tasks",
        "issue",
        "--committee",
        "140729",
        "--title",
        "命令行任务",
        "--body",
        "要求",
        "--deadline",
        future(),
        "--all-townships",
        "--user",
        "lingshi-regulator",
        stdout=out,
    )
    assert "to 3 units" in out.getvalue()
    task = SupervisionTask.objects.get()
    unit = committee.towns[0]
    photo = tmp_path / "p.png"
    photo.write_bytes(PNG)
    call_command(
        "office_tasks", "feedback", str(task.pk), str(unit.pk), "--text", "完成",
        "--file", str(photo), "--user", "sup-101", stdout=io.StringIO(),
    )  # fmt: skip
    out = io.StringIO()
    call_command(
        "office_tasks", "review", str(task.pk), str(unit.pk), "accept",
        "--user", "lingshi-regulator", stdout=out,
    )  # fmt: skip
    assert "accepted (on time)" in out.getvalue()
    with pytest.raises(CommandError, match="deadline"):
        call_command(
            "office_tasks", "issue", "--committee", "140729", "--title", "x", "--body", "y",
            "--deadline", "2020-01-01", "--all-townships", "--user", "lingshi-regulator",
        )  # fmt: skip
    with pytest.raises(CommandError, match="no unit"):
        call_command(
            "office_tasks", "feedback", str(task.pk), str(committee.towns[1].pk),
            "--text", "x", "--user", "sup-101",
        )  # fmt: skip
    out = io.StringIO()
    call_command(
        "office_tasks", "list", "--state", "open", "--user", "lingshi-regulator", stdout=out
    )
    assert "命令行任务" in out.getvalue() and "1/3" in out.getvalue()
    out = io.StringIO()
    call_command("office_tasks", "remind", "--user", "lingshi-regulator", stdout=out)
    assert "reminded" in out.getvalue()


def test_cli_units_export_and_import_round_trip(committee, lingshi_regulator, tmp_path):
    from anlan.supervision import office

    office.set_duties(user=lingshi_regulator, unit=committee.department, duties=["燃气安全"])
    path = tmp_path / "units.xlsx"
    call_command(
        "office_units", "export", str(path), "--user", "lingshi-regulator", stdout=io.StringIO()
    )
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    ws.append(
        ["140729", "灵石县水利局", "department", "", "", "", "", "", "", "", "", "防汛安全", ""]
    )
    wb.save(path)
    out = io.StringIO()
    call_command("office_units", "import", str(path), "--user", "lingshi-regulator", stdout=out)
    assert "units created: 1" in out.getvalue()
    assert MemberUnit.objects.get(name="灵石县水利局").duties.get().text == "防汛安全"
    assert committee.department.duties.get().text == "燃气安全"
    ws.append(["140729", "坏单位", "nonsense"])
    wb.save(path)
    with pytest.raises(CommandError, match="unknown kind"):
        call_command("office_units", "import", str(path), "--user", "lingshi-regulator")
    assert not MemberUnit.objects.filter(name="坏单位").exists()
    out = io.StringIO()
    call_command(
        "office_units", "show", str(committee.department.pk), "--user", "dept-liaison", stdout=out
    )
    assert "燃气安全" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("office_units", "show", str(committee.towns[0].pk), "--user", "dept-liaison")
