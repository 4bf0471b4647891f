# ruff: noqa: F811 -- fixtures are imported from households_setup, then requested by name
"""A household's name and phone reach only the village's grid member, the township supervisor
and the civil-affairs officer — across pages, the Excel export, the API and the CLI."""

import io

import pytest
from django.core.management import CommandError
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from anlan.alerts.models.households import Household, HouseholdViewing, WelfareCheck
from anlan.alerts.welfare import create_checks

from .households_setup import (  # noqa: F401
    ADDRESS,
    HEAD,
    PHONE,
    household,
    keepers,
    login,
    make_alert,
    outsiders,
    places,
    run_cli,
)

pytestmark = pytest.mark.django_db
OUTSIDERS = ("city_admin", "regulator", "enterprise", "commander", "system_admin")
KEEPERS = ("grid", "supervisor", "civil")


def _xlsx_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content))
    return " ".join(str(c) for row in wb.active.iter_rows(values_only=True) for c in row)


def _everything(user, household) -> list[str]:
    """What a user gets from every page, export and API answer about households."""
    client = login(user)
    texts = []
    for name, args in (
        ("alerts:household-list", []),
        ("alerts:household-detail", [household.pk]),
        ("alerts:household-edit", [household.pk]),
        ("alerts:household-viewings", [household.pk]),
        ("alerts:check-list", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code in (200, 403, 404), (user.username, name)
        texts.append(response.content.decode())
    export = client.get(reverse("alerts:household-export"))
    if export.status_code == 200:
        texts.append(_xlsx_text(export.content))
    for url in (
        "/api/warnings/households",
        f"/api/warnings/households/{household.pk}",
        f"/api/warnings/households/{household.pk}/viewings",
        "/api/warnings/welfare-checks",
    ):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (user.username, url)
        texts.append(response.content.decode())
    return texts


@pytest.mark.parametrize("who", OUTSIDERS)
def test_roles_outside_never_see_a_households_name_or_phone(
    who, outsiders, household, places, keepers
):
    create_checks(make_alert(regions=[places["town"]]))
    user = outsiders[who]
    for text in _everything(user, household):
        assert HEAD not in text and PHONE not in text and ADDRESS not in text, who
    assert (
        login(user).get(reverse("alerts:household-detail", args=[household.pk])).status_code == 404
    )
    with pytest.raises(CommandError, match="sees no vulnerable households"):
        run_cli("list", "--user", user.username)
    assert not HouseholdViewing.objects.filter(viewer=user).exists()


def test_grid_member_of_another_village_sees_nothing(household, keepers, places):
    create_checks(make_alert(regions=[places["town"]]))
    other = keepers["other_grid"]
    for text in _everything(other, household):
        assert HEAD not in text and PHONE not in text
    assert "0 households" in run_cli("list", "--user", other.username)
    with pytest.raises(CommandError, match="no household"):
        run_cli("show", str(household.pk), "--user", other.username)


@pytest.mark.parametrize("who", KEEPERS)
def test_village_township_and_civil_affairs_see_name_and_phone(who, keepers, household):
    user = keepers[who]
    client = login(user)
    listing = client.get(reverse("alerts:household-list")).content.decode()
    assert HEAD in listing
    detail = client.get(reverse("alerts:household-detail", args=[household.pk])).content.decode()
    assert HEAD in detail and PHONE in detail and ADDRESS in detail
    export = client.get(reverse("alerts:household-export"))
    assert HEAD in _xlsx_text(export.content) and PHONE in _xlsx_text(export.content)
    api = client.get(f"/api/warnings/households/{household.pk}").json()
    assert api["head_name"] == HEAD and api["phone"] == PHONE
    assert client.get("/api/warnings/households").json()["items"][0]["phone"] == PHONE
    out = run_cli("show", household.code, "--user", user.username)
    assert HEAD in out and PHONE in out


def test_the_database_holds_no_clear_text(household):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM alerts_household WHERE id = %s", [household.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert HEAD not in row and PHONE not in row and ADDRESS not in row
    assert Household.objects.get(pk=household.pk).personal()["phone"] == PHONE


def test_each_viewing_is_recorded_with_where_and_address(keepers, household):
    user = keepers["supervisor"]
    client = login(user)
    client.get(reverse("alerts:household-detail", args=[household.pk]), REMOTE_ADDR="10.1.2.3")
    client.get(reverse("alerts:household-list"))
    client.get(reverse("alerts:household-export"))
    client.get("/api/warnings/households")
    client.get(f"/api/warnings/households/{household.pk}")
    run_cli("show", str(household.pk), "--user", user.username)
    run_cli("list", "--user", user.username)
    wheres = list(
        HouseholdViewing.objects.filter(viewer=user, household=household)
        .order_by("pk")
        .values_list("where", flat=True)
    )
    assert wheres == [
        "page:detail",
        "page:list",
        "export",
        "api:list",
        "api:detail",
        "cli:show",
        "cli:list",
    ]
    first = HouseholdViewing.objects.filter(viewer=user).order_by("pk").first()
    assert first.client_address == "10.1.2.3"


def test_viewings_page_shows_who_looked_to_township_and_civil_affairs_only(keepers, household):
    login(keepers["grid"]).get(reverse("alerts:household-detail", args=[household.pk]))
    page = login(keepers["civil"]).get(reverse("alerts:household-viewings", args=[household.pk]))
    assert page.status_code == 200 and "grid-a" in page.content.decode()
    api = login(keepers["supervisor"]).get(f"/api/warnings/households/{household.pk}/viewings")
    assert api.status_code == 200 and any(v["viewer"] == "grid-a" for v in api.json())
    denied = login(keepers["grid"]).get(reverse("alerts:household-viewings", args=[household.pk]))
    assert denied.status_code == 403


def test_welfare_checks_are_hidden_from_outsiders(outsiders, keepers, household, places):
    create_checks(make_alert(regions=[places["town"]]))
    assert WelfareCheck.objects.visible_to(keepers["grid"]).count() == 1
    for user in outsiders.values():
        assert WelfareCheck.objects.visible_to(user).count() == 0
