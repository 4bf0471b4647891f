"""Equipment services, and the fixtures the other equipment and drill tests import."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation

from anlan.core.choices import UserRole
from anlan.rescue import services_equipment as services
from anlan.rescue.models import (
    CheckSchedule,
    EquipmentCheck,
    EquipmentItem,
    EquipmentLoan,
    StockTake,
    Team,
)

from ..factories import LINGSHI, XIYANG, YANHU, make_user, region

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the interface is Chinese once translations merge)."""
    with translation.override("en"):
        yield


def english_client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def lingshi_squad(db):
    return Team.objects.create(
        name="灵石县矿山救援中队", kind="county_squad", region=region(LINGSHI)
    )


@pytest.fixture
def xiyang_squad(db):
    return Team.objects.create(
        name="昔阳县矿山救援中队", kind="county_squad", region=region(XIYANG)
    )


@pytest.fixture
def yanhu_team(db):
    return Team.objects.create(name="盐湖区救援队", kind="social", region=region(YANHU))


@pytest.fixture
def lingshi_commander(lingshi_squad):
    return make_user("lingshi-cmd", UserRole.RESCUE_COMMANDER, team=lingshi_squad)


@pytest.fixture
def bg4(db):
    return services.ensure_type("正压氧气呼吸器", "BG4", "breathing")


@pytest.fixture
def drone_type(db):
    return services.ensure_type("救援无人机", "M300", "drone", shareable=True)


def add_item(team, kind, serial="", **extra) -> EquipmentItem:
    values = {"serial_number": serial, "commissioned_on": dt.date(2025, 1, 1), **extra}
    return EquipmentItem.objects.create(team=team, equipment_type=kind, **values)


def check(user, item, kind="daily", result="pass", at=None):
    return services.record_check(
        user=user,
        item=item,
        data={"kind": kind, "result": result, "checker": "王队员", "checked_at": at},
    )


# ---------------------------------------------------------------- catalogue


def test_a_new_breathing_type_gets_the_configured_check_schedules(settings):
    settings.ANLAN_RESCUE_BREATHING_CHECK_DAYS = {"daily": 1, "weekly": 7, "calibration": 90}
    kind = services.ensure_type("正压氧气呼吸器", "HYZ4", "breathing")
    assert dict(kind.schedules.values_list("kind", "interval_days")) == {
        "daily": 1,
        "weekly": 7,
        "calibration": 90,
    }
    assert services.ensure_type("正压氧气呼吸器", "HYZ4", "breathing") == kind
    drone = services.ensure_type("救援无人机", "M300", "drone", shareable=True)
    assert not drone.schedules.exists()


def test_a_city_admin_edits_an_interval_but_a_commander_may_not(city_admin, lingshi_commander, bg4):
    services.set_schedule(user=city_admin, equipment_type=bg4, kind="weekly", interval_days=10)
    assert CheckSchedule.objects.get(equipment_type=bg4, kind="weekly").interval_days == 10
    with pytest.raises(ValidationError) as exc:
        services.set_schedule(user=city_admin, equipment_type=bg4, kind="weekly", interval_days=0)
    assert "interval_days" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.set_schedule(
            user=lingshi_commander, equipment_type=bg4, kind="weekly", interval_days=3
        )


# ---------------------------------------------------------------- who


def test_who_may_manage_a_teams_equipment(
    lingshi_squad, xiyang_squad, lingshi_commander, lingshi_regulator, city_admin, yanhu_regulator
):
    assert services.may_manage(lingshi_commander, lingshi_squad)
    assert not services.may_manage(lingshi_commander, xiyang_squad)
    assert services.may_manage(lingshi_regulator, lingshi_squad)
    assert not services.may_manage(lingshi_regulator, xiyang_squad)
    assert services.may_manage(city_admin, xiyang_squad)
    assert not services.may_manage(yanhu_regulator, lingshi_squad)


# ---------------------------------------------------------------- checks


def test_a_failed_check_sends_the_item_for_repair_and_a_pass_brings_it_back(
    lingshi_commander, lingshi_squad, bg4
):
    item = add_item(lingshi_squad, bg4, "BG4-001")
    check(lingshi_commander, item, result="fail")
    item.refresh_from_db()
    assert item.status == "under_repair"
    check(lingshi_commander, item, kind="maintenance", result="repaired")
    item.refresh_from_db()
    assert item.status == "in_service"


def test_a_check_on_a_retired_item_is_refused_and_nothing_saved(
    lingshi_commander, lingshi_squad, bg4
):
    item = add_item(lingshi_squad, bg4, "BG4-002")
    with time_machine.travel(DAY0):
        services.retire_item(user=lingshi_commander, item=item)
    item.refresh_from_db()
    assert item.status == "retired" and item.retired_on == dt.date(2026, 3, 2)
    with pytest.raises(ValidationError) as exc:
        check(lingshi_commander, item)
    assert "was retired" in exc.value.message_dict["item"][0]
    assert not EquipmentCheck.objects.exists()


