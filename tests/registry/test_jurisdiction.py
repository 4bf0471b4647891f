"""The Lingshi county regulator never sees a Yuncheng enterprise, whichever way they look."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anlan.core.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def lingshi_client(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    return client


def test_list_shows_own_county_only(lingshi_client, lingshi_mine, yuncheng_plant):
    page = lingshi_client.get(reverse("registry:list")).content.decode()
    assert lingshi_mine.name in page
    assert yuncheng_plant.name not in page


def test_searching_for_another_county_finds_nothing(lingshi_client, yuncheng_plant):
    page = lingshi_client.get(reverse("registry:list"), {"q": yuncheng_plant.uscc}).content.decode()
    assert yuncheng_plant.name not in page
    page = lingshi_client.get(reverse("registry:list"), {"region": "140802"}).content.decode()
    assert yuncheng_plant.name not in page


def test_detail_of_another_county_is_not_found(lingshi_client, yuncheng_plant):
    for tab in ("overview", "persons", "hazard_sources", "history"):
        url = reverse("registry:detail_tab", args=[yuncheng_plant.pk, tab])
        assert lingshi_client.get(url).status_code == 404
    assert lingshi_client.get(reverse("registry:edit", args=[yuncheng_plant.pk])).status_code == 404


def test_api_hides_another_county(client, lingshi_regulator, lingshi_mine, yuncheng_plant):
    _, raw = ApiToken.issue(user=lingshi_regulator, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listing = client.get("/api/enterprises", **auth).json()
    names = [e["name"] for e in listing["items"]]
    assert lingshi_mine.name in names and yuncheng_plant.name not in names
    assert client.get(f"/api/enterprises/{yuncheng_plant.pk}", **auth).status_code == 404
    assert client.get(f"/api/enterprises/{yuncheng_plant.pk}/history", **auth).status_code == 404
    patch = client.patch(
        f"/api/enterprises/{yuncheng_plant.pk}",
        data={"name": "改名"},
        content_type="application/json",
        **auth,
    )
    assert patch.status_code == 404
    regions = [r["code"] for r in client.get("/api/regions?limit=1000", **auth).json()["items"]]
    assert "140729" in regions and "140802" not in regions
    stats = client.get("/api/stats/enterprises", **auth).json()
    assert stats["total"] == 1


def test_excel_export_holds_own_county_only(lingshi_client, lingshi_mine, yuncheng_plant):
    response = lingshi_client.get(reverse("registry:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [lingshi_mine.name]


def test_dashboard_counts_own_county_only(lingshi_client, lingshi_mine, yuncheng_plant):
    page = lingshi_client.get(reverse("reports:dashboard")).content.decode()
    assert "灵石县" in page and "盐湖区" not in page


def test_enterprise_user_sees_only_their_enterprise(
    client, other_county_enterprise_manager, lingshi_mine, yuncheng_plant
):
    client.force_login(other_county_enterprise_manager)
    page = client.get(reverse("registry:list")).content.decode()
    assert yuncheng_plant.name in page and lingshi_mine.name not in page
    assert client.get(reverse("registry:detail", args=[lingshi_mine.pk])).status_code == 404


def test_city_admin_sees_all_counties_of_the_city_but_not_another_city(
    client, city_admin, lingshi_mine, yuncheng_plant
):
    client.force_login(city_admin)
    page = client.get(reverse("registry:list")).content.decode()
    assert lingshi_mine.name in page and yuncheng_plant.name not in page


def test_anonymous_visitors_are_sent_to_login(client, lingshi_mine):
    response = client.get(reverse("registry:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/enterprises").status_code == 401
