"""Trainings from Excel: the template, the all-or-nothing import with row and column errors."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from anlan.supervision import excel_activities as excel
from anlan.supervision.models import TrainingSession

from .factories_activities import LINGSHI, XIYANG, make_unit

pytestmark = pytest.mark.django_db

HEADER = [
    "region code",
    "kind",
    "title",
    "date",
    "organised by (member unit)",
    "enterprise credit code",
    "lecturer",
    "place",
    "sessions held",
    "person-times",
    "hours",
    "note",
]


@pytest.fixture(autouse=True)
def december_2026():
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        with translation.override("en"):
            yield


def workbook(*rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(
    region=LINGSHI,
    kind="principal_lecture",
    title="讲安全",
    date="2026-03-02",
    participants=60,
    **extra,
):
    values = {"organiser": "", "enterprise": "", "sessions": 1, "hours": 2, **extra}
    return [
        region,
        kind,
        title,
        date,
        values["organiser"],
        values["enterprise"],
        "张三",
        "会议室",
        values["sessions"],
        participants,
        values["hours"],
        "",
    ]


def test_the_template_has_a_drop_down_for_the_kind(lingshi_regulator):
    wb = load_workbook(io.BytesIO(excel.template(user=lingshi_regulator)))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]][:4] == ["region code", "kind", "title", "date"]
    ranges = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
    assert "B2" in ranges  # the kind column
    assert "Instructions" in wb.sheetnames


def test_a_good_workbook_imports_every_row(lingshi_regulator):
    data = workbook(row(), row(kind="Skills training", participants=25, date=dt.date(2026, 4, 1)))
    report = excel.import_trainings(data, user=lingshi_regulator)
    assert report.saved and report.created == 2
    assert sorted(TrainingSession.objects.values_list("kind", "participants")) == [
        ("principal_lecture", 60),
        ("skills", 25),
    ]


def test_one_bad_cell_and_nothing_is_imported(lingshi_regulator):
    data = workbook(row(), row(participants=-4), row(kind="讲座?"), row(region=XIYANG))
    report = excel.import_trainings(data, user=lingshi_regulator)
    assert not report.saved
    assert TrainingSession.objects.count() == 0
    cells = {(e.row, e.column) for e in report.errors}
    assert (3, "person-times") in cells
    assert (4, "kind") in cells
    assert (5, "region code") in cells
    assert all(e.row != 2 for e in report.errors)


def test_bad_dates_and_unknown_units_are_named(lingshi_regulator):
    make_unit("应急管理局")
    data = workbook(row(date="2026-13-40"), row(organiser="不存在的局"), row(date="2027-01-01"))
    report = excel.import_trainings(data, user=lingshi_regulator)
    cells = {(e.row, e.column) for e in report.errors}
    assert {(2, "date"), (3, "organised by (member unit)"), (4, "date")} <= cells
    assert not TrainingSession.objects.exists()


def test_the_import_page_lists_the_bad_cells(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    upload = SimpleUploadedFile("t.xlsx", workbook(row(), row(participants=-1)))
    response = client.post(
        reverse("supervision:trainings-import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert [e.row for e in response.context["report"].errors] == [3]
    assert not TrainingSession.objects.exists()
    upload = SimpleUploadedFile("t.xlsx", workbook(row(), row(title="第二场")))
    response = client.post(reverse("supervision:trainings-import"), {"file": upload})
    assert response.status_code == 302
    assert TrainingSession.objects.count() == 2


def test_a_file_that_is_not_excel_is_refused(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    upload = SimpleUploadedFile("t.xlsx", b"not a workbook")
    response = client.post(reverse("supervision:trainings-import"), {"file": upload})
    assert response.status_code == 422
    assert not TrainingSession.objects.exists()


def test_the_template_downloads(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    response = client.get(reverse("supervision:trainings-template"))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).worksheets[0]["B1"].value in {"kind", "类型"}