# ---------------------------------------------------------------- due


def test_due_checks_compute_the_next_check_from_the_last_one(lingshi_commander, lingshi_squad, bg4):
    bg4.schedules.exclude(kind__in=["daily", "weekly"]).delete()
    bg4.schedules.filter(kind="weekly").update(interval_days=7)
    checked = add_item(lingshi_squad, bg4, "BG4-010")
    never = add_item(lingshi_squad, bg4, "BG4-011")
    add_item(lingshi_squad, bg4, "BG4-012", status="retired")
    with time_machine.travel(DAY0 - dt.timedelta(days=3)):
        check(lingshi_commander, checked, kind="weekly")
    with time_machine.travel(DAY0):
        check(lingshi_commander, checked, kind="daily")
        rows = services.due_checks(EquipmentItem.objects.all())
    by = {(r.item.serial_number, r.kind): r for r in rows}
    assert set(by) == {
        ("BG4-010", "daily"),
        ("BG4-010", "weekly"),
        ("BG4-011", "daily"),
        ("BG4-011", "weekly"),
    }
    assert by["BG4-010", "weekly"].due_at == DAY0 + dt.timedelta(days=4)
    assert not by["BG4-010", "weekly"].overdue and not by["BG4-010", "daily"].overdue
    # never checked: due since it entered service, so overdue, and listed first
    assert by["BG4-011", "daily"].overdue and by["BG4-011", "daily"].last_checked_at is None
    assert [r.item.pk for r in rows[:2]] == [never.pk, never.pk]


def test_due_checks_take_a_fixed_number_of_queries_for_many_items(
    lingshi_squad, bg4, django_assert_max_num_queries
):
    items = EquipmentItem.objects.bulk_create(
        EquipmentItem(team=lingshi_squad, equipment_type=bg4, serial_number=f"S{n}")
        for n in range(300)
    )
    EquipmentCheck.objects.bulk_create(
        EquipmentCheck(item=i, kind="daily", checker="x", result="pass") for i in items
    )
    with django_assert_max_num_queries(3):
        rows = services.due_checks(EquipmentItem.objects.all())
    assert len(rows) == 300 * bg4.schedules.count()


# ---------------------------------------------------------------- loans


def test_lending_refuses_retired_under_repair_and_already_lent_items(
    lingshi_commander, lingshi_squad, xiyang_squad, yanhu_team, drone_type, bg4
):
    drone = add_item(lingshi_squad, drone_type, "UAV-1", in_shared_pool=True)

    def lend(item, borrower=xiyang_squad):
        return services.lend_item(
            user=lingshi_commander,
            item=item,
            borrower=borrower,
            purpose="山洪搜救",
            due_back_on=timezone.localdate() + dt.timedelta(days=5),
        )

    loan = lend(drone)
    with pytest.raises(ValidationError, match="already lent to 昔阳县矿山救援中队"):
        lend(drone, yanhu_team)
    services.return_loan(user=lingshi_commander, loan=loan, condition="完好")
    with pytest.raises(ValidationError) as exc:
        services.return_loan(user=lingshi_commander, loan=loan, condition="完好")
    assert "loan" in exc.value.message_dict
    check(lingshi_commander, drone, kind="maintenance", result="fail")
    with pytest.raises(ValidationError, match="under repair"):
        lend(drone)
    with pytest.raises(ValidationError, match="not in the shared pool"):
        lend(add_item(lingshi_squad, bg4, "BG4-1"))
    with pytest.raises(ValidationError) as exc:
        lend(add_item(lingshi_squad, drone_type, "UAV-2", in_shared_pool=True), lingshi_squad)
    assert "borrower" in exc.value.message_dict
    assert EquipmentLoan.objects.count() == 1


# ---------------------------------------------------------------- stock-take


def test_a_stock_take_shows_the_lines_that_disagree(lingshi_commander, lingshi_squad, bg4):
    a = add_item(lingshi_squad, bg4, "BG4-1")
    b = add_item(lingshi_squad, bg4, "", quantity=14)
    add_item(lingshi_squad, bg4, "BG4-9", status="retired")
    take = services.start_stock_take(user=lingshi_commander, team=lingshi_squad, taken_by="张")
    lines = {line.item_id: line for line in take.lines.all()}
    assert set(lines) == {a.pk, b.pk} and lines[b.pk].counted_quantity == 14
    assert take.agrees
    services.record_counts(
        user=lingshi_commander,
        stock_take=take,
        lines=[{"id": lines[b.pk].pk, "counted_quantity": 13, "card_matches": False}],
    )
    bad = services.disagreements(StockTake.objects.get(pk=take.pk))
    assert [line.item_id for line in bad] == [b.pk]
    with pytest.raises(ValidationError) as exc:
        services.record_counts(
            user=lingshi_commander,
            stock_take=take,
            lines=[{"id": lines[a.pk].pk, "counted_quantity": -1}],
        )
    assert "lines[0].counted_quantity" in exc.value.message_dict
