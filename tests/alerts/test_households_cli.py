# ruff: noqa: F811 -- fixtures are imported from households_setup, then requested by name
"""`anlan warnings households …` and `anlan warnings checks …`."""

import pytest
from django.core.management import CommandError

from anlan.alerts.models.households import HouseholdViewing, WelfareCheck
from anlan.alerts.welfare import create_checks
from anlan.cli import translate

from .households_setup import (  # noqa: F401
    HEAD,
    PHONE,
    household,
    keepers,
    make_alert,
    places,
    run_cli,
)

pytestmark = pytest.mark.django_db


def test_cli_words_map_to_the_households_command():
    assert translate(["warnings", "households", "list"]) == ["warnings_households", "list"]
    assert translate(["warnings", "checks", "list"]) == ["warnings_households", "checks", "list"]


def test_without_a_household_role_the_cli_says_who_may(system_admin, household):
    with pytest.raises(CommandError) as exc:
        run_cli("list")
    message = str(exc.value)
    assert "sysadmin" in message and "grid members" in message and "--user" in message


def test_list_and_show_by_village_and_code(household, keepers, places):
    out = run_cli("list", "--village", places["a"].code, "--user", "town-sup")
    assert HEAD in out and PHONE in out and "1 households" in out
    assert "0 households" in run_cli("list", "--village", places["b"].code, "--user", "town-sup")
    with pytest.raises(CommandError, match="village"):
        run_cli("list", "--village", "甲村", "--user", "town-sup")
    assert household.code in run_cli("show", household.code, "--user", "grid-a")
    with pytest.raises(CommandError, match="no household"):
        run_cli("show", "nonsense", "--user", "grid-a")
    assert HouseholdViewing.objects.filter(where="cli:list").count() == 1
    assert HouseholdViewing.objects.filter(where="cli:show").count() == 1


def test_checks_list_and_record(household, keepers, places):
    alert = make_alert(regions=[places["town"]])
    create_checks(alert)
    check = WelfareCheck.objects.get()
    out = run_cli("checks", "list", "--warning", str(alert.pk), "--user", "grid-a")
    assert household.code in out and HEAD in out and "1 pending" in out
    out = run_cli(
        "checks",
        "record",
        str(check.pk),
        "--outcome",
        "visited",
        "--note",
        "ok",
        "--user",
        "grid-a",
    )
    assert "visited recorded" in out
    check.refresh_from_db()
    assert check.outcome == "visited" and check.note == "ok"
    with pytest.raises(CommandError, match="no welfare check"):
        run_cli("checks", "record", str(check.pk), "--outcome", "moved", "--user", "grid-b")
    with pytest.raises(CommandError):
        run_cli("checks", "record", str(check.pk), "--outcome", "pending", "--user", "grid-a")
