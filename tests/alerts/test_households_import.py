# ruff: noqa: F811 -- fixtures are imported from households_setup, then requested by name
"""Importing households from Excel: all-or-nothing, each bad cell named by row and column."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from anlan.alerts.excel_households import import_households
from anlan.alerts.models.households import Household

from .households_setup import (  # noqa: F401
    HEAD,
    english,
    household,
    keepers,
    login,
    outsiders,
    places,
    run_cli,
    workbook,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def good_rows(places):
    a, b = places["a"].code, places["b"].code
    return [
        [
            a,
            "导入户甲",
            "虚构路1号",
            "",
            "13800000001",
            "独居老人、残疾人",
            "寒冷，高温",
            1,
            "送煤",
        ],
        [b, "导入户乙", "虚构路2号", "邻居", "0354 7654321", "relapse_monitored", "flood", 4, ""],
        [a, "导入户丙", "虚构路3号", "", "", "Left-behind child", "Rain and flood", None, ""],
    ]


def test_a_good_file_imports_every_row(places, keepers):
    report = import_households(workbook(good_rows(places)), user=keepers["civil"])
    assert report.saved and report.created == 3 and not report.errors
    first = Household.objects.order_by("pk").first()
    assert first.categories == ["elderly_alone", "disabled"]
    assert first.check_for == ["cold", "heat"]
    assert first.personal()["head_name"] == "导入户甲" and first.people == 1
    assert Household.objects.order_by("pk").last().check_for == ["flood"]


def test_one_bad_row_saves_nothing_and_names_row_and_column(places, keepers):
    rows = good_rows(places)
    rows[1][6] = "风"  # unknown check group
    rows[2][4] = "phone?"  # bad phone
    rows[2][7] = 99  # too many people
    report = import_households(workbook(rows), user=keepers["civil"])
    assert not report.saved and Household.objects.count() == 0
    cells = {(e.row, e.column) for e in report.errors}
    assert cells == {(3, "check in"), (4, "phone"), (4, "people in the household")}
    assert "风" in next(e.reason for e in report.errors if e.row == 3)


def test_a_village_outside_the_importers_scope_is_an_error(places, keepers):
    rows = good_rows(places)
    report = import_households(workbook(rows), user=keepers["grid"])  # grid member of 甲村
    assert not report.saved
    assert [(e.row, e.column) for e in report.errors] == [(3, "village code")]
    assert "outside your jurisdiction" in report.errors[0].reason


def test_duplicates_in_the_file_and_in_the_register_are_refused(places, keepers, household):
    a = places["a"].code
    rows = [
        [a, "重复户", "虚构路9号", "", "", "other", "cold", 1, ""],
        [a, "重复户", "虚构路9号", "", "", "other", "cold", 1, ""],
        [
            a,
            household.personal()["head_name"],
            household.personal()["address"],
            "",
            "",
            "other",
            "cold",
            1,
            "",
        ],
    ]
    report = import_households(workbook(rows), user=keepers["civil"])
    reasons = {e.row: e.reason for e in report.errors}
    assert "row 2" in reasons[3] and household.code in reasons[4]
    assert Household.objects.count() == 1


def test_template_download_and_import_page(places, keepers):
    client = login(keepers["supervisor"])
    template = client.get(reverse("alerts:household-template"))
    assert template.status_code == 200
    header = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert header[0] == "village code" and "check in" in header
    upload = SimpleUploadedFile("h.xlsx", workbook(good_rows(places)))
    page = client.post(reverse("alerts:household-import"), {"file": upload})
    assert page.status_code == 200 and "3 households imported" in page.content.decode()


def test_import_page_lists_errors_and_refuses_a_non_excel_file(places, keepers):
    client = login(keepers["civil"])
    rows = good_rows(places)
    rows[0][0] = "999999999999"
    page = client.post(
        reverse("alerts:household-import"),
        {"file": SimpleUploadedFile("h.xlsx", workbook(rows))},
    )
    body = page.content.decode()
    assert page.status_code == 422 and "Nothing was imported" in body and "999999999999" in body
    fake = client.post(
        reverse("alerts:household-import"),
        {"file": SimpleUploadedFile("h.xlsx", b"%PDF-1.4 not excel")},
    )
    assert fake.status_code == 422 and "not an Excel" in fake.content.decode()
    assert Household.objects.count() == 0


def test_outsiders_may_not_import_or_download_the_template(outsiders):
    client = login(outsiders["regulator"])
    assert client.get(reverse("alerts:household-import")).status_code == 403
    assert client.get(reverse("alerts:household-template")).status_code == 403


def test_cli_imports_and_exports(places, keepers, tmp_path):
    good = tmp_path / "h.xlsx"
    good.write_bytes(workbook(good_rows(places)))
    assert "3 households imported" in run_cli("import", str(good), "--user", "civil")
    rows = [[*row[:1], row[1] + "二", *row[2:]] for row in good_rows(places)]
    rows[0][5] = ""
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(rows))
    with pytest.raises(CommandError, match="Nothing imported: 1 of 3"):
        run_cli("import", str(bad), "--user", "civil")
    out = tmp_path / "out.xlsx"
    assert "3 households written" in run_cli("export", str(out), "--user", "civil")
    text = " ".join(
        str(c) for r in load_workbook(out).active.iter_rows(values_only=True) for c in r
    )
    assert "导入户甲" in text and "13800000001" in text
