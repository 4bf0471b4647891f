# ruff: noqa: F811 -- fixtures are imported from households_setup, then requested by name
"""Registering, changing and deactivating households, through the services and the pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from anlan.alerts import demo_households
from anlan.alerts import households as services
from anlan.alerts.models.households import Household

from ..factories import LINGSHI, region
from .households_setup import (  # noqa: F401
    HEAD,
    english,
    household,
    household_data,
    keepers,
    login,
    outsiders,
    places,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _errors(exc) -> set[str]:
    return set(exc.value.message_dict)


def test_a_household_must_be_in_a_village(places, keepers):
    with pytest.raises(ValidationError) as exc:
        services.create_household(
            user=keepers["civil"], data=household_data(places, region=places["town"])
        )
    assert _errors(exc) == {"region"} and "not a village" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.create_household(
            user=keepers["civil"], data=household_data(places, region=region(LINGSHI))
        )
    assert _errors(exc) == {"region"}


def test_bad_fields_are_each_named_and_nothing_is_saved(places, keepers):
    data = household_data(
        places,
        categories=[],
        check_for=["snow"],
        people=51,
        head_name="",
        address="",
        phone="call me",
    )
    with pytest.raises(ValidationError) as exc:
        services.create_household(user=keepers["grid"], data=data)
    assert _errors(exc) == {"categories", "check_for", "people", "head_name", "address", "phone"}
    assert Household.objects.count() == 0


def test_grid_member_cannot_register_in_another_village(places, keepers):
    with pytest.raises(ValidationError) as exc:
        services.create_household(
            user=keepers["grid"], data=household_data(places, region=places["b"])
        )
    assert "outside your jurisdiction" in exc.value.message_dict["region"][0]


def test_roles_outside_may_not_register(places, outsiders):
    for user in outsiders.values():
        with pytest.raises(PermissionDenied):
            services.create_household(user=user, data=household_data(places))


def test_the_same_name_and_address_in_a_village_is_refused_as_a_duplicate(
    places, keepers, household
):
    data = household_data(places, head_name=" 户主测王某某 ", address="示例村虚构路 8号")
    with pytest.raises(ValidationError) as exc:
        services.create_household(user=keepers["civil"], data=data)
    assert household.code in exc.value.message_dict["head_name"][0]
    # Another village: not a duplicate.
    other = services.create_household(
        user=keepers["civil"], data=household_data(places, region=places["b"])
    )
    assert other.fingerprint != household.fingerprint


def test_update_keeps_what_is_not_given_and_reseals(keepers, household):
    services.update_household(
        user=keepers["supervisor"], household=household, data={"phone": "0354-1234567"}
    )
    household.refresh_from_db()
    personal = household.personal()
    assert personal["phone"] == "0354-1234567" and personal["head_name"] == HEAD
    assert household.categories == ["elderly_alone"]


def test_grid_member_of_another_village_may_not_edit_or_deactivate(keepers, household):
    assert not services.may_edit(keepers["other_grid"], household)
    with pytest.raises(PermissionDenied):
        services.deactivate_household(user=keepers["other_grid"], household=household)
    response = login(keepers["other_grid"]).post(
        reverse("alerts:household-deactivate", args=[household.pk])
    )
    assert response.status_code == 404


def test_new_household_page_registers_and_shows_it(places, keepers):
    client = login(keepers["grid"])
    assert client.get(reverse("alerts:household-new")).status_code == 200
    response = client.post(
        reverse("alerts:household-new"),
        {
            "region": places["a"].pk,
            "categories": ["disabled"],
            "check_for": ["flood", "cold"],
            "people": 2,
            "head_name": "网页登记户",
            "address": "虚构巷1号",
            "phone": "13800000000",
        },
        follow=True,
    )
    assert response.status_code == 200 and "网页登记户" in response.content.decode()
    assert Household.objects.get().check_for == ["flood", "cold"]


def test_new_household_page_names_the_bad_phone(places, keepers):
    response = login(keepers["grid"]).post(
        reverse("alerts:household-new"),
        {
            "region": places["a"].pk,
            "categories": ["disabled"],
            "check_for": ["cold"],
            "people": 1,
            "head_name": "某",
            "address": "某处",
            "phone": "abc12345",
        },
    )
    assert response.status_code == 422
    assert 'data-field="phone"' in response.content.decode()
    assert Household.objects.count() == 0


def test_edit_and_deactivate_pages(keepers, household, places):
    client = login(keepers["civil"])
    form = client.get(reverse("alerts:household-edit", args=[household.pk]))
    assert form.status_code == 200 and HEAD in form.content.decode()
    response = client.post(
        reverse("alerts:household-edit", args=[household.pk]),
        {
            "region": places["a"].pk,
            "categories": ["elderly_alone", "disabled"],
            "check_for": ["cold"],
            "people": 1,
            "head_name": HEAD,
            "address": "新地址虚构",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.personal()["address"] == "新地址虚构"
    assert household.categories == ["elderly_alone", "disabled"]
    client.post(reverse("alerts:household-deactivate", args=[household.pk]))
    household.refresh_from_db()
    assert household.active is False
    listing = client.get(reverse("alerts:household-list")).content.decode()
    assert HEAD not in listing


def test_list_filters_by_category_check_group_and_code(keepers, household, places):
    other = services.create_household(
        user=keepers["civil"],
        data=household_data(
            places,
            region=places["b"],
            head_name="另一户",
            categories=["disabled"],
            check_for=["heat"],
        ),
    )
    client = login(keepers["civil"])
    page = client.get(reverse("alerts:household-list"), {"check_for": "heat"}).content.decode()
    assert "另一户" in page and HEAD not in page
    page = client.get(reverse("alerts:household-list"), {"q": household.code}).content.decode()
    assert HEAD in page and "另一户" not in page
    page = client.get(reverse("alerts:household-list"), {"village": places["b"].code})
    assert other.code in page.content.decode() and household.code not in page.content.decode()
    bad = client.get(reverse("alerts:household-list"), {"category": "rich"})
    assert bad.status_code == 200 and "category" in bad.content.decode()


def test_demo_households_are_fictional_and_load_once(places, keepers):
    regions = {r.code: r for r in places.values()}
    created = demo_households.load(regions_by_code=regions, created_by=keepers["civil"])
    assert len(created) == 12
    names = [h.personal()["head_name"] for h in created]
    assert all(n.startswith("示例户·") for n in names)
    assert all("虚构" in h.personal()["address"] for h in created)
    assert sum("cold" in h.check_for for h in created) >= 5
    assert {h.region.code for h in created} == {
        places["a"].code,
        places["b"].code,
        places["c"].code,
    }
    assert demo_households.load(regions_by_code=regions, created_by=None) == []
