"""Warnings on the public portal: no sign-in, the warnings in force (issued and imported), each
message's CAP XML and JSON at stable URLs, and an Atom feed another Anlan can poll."""

# ruff: noqa: F811 -- fixtures are imported from test_issue_setup, then requested by name
import datetime as dt
import json

import defusedxml.ElementTree as SafeET
import pytest
from django.test import Client
from django.urls import reverse

from anlan.alerts import cap, issuing

from .test_issue_setup import (  # noqa: F401
    NOW,
    cold_wave,
    frozen_now,
    imported,
    published,
    second_city_admin,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def public_page(url) -> str:
    response = Client().get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_portal_lists_warnings_in_force_issued_and_imported(city_admin, second_city_admin):
    issued = published(city_admin, second_city_admin)
    received = imported()
    draft = issuing.create_draft(user=city_admin, data=cold_wave(headline="草稿不公开"))
    exercise = published(city_admin, second_city_admin, status="Exercise", headline="演练预警")
    expired = imported(headline="已过期的大风预警", expires=NOW - dt.timedelta(minutes=1), effective=NOW - dt.timedelta(hours=5))  # fmt: skip
    html = public_page(reverse("alerts_public:list"))
    assert issued.headline in html and received.headline in html
    for hidden in (draft, exercise, expired):
        assert hidden.headline not in html
    assert "text-bg-warning" in html  # the yellow badge
    assert html.index(issued.headline) < html.index(received.headline)  # yellow before blue
    assert 'name="viewport"' in html


def test_portal_home_links_to_the_warnings():
    html = public_page(reverse("portal:home"))
    assert reverse("alerts_public:list") in html


def test_a_warning_page_shows_its_instruction(city_admin, second_city_admin):
    alert = published(city_admin, second_city_admin)
    html = public_page(reverse("alerts_public:detail", args=[alert.pk]))
    assert "注意防寒保暖。" in html and alert.identifier in html
    assert reverse("alerts_public:cap-xml", args=[alert.pk]) in html


def test_cap_xml_and_json_stay_at_their_urls_after_expiry(
    city_admin, second_city_admin, frozen_now
):
    alert = published(city_admin, second_city_admin)
    frozen_now.shift(dt.timedelta(days=5))
    xml = Client().get(reverse("alerts_public:cap-xml", args=[alert.pk]))
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml; charset=utf-8"
    assert cap.parse(xml.content).identifier == alert.identifier
    data = json.loads(Client().get(reverse("alerts_public:cap-json", args=[alert.pk])).content)
    assert data["identifier"] == alert.identifier and data["info"][0]["event"] == "寒潮黄色预警"
    assert alert.headline not in public_page(reverse("alerts_public:list"))
    assert public_page(reverse("alerts_public:detail", args=[alert.pk]))


def test_drafts_and_restricted_messages_are_not_public(city_admin, second_city_admin):
    draft = issuing.create_draft(user=city_admin, data=cold_wave())
    issuing.submit(user=city_admin, alert=draft)
    restricted = imported(scope="Restricted")
    for alert in (draft, restricted):
        for name in ("alerts_public:detail", "alerts_public:cap-xml", "alerts_public:cap-json"):
            assert Client().get(reverse(name, args=[alert.pk])).status_code == 404


def test_a_cancelled_warning_leaves_the_portal(city_admin, second_city_admin):
    alert = published(city_admin, second_city_admin)
    cancel = issuing.draft_cancel(user=city_admin, of=alert, note="影响结束")
    issuing.submit(user=city_admin, alert=cancel)
    issuing.publish(user=second_city_admin, alert=cancel)
    html = public_page(reverse("alerts_public:list"))
    assert alert.headline not in html and "解除" not in html
    assert "text-bg-secondary" in public_page(reverse("alerts_public:detail", args=[alert.pk]))


def test_the_atom_feed_links_each_warning_to_its_cap_xml(city_admin, second_city_admin):
    alert = published(city_admin, second_city_admin)
    imported()
    response = Client().get(reverse("alerts_public:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = SafeET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    links = [
        link.get("href")
        for entry in entries
        for link in entry.findall(f"{ATOM}link")
        if link.get("type") == "application/cap+xml"
    ]
    assert f"http://testserver/portal/warnings/{alert.pk}/cap.xml" in links
    path = links[0].removeprefix("http://testserver")
    assert cap.parse(Client().get(path).content).sender
