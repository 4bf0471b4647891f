"""The public portal: the tip-off form with its abuse protection, following a tip-off by code
and secret, and the public API."""

import pytest
from django.core import signing
from django.test import Client

from anlan.hazards.models import TipOff
from anlan.portal import guard

from ..factories import LINGSHI
from ..hazards.conftest import jpeg_bytes
from ..hazards.test_tipoffs import MOBILE, NAME, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_min_seconds(settings):
    settings.ANLAN_TIPOFF_MIN_SECONDS = 0


def form_data(**overrides):
    data = {
        "region": LINGSHI,
        "enterprise_name": "灵石测试煤矿",
        "address": "翠峰镇工业园",
        "description": "煤矿井口安全出口被杂物堵塞，夜间仍在生产",
        "reporter_name": NAME,
        "reporter_mobile": MOBILE,
        "stamp": guard.form_stamp(),
        "website": "",
    }
    data.update(overrides)
    return data


def test_public_form_gives_code_and_secret_once_and_they_follow_the_report(client, no_min_seconds):
    page = client.get("/portal/tipoff/")
    assert page.status_code == 200 and "举报" in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/portal/tipoff/",
        {**form_data(), "photos": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")},
    )
    assert response.status_code == 302
    shown = client.get(response["Location"])
    code, secret = shown.context["code"], shown.context["secret"]
    assert code in shown.content.decode() and secret in shown.content.decode()
    again = client.get(response["Location"])  # shown only once
    assert again.status_code == 302
    progress = client.post("/portal/track/", {"code": code, "secret": secret})
    assert progress.status_code == 200
    assert "已受理，待核查" in progress.content.decode() or "Received" in progress.content.decode()
    assert TipOff.objects.get().photos.count() == 1


def test_public_form_errors_name_the_field_and_save_nothing(client, no_min_seconds):
    response = client.post("/portal/tipoff/", form_data(description="短", anonymous=""))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-field="description"' in body
    assert TipOff.objects.count() == 0


def test_a_non_image_upload_is_refused_by_content(client, no_min_seconds):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/portal/tipoff/",
        {**form_data(), "photos": SimpleUploadedFile("x.jpg", b"MZ not an image", "image/jpeg")},
    )
    assert response.status_code == 200 and 'data-field="photos"' in response.content.decode()
    assert TipOff.objects.count() == 0


def test_honeypot_and_too_fast_forms_are_refused(client, settings):
    settings.ANLAN_TIPOFF_MIN_SECONDS = 0
    response = client.post("/portal/tipoff/", form_data(website="http://spam.example"))
    assert response.status_code == 200 and TipOff.objects.count() == 0
    settings.ANLAN_TIPOFF_MIN_SECONDS = 60
    response = client.post("/portal/tipoff/", form_data())
    assert "太快" in response.content.decode() or "too quickly" in response.content.decode()
    forged = form_data(stamp=signing.dumps(0, salt="other"))
    settings.ANLAN_TIPOFF_MIN_SECONDS = 0
    response = client.post("/portal/tipoff/", forged)
    assert TipOff.objects.count() == 0


def test_the_form_is_rate_limited_per_client(client, settings, no_min_seconds):
    settings.ANLAN_TIPOFF_RATE = "2/h"
    for _ in range(2):
        client.post("/portal/tipoff/", form_data(anonymous="on"))
    response = client.post("/portal/tipoff/", form_data(anonymous="on"))
    assert response.status_code == 429
    assert TipOff.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/portal/tipoff/", form_data(anonymous="on")).status_code == 302


def test_guessing_codes_is_rate_limited(client, settings):
    settings.ANLAN_TIPOFF_TRACK_RATE = "3/h"
    tip_off, secret = submit()
    for _ in range(3):
        assert (
            client.post("/portal/track/", {"code": tip_off.code, "secret": "AAAAAAAA"}).status_code
            == 404
        )
    assert (
        client.post("/portal/track/", {"code": tip_off.code, "secret": secret}).status_code == 429
    )


def test_unknown_code_gets_a_clear_error(client):
    response = client.post("/portal/track/", {"code": "JB22222222", "secret": "22222222"})
    assert response.status_code == 404
    assert "没有与该查询码和密码相符的举报" in response.content.decode()


def test_public_api_submit_track_and_errors(client):
    response = client.post(
        "/api/portal/tipoffs",
        {"region": LINGSHI, "address": "某地", "description": "加油站旁边违规存放大量液化气罐"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    progress = client.post(
        "/api/portal/tipoffs/track",
        {"code": created["code"], "secret": created["secret"]},
        content_type="application/json",
    )
    assert progress.status_code == 200 and progress.json()["status"] == "received"
    wrong = client.post(
        "/api/portal/tipoffs/track",
        {"code": created["code"], "secret": "x"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][-1] == "code"
    bad = client.post(
        "/api/portal/tipoffs", {"region": "999999", "address": "x", "description": "y"}
    )
    assert bad.status_code == 422
    assert {d["loc"][-1] for d in bad.json()["detail"]} >= {"region", "description"}
