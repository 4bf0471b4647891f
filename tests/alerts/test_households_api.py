# ruff: noqa: F811 -- fixtures are imported from households_setup, then requested by name
"""The households and welfare-checks API: 422 naming the field, 404 outside the scope."""

import pytest

from anlan.alerts.models.households import Household, HouseholdViewing, WelfareCheck
from anlan.alerts.models.response import AlertFinding
from anlan.alerts.welfare import create_checks

from .households_setup import (  # noqa: F401
    HEAD,
    PHONE,
    household,
    keepers,
    login,
    make_alert,
    outsiders,
    patch_json,
    places,
    post_json,
)

pytestmark = pytest.mark.django_db


def fields(response) -> set[str]:
    return {d["loc"][-1] for d in response.json()["detail"]}


def payload(places, **changes):
    data = {
        "region": places["a"].code,
        "categories": ["disabled"],
        "check_for": ["flood"],
        "people": 3,
        "head_name": "接口户",
        "address": "虚构街5号",
        "phone": "13700000000",
    }
    data.update(changes)
    return data


def test_register_read_and_patch_a_household(places, keepers):
    client = login(keepers["grid"])
    created = post_json(client, "/api/warnings/households", payload(places))
    assert created.status_code == 201
    body = created.json()
    assert body["code"].startswith("HH") and body["head_name"] == "接口户"
    patched = patch_json(
        client, f"/api/warnings/households/{body['id']}", {"needs": "轮椅", "people": 2}
    )
    assert patched.status_code == 200
    assert patched.json()["needs"] == "轮椅" and patched.json()["people"] == 2
    assert patched.json()["head_name"] == "接口户"
    gone = patch_json(client, f"/api/warnings/households/{body['id']}", {"active": False})
    assert gone.json()["active"] is False
    listing = client.get("/api/warnings/households").json()
    assert listing["count"] == 0
    assert client.get("/api/warnings/households?inactive=true").json()["count"] == 1


def test_bad_input_answers_422_naming_each_field(places, keepers):
    client = login(keepers["civil"])
    bad = post_json(
        client,
        "/api/warnings/households",
        payload(places, region=places["town"].code, categories=["rich"], phone="x"),
    )
    assert bad.status_code == 422
    assert fields(bad) == {"region", "categories", "phone"}
    too_many = post_json(client, "/api/warnings/households", payload(places, people=51))
    assert too_many.status_code == 422 and "people" in fields(too_many)
    missing = post_json(client, "/api/warnings/households", payload(places, head_name=""))
    assert missing.status_code == 422 and fields(missing) == {"head_name"}
    assert Household.objects.count() == 0
    filtered = client.get("/api/warnings/households?check_for=snow")
    assert filtered.status_code == 422 and fields(filtered) == {"check_for"}


def test_outside_the_scope_is_404_and_empty(household, keepers, outsiders):
    for user in [keepers["other_grid"], *outsiders.values()]:
        client = login(user)
        assert client.get(f"/api/warnings/households/{household.pk}").status_code == 404
        assert (
            patch_json(
                client, f"/api/warnings/households/{household.pk}", {"needs": "x"}
            ).status_code
            == 404
        )
        assert client.get("/api/warnings/households").json() == {"count": 0, "items": []}
    refused = post_json(
        login(outsiders["city_admin"]),
        "/api/warnings/households",
        payload({"a": household.region}),
    )
    assert refused.status_code == 403
    huge = login(keepers["grid"]).get(f"/api/warnings/households/{2**64}")
    assert huge.status_code == 422


def test_viewings_endpoint_is_for_township_and_civil_affairs(household, keepers):
    login(keepers["grid"]).get(f"/api/warnings/households/{household.pk}")
    assert (
        login(keepers["grid"]).get(f"/api/warnings/households/{household.pk}/viewings").status_code
        == 403
    )
    rows = login(keepers["civil"]).get(f"/api/warnings/households/{household.pk}/viewings")
    assert rows.status_code == 200
    assert {"where": "api:detail", "viewer": "grid-a"}.items() <= rows.json()[-1].items()


def test_welfare_checks_list_record_and_hazard(household, places, keepers):
    alert = make_alert(regions=[places["town"]])
    create_checks(alert)
    check = WelfareCheck.objects.get()
    client = login(keepers["grid"])
    listing = client.get(f"/api/warnings/welfare-checks?warning={alert.pk}").json()
    assert listing[0]["head_name"] == HEAD and listing[0]["phone"] == PHONE
    assert listing[0]["outcome"] == "pending"
    assert HouseholdViewing.objects.filter(where="api:checks").count() == 1
    bad = post_json(client, f"/api/warnings/welfare-checks/{check.pk}", {"outcome": "pending"})
    assert bad.status_code == 422 and fields(bad) == {"outcome"}
    done = post_json(
        client, f"/api/warnings/welfare-checks/{check.pk}", {"outcome": "visited", "note": "好"}
    )
    assert done.status_code == 200 and done.json()["outcome"] == "visited"
    assert client.get("/api/warnings/welfare-checks?outcome=pending").json() == []
    assert client.get("/api/warnings/welfare-checks?outcome=lost").status_code == 422
    hazard = post_json(
        client, f"/api/warnings/welfare-checks/{check.pk}/hazard", {"description": "墙体开裂"}
    )
    assert hazard.status_code == 201 and hazard.json()["code"].startswith("YH")
    assert AlertFinding.objects.get().welfare_check == check
    bad_category = post_json(
        client,
        f"/api/warnings/welfare-checks/{check.pk}/hazard",
        {"description": "x", "category": "nope"},
    )
    assert bad_category.status_code == 422 and fields(bad_category) == {"category"}
    other = login(keepers["other_grid"])
    assert other.get("/api/warnings/welfare-checks").json() == []
    assert (
        post_json(
            other, f"/api/warnings/welfare-checks/{check.pk}", {"outcome": "visited"}
        ).status_code
        == 404
    )
