# ruff: noqa: F811  (fixtures imported from test_equipment_services)
"""Importing a team's equipment ledger from Excel: web page, API and CLI."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from anlan.rescue.import_equipment import import_items
from anlan.rescue.models import EquipmentItem

from .test_equipment_services import (  # noqa: F401
    add_item,
    bg4,
    drone_type,
    english_client,
    in_english,
    lingshi_commander,
    lingshi_squad,
    xiyang_squad,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "equipment type",
    "model",
    "serial number",
    "equipment card number",
    "quantity",
    "status",
    "kept at",
    "in the shared pool",
    "in service since",
]


def workbook(*rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_rows():
    return [
        ("正压氧气呼吸器", "BG4", "BG-001", "K-1", 1, "在役", "器材库", "否", dt.date(2024, 5, 1)),
        ("救援无人机", "", "UAV-9", "", "", "In service", "", "是", "2025-01-02"),
    ]


def bad_file() -> bytes:
    return workbook(
        good_rows()[0],
        ("生命探测仪", "X1", "L-1", "", 1, "在役", "", "否", ""),
        ("正压氧气呼吸器", "BG4", "BG-002", "", "两台", "在役", "", "否", ""),
    )


def cells(report) -> set:
    return {(e.row, e.column) for e in report.errors}


# ---------------------------------------------------------------- the import


def test_a_good_ledger_adds_the_items(lingshi_squad, lingshi_commander, bg4, drone_type):
    report = import_items(workbook(*good_rows()), user=lingshi_commander, team=lingshi_squad)
    assert report.saved and report.created == 2 and not report.errors
    bg = EquipmentItem.objects.get(serial_number="BG-001")
    assert (bg.team, bg.equipment_type, bg.card_number, bg.location) == (
        lingshi_squad,
        bg4,
        "K-1",
        "器材库",
    )
    assert bg.commissioned_on == dt.date(2024, 5, 1)
    drone = EquipmentItem.objects.get(serial_number="UAV-9")
    assert drone.in_shared_pool and drone.status == "in_service"


def test_an_unknown_type_and_a_bad_quantity_save_nothing_and_name_both_cells(
    lingshi_squad, lingshi_commander, bg4
):
    report = import_items(bad_file(), user=lingshi_commander, team=lingshi_squad)
    assert not report.saved
    assert cells(report) == {(3, "equipment type"), (4, "quantity")}
    assert "catalogue" in next(e.reason for e in report.errors if e.row == 3)
    assert not EquipmentItem.objects.exists()


def test_partial_saves_the_good_rows(lingshi_squad, lingshi_commander, bg4):
    report = import_items(bad_file(), user=lingshi_commander, team=lingshi_squad, partial=True)
    assert report.saved and report.created == 1 and report.bad_rows == 2
    assert list(EquipmentItem.objects.values_list("serial_number", flat=True)) == ["BG-001"]


def test_importing_the_same_file_again_changes_nothing(
    lingshi_squad, lingshi_commander, bg4, drone_type
):
    batch = ("正压氧气呼吸器", "BG4", "", "K-9", 6, "在役", "", "否", "")
    data = workbook(*good_rows(), batch)
    import_items(data, user=lingshi_commander, team=lingshi_squad)
    history = EquipmentItem.history.count()
    again = import_items(data, user=lingshi_commander, team=lingshi_squad)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert EquipmentItem.objects.count() == 3 and EquipmentItem.history.count() == history


def test_a_known_serial_updates_the_item_and_another_teams_serial_is_refused(
    lingshi_squad, xiyang_squad, lingshi_commander, bg4
):
    mine = add_item(lingshi_squad, bg4, "BG-001", location="旧库")
    add_item(xiyang_squad, bg4, "BG-777")
    report = import_items(
        workbook(
            ("正压氧气呼吸器", "BG4", "BG-001", "", 1, "维修中", "新库", "否", ""),
            ("正压氧气呼吸器", "BG4", "BG-777", "", 1, "在役", "", "否", ""),
        ),
        user=lingshi_commander,
        team=lingshi_squad,
        partial=True,
    )
    assert report.updated == 1 and cells(report) == {(3, "serial number")}
    assert "Another team" in report.errors[0].reason
    mine.refresh_from_db()
    assert (mine.status, mine.location) == ("under_repair", "新库")
    assert EquipmentItem.objects.get(serial_number="BG-777").team == xiyang_squad


def test_a_retired_status_row_or_a_retired_item_is_refused_on_the_status_column(
    lingshi_squad, lingshi_commander, bg4
):
    add_item(lingshi_squad, bg4, "BG-OLD", status="retired", retired_on=dt.date(2025, 6, 1))
    report = import_items(
        workbook(
            ("正压氧气呼吸器", "BG4", "BG-NEW", "", 1, "Retired", "", "否", ""),
            ("正压氧气呼吸器", "BG4", "BG-OLD", "", 1, "在役", "", "否", ""),
        ),
        user=lingshi_commander,
        team=lingshi_squad,
    )
    assert cells(report) == {(2, "status"), (3, "status")}
    assert "on its page" in report.errors[0].reason and "retired" in report.errors[1].reason
    assert EquipmentItem.objects.get(serial_number="BG-OLD").status == "retired"
    assert not EquipmentItem.objects.filter(serial_number="BG-NEW").exists()


def test_a_type_not_lent_from_the_pool_and_a_serial_with_quantity_are_named(
    lingshi_squad, lingshi_commander, bg4
):
    report = import_items(
        workbook(("正压氧气呼吸器", "BG4", "BG-5", "", 3, "在役", "", "是", "")),
        user=lingshi_commander,
        team=lingshi_squad,
    )
    assert cells(report) == {(2, "quantity"), (2, "in the shared pool")}


# ---------------------------------------------------------------- web


def test_the_ledger_page_offers_the_import_once_a_team_is_chosen(
    lingshi_squad, lingshi_commander, bg4
):
    client = english_client(lingshi_commander)
    page = client.get("/rescue/equipment/").content.decode()
    assert "choose a team first" in page and 'data-testid="import-form"' not in page
    page = client.get(f"/rescue/equipment/?team={lingshi_squad.pk}").content.decode()
    assert 'data-testid="import-form"' in page
    template = client.get(f"/rescue/teams/{lingshi_squad.pk}/equipment/import/template.xlsx")
    wb = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADER
    assert any(r[0].value == "正压氧气呼吸器" for r in wb["Catalogue"].iter_rows())


def test_the_web_upload_lists_the_errors_by_row_and_column(lingshi_squad, lingshi_commander, bg4):
    client = english_client(lingshi_commander)
    url = f"/rescue/teams/{lingshi_squad.pk}/equipment/import/"
    response = client.post(url, {"file": SimpleUploadedFile("l.xlsx", bad_file())})
    assert response.status_code == 422
    page = response.content.decode()
    assert "<td>3</td><td>equipment type</td>" in page and "<td>4</td><td>quantity</td>" in page
    assert not EquipmentItem.objects.exists()
    partial = client.post(url, {"file": SimpleUploadedFile("l.xlsx", bad_file()), "partial": "on"})
    assert partial.status_code == 200 and EquipmentItem.objects.count() == 1


# ---------------------------------------------------------------- API


def test_the_api_imports_or_answers_422_per_bad_cell(lingshi_squad, lingshi_commander, bg4):
    client = english_client(lingshi_commander)
    url = f"/api/rescue/teams/{lingshi_squad.pk}/equipment/import"
    bad = client.post(url, {"file": SimpleUploadedFile("l.xlsx", bad_file())})
    assert bad.status_code == 422
    assert {tuple(d["loc"][2:]) for d in bad.json()["detail"]} == {
        (3, "equipment type"),
        (4, "quantity"),
    }
    good = client.post(url, {"file": SimpleUploadedFile("l.xlsx", workbook(good_rows()[0]))})
    assert good.status_code == 200 and good.json()["created"] == 1
    template = client.get(f"/api/rescue/teams/{lingshi_squad.pk}/equipment/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_another_countys_regulator_gets_404(client, lingshi_squad, yanhu_regulator, bg4):
    client.force_login(yanhu_regulator)
    base = f"/api/rescue/teams/{lingshi_squad.pk}/equipment"
    assert client.get(f"{base}/template.xlsx").status_code == 404
    response = client.post(f"{base}/import", {"file": SimpleUploadedFile("l.xlsx", bad_file())})
    assert response.status_code == 404
    assert client.get(f"/rescue/teams/{lingshi_squad.pk}/equipment/import/").status_code == 404


# ---------------------------------------------------------------- CLI


def run(*args) -> str:
    out = io.StringIO()
    call_command("rescue_equipment", *args, stdout=out)
    return out.getvalue()


def test_the_cli_imports_all_or_nothing_or_partial(tmp_path, lingshi_squad, lingshi_commander, bg4):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bad_file())
    user = ("--user", lingshi_commander.username)
    with pytest.raises(CommandError, match="Nothing imported: 2 of 3 rows"):
        run("import", str(lingshi_squad.pk), str(bad), *user)
    assert not EquipmentItem.objects.exists()
    out = run("import", str(lingshi_squad.pk), str(bad), "--partial", *user)
    assert "1 created" in out and "quantity" in out
    template = tmp_path / "t.xlsx"
    run("import", str(lingshi_squad.pk), str(template), "--template", *user)
    assert load_workbook(template).worksheets[0]["A1"].value == "equipment type"
