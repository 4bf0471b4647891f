# ruff: noqa: F811  (fixtures imported from test_equipment_services)
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anlan.rescue.models import CheckSchedule, EquipmentCheck, EquipmentItem, EquipmentLoan

from .test_equipment_services import (  # noqa: F401
    DAY0,
    add_item,
    bg4,
    check,
    drone_type,
    english_client,
    in_english,
    lingshi_commander,
    lingshi_squad,
    xiyang_squad,
)

pytestmark = pytest.mark.django_db


def login(user):
    return english_client(user)


def test_catalogue_page_lists_schedules_and_an_admin_edits_an_interval(city_admin, bg4):
    client = login(city_admin)
    page = client.get(reverse("rescue:equipment-types"))
    assert page.status_code == 200 and "BG4" in page.content.decode()
    client.post(
        reverse("rescue:equipment-schedule", args=[bg4.pk]),
        {"kind": "monthly", "interval_days": "45"},
    )
    assert CheckSchedule.objects.get(equipment_type=bg4, kind="monthly").interval_days == 45
    created = client.post(
        reverse("rescue:equipment-types"),
        {"name": "四合一气体检测仪", "model": "CD4", "category": "gas_detection"},
    )
    assert created.status_code == 302


def test_ledger_page_filters_and_exports(lingshi_commander, lingshi_squad, bg4, drone_type):
    add_item(lingshi_squad, bg4, "BG4-1")
    add_item(lingshi_squad, drone_type, "UAV-1", in_shared_pool=True)
    client = login(lingshi_commander)
    page = client.get(reverse("rescue:equipment-list"), {"category": "drone"}).content.decode()
    assert "UAV-1" in page and "BG4-1" not in page
    export = client.get(reverse("rescue:equipment-export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"BG4-1", "UAV-1"}


def test_add_edit_and_retire_an_item_on_the_web(lingshi_commander, lingshi_squad, bg4):
    client = login(lingshi_commander)
    response = client.post(
        reverse("rescue:equipment-new"),
        {
            "team": lingshi_squad.pk,
            "equipment_type": bg4.pk,
            "serial_number": "BG4-5",
            "quantity": "2",
            "status": "in_service",
        },
    )
    assert response.status_code == 200 and 'data-field="quantity"' in response.content.decode()
    assert not EquipmentItem.objects.exists()
    client.post(
        reverse("rescue:equipment-new"),
        {
            "team": lingshi_squad.pk,
            "equipment_type": bg4.pk,
            "serial_number": "BG4-5",
            "quantity": "1",
            "status": "in_service",
        },
    )
    item = EquipmentItem.objects.get()
    client.post(
        reverse("rescue:equipment-edit", args=[item.pk]),
        {"serial_number": "BG4-5", "quantity": "1", "status": "in_service", "location": "库房"},
    )
    item.refresh_from_db()
    assert item.location == "库房"
    client.post(reverse("rescue:equipment-retire", args=[item.pk]))
    page = client.get(reverse("rescue:equipment-detail", args=[item.pk])).content.decode()
    assert 'data-testid="retired-on"' in page


def test_a_check_on_a_retired_item_is_refused_on_the_web(lingshi_commander, lingshi_squad, bg4):
    item = add_item(lingshi_squad, bg4, "BG4-6", status="retired")
    client = login(lingshi_commander)
    response = client.post(
        reverse("rescue:equipment-check", args=[item.pk]),
        {"kind": "daily", "checked_at": "2026-03-01T08:00", "checker": "王", "result": "pass"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "was retired" in body
    assert not EquipmentCheck.objects.exists()


def test_due_page_shows_overdue_first_and_exports(lingshi_commander, lingshi_squad, bg4):
    add_item(lingshi_squad, bg4, "BG4-OLD")
    with time_machine.travel(DAY0):
        client = login(lingshi_commander)
        page = client.get(reverse("rescue:equipment-due"), {"overdue": "1"}).content.decode()
        assert "BG4-OLD" in page and "table-danger" in page
        export = client.get(reverse("rescue:equipment-due-export"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + bg4.schedules.count()


def test_other_county_regulator_gets_404_on_an_item_page(yanhu_regulator, lingshi_squad, bg4):
    item = add_item(lingshi_squad, bg4, "BG4-X")
    client = login(yanhu_regulator)
    assert client.get(reverse("rescue:equipment-detail", args=[item.pk])).status_code == 404
    assert "BG4-X" not in client.get(reverse("rescue:equipment-list")).content.decode()


def test_lend_from_the_pool_and_return_on_the_web(
    lingshi_commander, lingshi_squad, xiyang_squad, drone_type
):
    drone = add_item(lingshi_squad, drone_type, "UAV-9", in_shared_pool=True)
    client = login(lingshi_commander)
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    lent = client.post(
        reverse("rescue:equipment-lend", args=[drone.pk]),
        {"borrower": xiyang_squad.pk, "purpose": "搜救", "due_back_on": due},
    )
    assert lent.status_code == 302
    again = client.post(
        reverse("rescue:equipment-lend", args=[drone.pk]),
        {"borrower": xiyang_squad.pk, "purpose": "搜救", "due_back_on": due},
    )
    assert again.status_code == 400 and "already lent" in again.content.decode()
    loans = client.get(reverse("rescue:equipment-loans")).content.decode()
    assert "UAV-9" in loans and "昔阳县矿山救援中队" in loans
    loan = EquipmentLoan.objects.get()
    client.post(reverse("rescue:equipment-loan-return", args=[loan.pk]), {"condition": "完好"})
    loan.refresh_from_db()
    assert loan.returned_at and loan.return_condition == "完好"


def test_stock_take_page_shows_the_lines_that_disagree(lingshi_commander, lingshi_squad, bg4):
    item = add_item(lingshi_squad, bg4, "", quantity=14)
    client = login(lingshi_commander)
    started = client.post(
        reverse("rescue:equipment-stocktakes"), {"team": lingshi_squad.pk, "taken_by": "张"}
    )
    assert started.status_code == 302
    url = started["Location"]
    assert "Ledger, items and cards agree" in client.get(url).content.decode()
    line = item  # one line per ledger item
    from anlan.rescue.models import StockTakeLine

    pk = StockTakeLine.objects.get(item=line).pk
    client.post(url, {f"counted_{pk}": "13", f"card_{pk}": "1"})
    page = client.get(url).content.decode()
    assert "1 line does not agree" in page and "ledger 14, counted 13" in page
