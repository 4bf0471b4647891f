# ruff: noqa: F811  (fixtures imported from test_equipment_services)
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from anlan.cli import translate
from anlan.rescue.models import EquipmentCheck, EquipmentLoan

from .test_equipment_services import (  # noqa: F401
    DAY0,
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


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cli_words_map_to_the_equipment_command():
    assert translate(["rescue", "equipment", "due", "--overdue"]) == [
        "rescue_equipment",
        "due",
        "--overdue",
    ]


def test_cli_types_lists_the_catalogue_with_intervals(system_admin, bg4):
    out = run("rescue_equipment", "types")
    assert "BG4" in out and "daily every 1d" in out


def test_cli_due_shows_overdue_checks_of_a_team(system_admin, lingshi_squad, xiyang_squad, bg4):
    add_item(lingshi_squad, bg4, "BG4-L")
    add_item(xiyang_squad, bg4, "BG4-X")
    with time_machine.travel(DAY0):
        out = run("rescue_equipment", "due", "--team", str(lingshi_squad.pk), "--overdue")
    assert "BG4-L" in out and "BG4-X" not in out and "OVERDUE" in out


def test_cli_check_on_a_retired_item_is_refused(lingshi_commander, lingshi_squad, bg4):
    item = add_item(lingshi_squad, bg4, "BG4-R", status="retired")
    args = ["--item", str(item.pk), "--kind", "daily", "--result", "pass", "--checker", "王"]
    with pytest.raises(CommandError, match="item: .*was retired"):
        run("rescue_equipment", "check", *args, "--user", lingshi_commander.username)
    assert not EquipmentCheck.objects.exists()
    ok = add_item(lingshi_squad, bg4, "BG4-S")
    args[1] = str(ok.pk)
    args[5] = "fail"
    out = run("rescue_equipment", "check", *args, "--user", lingshi_commander.username)
    assert "under_repair" in out


def test_cli_lends_lists_and_returns_a_loan(
    lingshi_commander, lingshi_squad, xiyang_squad, drone_type
):
    drone = add_item(lingshi_squad, drone_type, "UAV-C", in_shared_pool=True)
    user = ["--user", lingshi_commander.username]
    lend = ["--item", str(drone.pk), "--borrower", str(xiyang_squad.pk), "--purpose", "搜救"]
    run("rescue_equipment", "lend", *lend, "--due-back", "2030-01-01", *user)
    with pytest.raises(CommandError, match="already lent"):
        run("rescue_equipment", "lend", *lend, "--due-back", "2030-01-01", *user)
    with pytest.raises(CommandError, match="--due-back"):
        run("rescue_equipment", "lend", *lend, "--due-back", "soon", *user)
    assert "UAV-C" in run("rescue_equipment", "loans", *user)
    loan = EquipmentLoan.objects.get()
    run("rescue_equipment", "return", "--loan", str(loan.pk), "--condition", "完好", *user)
    assert "0 on loan" in run("rescue_equipment", "loans", *user)


def test_cli_stocktake_prints_the_ledger_to_count(
    lingshi_commander, lingshi_squad, xiyang_squad, bg4
):
    add_item(lingshi_squad, bg4, "", quantity=14, card_number="K-14")
    out = run(
        "rescue_equipment",
        "stocktake",
        "--team",
        str(lingshi_squad.pk),
        "--user",
        lingshi_commander.username,
    )
    assert "K-14" in out and "14 pieces" in out
    with pytest.raises(CommandError, match="--team"):
        run(
            "rescue_equipment",
            "stocktake",
            "--team",
            str(xiyang_squad.pk),
            "--user",
            lingshi_commander.username,
        )
