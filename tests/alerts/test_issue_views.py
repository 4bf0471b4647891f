"""Issuing pages: the new-warning form with errors beside the fields, the draft with its CAP
preview, and the buttons of the workflow."""

# ruff: noqa: F811 -- fixtures are imported from test_issue_setup, then requested by name
import re

import pytest
from django.urls import reverse

from anlan.alerts import issuing
from anlan.alerts.choices import Stage
from anlan.alerts.models import Alert
from anlan.core.choices import UserRole

from ..factories import JINZHONG, LINGSHI, make_user, region
from .test_issue_setup import NOW, cold_wave, frozen_now, login, published, second_city_admin  # noqa: F401

pytestmark = pytest.mark.django_db


def form_values(**extra) -> dict:
    values = {
        "signal_type": "cold_wave",
        "colour": "yellow",
        "status": "Actual",
        "expires": "2026-12-06T08:00",
        "onset": "2026-12-04T20:00",
        "regions": [region(JINZHONG).pk],
        "description": "预计最低气温下降10℃以上。",
        "instruction": "注意防寒保暖。",
    }
    values.update(extra)
    return values


def field_error(html: str, field: str) -> str:
    found = re.findall(rf'data-field="{field}">([^<]*)<', html)
    assert found, f"no error on {field}"
    return " ".join(found)


def test_new_warning_form_saves_a_draft_and_shows_its_cap_preview(city_admin):
    client = login(city_admin)
    page = client.get(reverse("alerts:issue-new"))
    assert page.status_code == 200 and 'type="datetime-local"' in page.content.decode()
    response = client.post(reverse("alerts:issue-new"), form_values())
    alert = Alert.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "alerts:issue-detail", args=[alert.pk]
    )
    assert alert.expires == NOW.replace(day=6) and alert.stage == Stage.DRAFT
    html = client.get(response["Location"]).content.decode()
    assert "寒潮黄色预警" in html and "&lt;identifier&gt;draft-" in html
    assert reverse("alerts:issue-action", args=[alert.pk, "submit"]) in html


def test_form_errors_show_next_to_the_fields_and_save_nothing(city_admin):
    client = login(city_admin)
    html = client.post(
        reverse("alerts:issue-new"),
        form_values(
            signal_type="drought", colour="blue", polygon="37,112 37.5,112 37.5,112.5 37.1,112"
        ),
    ).content.decode()
    assert field_error(html, "colour") and field_error(html, "polygon")
    html = client.post(
        reverse("alerts:issue-new"), form_values(expires="2026-12-04T07:00")
    ).content.decode()
    assert field_error(html, "expires")
    assert not Alert.objects.exists()


def test_regions_offered_are_those_of_the_jurisdiction(lingshi_regulator):
    html = login(lingshi_regulator).get(reverse("alerts:issue-new")).content.decode()
    assert "灵石县" in html and "昔阳县" not in html


def test_roles_that_do_not_issue_cannot_open_the_form():
    civil = make_user("civil", UserRole.CIVIL_AFFAIRS, region=region(LINGSHI))
    assert login(civil).get(reverse("alerts:issue-new")).status_code == 403


def test_submit_and_sign_off_through_the_pages(city_admin, second_city_admin):
    alert = issuing.create_draft(user=city_admin, data=cold_wave())
    drafter = login(city_admin)
    url = lambda action: reverse("alerts:issue-action", args=[alert.pk, action])  # noqa: E731
    drafter.post(url("submit"))
    alert.refresh_from_db()
    assert alert.stage == Stage.REVIEW
    listing = drafter.get(reverse("alerts:issue-list")).content.decode()
    assert (
        alert.headline in listing.split('data-testid="reviews"')[1].split('data-testid="drafts"')[0]
    )
    page = drafter.get(reverse("alerts:issue-detail", args=[alert.pk])).content.decode()
    assert url("publish") not in page  # no sign-off button for the drafter
    drafter.post(url("publish"))
    alert.refresh_from_db()
    assert alert.stage == Stage.REVIEW
    signer = login(second_city_admin)
    assert (
        url("publish")
        in signer.get(reverse("alerts:issue-detail", args=[alert.pk])).content.decode()
    )
    signer.post(url("publish"), {"note": "同意"})
    alert.refresh_from_db()
    assert alert.stage == Stage.PUBLISHED and alert.review_note == "同意"
    page = signer.get(reverse("alerts:issue-detail", args=[alert.pk])).content.decode()
    assert alert.identifier in page and url("update") in page


def test_send_back_without_a_note_is_refused_with_the_reason(city_admin, second_city_admin):
    alert = issuing.create_draft(user=city_admin, data=cold_wave())
    issuing.submit(user=city_admin, alert=alert)
    client = login(second_city_admin)
    url = reverse("alerts:issue-action", args=[alert.pk, "send-back"])
    page = client.post(url, {"note": ""}, follow=True).content.decode()
    assert "alert-danger" in page and "note" in page
    client.post(url, {"note": "请补充英文"})
    alert.refresh_from_db()
    assert alert.stage == Stage.DRAFT and alert.review_note == "请补充英文"


def test_a_published_warning_has_no_edit_page_and_gets_update_and_cancel_drafts(
    city_admin, second_city_admin
):
    alert = published(city_admin, second_city_admin)
    client = login(city_admin)
    assert client.get(reverse("alerts:issue-edit", args=[alert.pk])).status_code == 302
    response = client.post(reverse("alerts:issue-action", args=[alert.pk, "update"]))
    update = Alert.objects.get(replaces=alert, msg_type="Update")
    assert response["Location"] == reverse("alerts:issue-detail", args=[update.pk])
    page = client.get(reverse("alerts:issue-edit", args=[update.pk]))
    assert page.status_code == 200 and 'value="2026-12-06T08:00"' in page.content.decode()
    client.post(reverse("alerts:issue-edit", args=[update.pk]), form_values(colour="orange"))
    update.refresh_from_db()
    assert update.colour == "orange" and update.msg_type == "Update"
    client.post(reverse("alerts:issue-action", args=[alert.pk, "cancel"]), {"note": "结束"})
    assert Alert.objects.filter(replaces=alert, msg_type="Cancel").exists()


def test_drafts_of_another_county_are_not_found(lingshi_regulator, yanhu_regulator):
    alert = issuing.create_draft(user=lingshi_regulator, data=cold_wave(regions=[LINGSHI]))
    client = login(yanhu_regulator)
    assert client.get(reverse("alerts:issue-detail", args=[alert.pk])).status_code == 404
    assert client.post(reverse("alerts:issue-action", args=[alert.pk, "submit"])).status_code == 404
