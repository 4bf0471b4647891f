"""Requests the platform refuses at the door, with the reason: dates no calendar of ours holds,
and API errors that Django itself answers (no such route, wrong method) given as JSON."""

import pytest
from django.utils import translation

from anlan.core.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, lingshi_regulator):
    _, raw = ApiToken.issue(user=lingshi_regulator, name="guards")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"])
def test_an_api_filter_with_a_date_out_of_range_is_refused_naming_the_parameter(api, day):
    response = api.get("/api/hazards", {"found_from": day})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", "found_from"]
    assert "1900-01-01" in problem["msg"] and "2199-12-31" in problem["msg"]


def test_an_api_filter_with_an_ordinary_date_still_works(api):
    response = api.get("/api/hazards", {"found_from": "1900-01-01", "found_to": "2199-12-31"})
    assert response.status_code == 200


def test_a_json_body_with_a_date_out_of_range_is_refused_naming_the_field(api, lingshi_mine):
    body = {"enterprise_id": lingshi_mine.pk, "items": [{"deadline": "9999-12-31"}]}
    response = api.post("/api/hazards", body, content_type="application/json")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "items", "0", "deadline"]


def test_a_ledger_page_filtered_by_an_impossible_date_says_so(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        response = client.get("/hazards/", {"found_to": "9999-12-31"})
    assert response.status_code == 400
    assert "found_to" in response.content.decode()


def test_an_unknown_api_address_answers_json_not_found(api):
    response = api.get("/api/no-such-thing/1")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_wrong_method_on_the_api_answers_json_naming_the_allowed_ones(api):
    response = api.generic("TRACE", "/api/me")
    assert response.status_code == 405
    assert "GET" in response.json()["detail"]
    assert "GET" in response["Allow"]


def test_web_pages_keep_their_html_error_pages(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_time_with_an_impossible_utc_offset_is_refused_naming_the_field(api, lingshi_mine):
    body = {"enterprise": lingshi_mine.pk, "found_at": "1933-11-18T04:06:29-20:27"}
    response = api.post("/api/hazards", body, content_type="application/json")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "found_at"]
    assert "14" in problem["msg"]
