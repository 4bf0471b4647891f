"""A whole number beyond 64 bits in a query parameter or a path is refused with its name,
on the API (422) and on pages (400), instead of failing inside the database driver."""

import pytest

from anlan.core.models import ApiToken

pytestmark = pytest.mark.django_db

HUGE = str(2**63)


def bearer(user):
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/monitoring/sensors",
        "/api/supervision/checks",
        "/api/inspections",
        "/api/quarterly-reports",
        "/api/hazards",
    ],
)
def test_an_api_filter_beyond_64_bits_is_a_422_naming_it(client, lingshi_regulator, url):
    response = client.get(url, {"enterprise": HUGE}, **bearer(lingshi_regulator))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "enterprise"] and "太大" in error["msg"]


def test_an_id_beyond_64_bits_in_the_path_is_refused(client, lingshi_regulator):
    response = client.get(f"/api/monitoring/alarms/{HUGE}", **bearer(lingshi_regulator))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", HUGE]
    client.force_login(lingshi_regulator)
    page = client.get("/hazards/", {"enterprise": "-" + HUGE})
    assert page.status_code == 400 and "太大" in page.content.decode()


def test_ordinary_numbers_and_long_text_pass(client, lingshi_regulator):
    headers = bearer(lingshi_regulator)
    assert client.get("/api/monitoring/sensors", {"enterprise": "42"}, **headers).status_code == 200
    largest = str(2**63 - 1)
    assert (
        client.get("/api/monitoring/sensors", {"enterprise": largest}, **headers).status_code == 200
    )
    assert client.get("/api/hazards", {"q": "1" * 30 + "号"}, **headers).status_code == 200
