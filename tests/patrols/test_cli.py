import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from anlan.cli import translate

from .conftest import DAY0, record

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cli_words_map_to_the_patrols_command():
    assert translate(["patrols", "due", "--level", "county"]) == [
        "patrols",
        "due",
        "--level",
        "county",
    ]
    assert translate(["patrols", "list"]) == ["patrols", "list"]


def test_cli_due_shows_missed_patrols(lingshi_regulator, coking_plant, system_admin, settings):
    settings.ANLAN_PATROL_DAYS = {"city": 30, "county": 7, "township": 7}
    with time_machine.travel(DAY0 - dt.timedelta(days=9)):
        record(lingshi_regulator, coking_plant)
    with time_machine.travel(DAY0):
        out = run("patrols", "due", "--level", "county", "--region", "140729")
        assert coking_plant.name in out and "MISSED" in out and "1 overdue" in out
        none = run("patrols", "due", "--level", "county", "--region", "140802")
        assert coking_plant.name not in none
    with pytest.raises(CommandError):
        run("patrols", "due", "--region", "abc")


def test_cli_lists_patrols_of_a_month(lingshi_regulator, coking_plant, system_admin):
    with time_machine.travel(DAY0):
        record(lingshi_regulator, coking_plant)
    assert coking_plant.name in run("patrols", "list", "--month", "2026-03")
    assert "0 patrols" in run("patrols", "list", "--month", "2026-02")
    with pytest.raises(CommandError, match="--month"):
        run("patrols", "list", "--month", "March")
    with pytest.raises(CommandError):
        run("patrols", "list", "--user", "nobody")
