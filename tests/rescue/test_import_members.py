# ruff: noqa: F811 -- the fixtures are imported from members_setup, then requested by name
"""Importing a team's member roster from Excel: web page, API and CLI."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from anlan.core.choices import UserRole
from anlan.rescue.import_members import import_members
from anlan.rescue.models import Member, TeamUnit

from ..factories import LINGSHI, make_id_number, make_user
from .members_setup import (  # noqa: F401
    add_member,
    commander,
    english,
    frozen_day,
    lingshi_squad,
    squad_one,
    yanhu_team,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = [
    "name",
    "citizen ID number",
    "post",
    "squad or squadron",
    "mobile",
    "joined the team on",
    "qualifying experience since",
    "status",
]
GOOD_ID = make_id_number(LINGSHI, "19950505", 11)
LEADER_ID = make_id_number(LINGSHI, "19880808", 12)
OLD_ID = make_id_number(LINGSHI, "19780601", 13)  # 47 on 2 March 2026
BAD_ID = make_id_number(LINGSHI, "19960101", 14)[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")


def workbook(*rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_rows():
    return [
        ("王强", GOOD_ID, "队员", "一小队", "13900001111", "2024-01-01", "2023-01-01", "见习"),
        ("李明", LEADER_ID, "Squad leader", "二小队", "", "2020/5/1", "2019-05-01", ""),
    ]


def bad_file() -> bytes:
    return workbook(
        good_rows()[0],
        ("赵老", OLD_ID, "队员", "一小队", "", "2020-01-01", "2019-01-01", ""),
        ("钱错", BAD_ID, "队员", "一小队", "", "2020-01-01", "2019-01-01", ""),
    )


def cells(report) -> set:
    return {(e.row, e.column) for e in report.errors}


# ---------------------------------------------------------------- the import


def test_a_good_roster_adds_the_members_and_creates_the_missing_squad(
    lingshi_squad, squad_one, commander
):
    report = import_members(workbook(*good_rows()), user=commander, team=lingshi_squad)
    assert report.saved and report.created == 2 and not report.errors
    wang = Member.objects.get(team=lingshi_squad, id_number=GOOD_ID)
    assert (wang.post, wang.unit, wang.mobile) == ("member", squad_one, "13900001111")
    assert wang.status == "probation"
    li = Member.objects.get(id_number=LEADER_ID)
    assert li.post == "squad_leader" and li.status == "active"
    assert li.unit.name == "二小队" and li.unit.kind == "squad"


def test_a_47_year_old_member_and_a_bad_id_number_save_nothing_and_name_both_cells(
    lingshi_squad, commander
):
    report = import_members(bad_file(), user=commander, team=lingshi_squad)
    assert not report.saved
    assert cells(report) == {(3, "post"), (4, "citizen ID number")}
    assert "47" in next(e.reason for e in report.errors if e.row == 3)
    assert not Member.objects.filter(team=lingshi_squad).exists()
    assert not TeamUnit.objects.filter(team=lingshi_squad).exists()


def test_partial_saves_the_good_rows_and_reports_the_rest(lingshi_squad, commander):
    report = import_members(bad_file(), user=commander, team=lingshi_squad, partial=True)
    assert report.saved and report.created == 1 and report.bad_rows == 2
    assert list(Member.objects.filter(team=lingshi_squad).values_list("name", flat=True)) == [
        "王强"
    ]


def test_importing_the_same_file_again_changes_nothing(lingshi_squad, commander):
    data = workbook(*good_rows())
    import_members(data, user=commander, team=lingshi_squad)
    history = Member.history.count()
    again = import_members(data, user=commander, team=lingshi_squad)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Member.history.count() == history and TeamUnit.objects.count() == 2


def test_a_known_id_number_updates_that_member(lingshi_squad, commander):
    member = add_member(lingshi_squad, "王强", birth="19950505")
    row = ("王强", member.id_number, "Driver", "", "13911112222", "2024-01-01", "2023-01-01", "")
    report = import_members(workbook(row), user=commander, team=lingshi_squad)
    assert (report.created, report.updated) == (0, 1)
    member.refresh_from_db()
    assert (member.post, member.mobile) == ("driver", "13911112222")


def test_an_unknown_post_a_bad_date_and_a_repeated_id_are_named(lingshi_squad, commander):
    report = import_members(
        workbook(
            ("甲", GOOD_ID, "将军", "", "", "2024-01-01", "2023-01-01", ""),
            ("乙", LEADER_ID, "队员", "", "", "去年", "2023-01-01", ""),
            ("丙", LEADER_ID, "队员", "", "", "2024-01-01", "2023-01-01", ""),
        ),
        user=commander,
        team=lingshi_squad,
    )
    assert cells(report) == {(2, "post"), (3, "joined the team on"), (4, "citizen ID number")}


def test_a_file_that_is_not_excel_or_lacks_a_column_is_refused(lingshi_squad, commander):
    from anlan.rescue.imports import LedgerFileError

    with pytest.raises(LedgerFileError, match="not an Excel"):
        import_members(b"name,id\n", user=commander, team=lingshi_squad)
    with pytest.raises(LedgerFileError, match="post"):
        import_members(
            workbook(("甲",), header=["name", "citizen ID number"]),
            user=commander,
            team=lingshi_squad,
        )


# ---------------------------------------------------------------- web


def test_the_member_list_offers_the_template_and_the_upload_to_a_manager(
    client, lingshi_squad, commander
):
    client.cookies["django_language"] = "en"
    client.force_login(commander)
    page = client.get(f"/rescue/teams/{lingshi_squad.pk}/members/").content.decode()
    assert f"/rescue/teams/{lingshi_squad.pk}/members/import/template.xlsx" in page
    assert 'data-testid="import-form"' in page
    template = client.get(f"/rescue/teams/{lingshi_squad.pk}/members/import/template.xlsx")
    wb = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADER
    assert wb.worksheets[0].data_validations.dataValidation  # drop-down lists
    assert any("new squad" in str(r[0].value) for r in wb["Instructions"].iter_rows())


def test_a_liaison_who_sees_the_team_sees_no_upload_and_gets_403(client, lingshi_squad, city_admin):
    viewer = make_user("liaison", UserRole.MEMBER_UNIT_LIAISON, region=city_admin.region)
    client.force_login(viewer)
    page = client.get(f"/rescue/teams/{lingshi_squad.pk}/members/").content.decode()
    assert 'data-testid="import-form"' not in page
    assert client.get(f"/rescue/teams/{lingshi_squad.pk}/members/import/").status_code == 403


def test_the_web_upload_lists_the_errors_by_row_and_column(client, lingshi_squad, commander):
    client.cookies["django_language"] = "en"
    client.force_login(commander)
    url = f"/rescue/teams/{lingshi_squad.pk}/members/import/"
    upload = SimpleUploadedFile("roster.xlsx", bad_file())
    response = client.post(url, {"file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "<td>3</td><td>post</td>" in page and "<td>4</td><td>citizen ID number</td>" in page
    assert not Member.objects.exists()
    ok = client.post(url, {"file": SimpleUploadedFile("r.xlsx", workbook(*good_rows()))})
    assert ok.status_code == 200 and Member.objects.count() == 2


# ---------------------------------------------------------------- API


def test_the_api_imports_or_answers_422_with_one_item_per_bad_cell(
    client, lingshi_squad, commander
):
    client.cookies["django_language"] = "en"
    client.force_login(commander)
    url = f"/api/rescue/teams/{lingshi_squad.pk}/members/import"
    bad = client.post(url, {"file": SimpleUploadedFile("r.xlsx", bad_file())})
    assert bad.status_code == 422
    assert {tuple(d["loc"][2:]) for d in bad.json()["detail"]} == {
        (3, "post"),
        (4, "citizen ID number"),
    }
    assert not Member.objects.exists()
    partial = client.post(
        url, {"file": SimpleUploadedFile("r.xlsx", bad_file()), "partial": "true"}
    )
    assert partial.status_code == 200 and partial.json()["created"] == 1
    junk = client.post(url, {"file": SimpleUploadedFile("r.xlsx", b"%PDF-1.4")})
    assert junk.status_code == 422 and junk.json()["detail"][0]["loc"] == ["body", "file"]
    template = client.get(f"/api/rescue/teams/{lingshi_squad.pk}/members/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_another_countys_regulator_gets_404_on_the_api(client, lingshi_squad, yanhu_regulator):
    client.force_login(yanhu_regulator)
    base = f"/api/rescue/teams/{lingshi_squad.pk}/members"
    assert client.get(f"{base}/template.xlsx").status_code == 404
    response = client.post(f"{base}/import", {"file": SimpleUploadedFile("r.xlsx", bad_file())})
    assert response.status_code == 404
    assert client.get(f"/rescue/teams/{lingshi_squad.pk}/members/import/").status_code == 404


# ---------------------------------------------------------------- CLI


def run(*args) -> str:
    out = io.StringIO()
    call_command("rescue_members", *args, stdout=out)
    return out.getvalue()


def test_the_cli_imports_all_or_nothing_or_partial_and_writes_the_template(
    tmp_path, lingshi_squad, commander
):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bad_file())
    with pytest.raises(CommandError, match="Nothing imported: 2 of 3 rows"):
        run("import", str(lingshi_squad.pk), str(bad), "--user", commander.username)
    assert not Member.objects.exists()
    out = run("import", str(lingshi_squad.pk), str(bad), "--partial", "--user", commander.username)
    assert "1 created" in out and "citizen ID number" in out
    template = tmp_path / "template.xlsx"
    run("import", str(lingshi_squad.pk), str(template), "--template", "--user", "lingshi-commander")
    assert load_workbook(template).worksheets[0]["B1"].value == "citizen ID number"
