"""Issuing through the API: drafts, the workflow, Update/Cancel drafts and CAP XML/JSON."""

# ruff: noqa: F811 -- fixtures are imported from test_issue_setup, then requested by name
import json

import pytest

from anlan.alerts import cap, issuing
from anlan.alerts.models import Alert
from anlan.core.choices import UserRole

from ..factories import LINGSHI, make_user, region
from .test_issue_setup import cold_wave, frozen_now, login, published, second_city_admin  # noqa: F401

pytestmark = pytest.mark.django_db
BODY = {
    "signal_type": "cold_wave",
    "colour": "yellow",
    "expires": "2026-12-06T08:00:00+08:00",
    "regions": ["140700"],
    "instruction": "注意防寒保暖。",
}


def post(client, url, body=None):
    return client.post(
        f"/api/warnings{url}", json.dumps(body or {}), content_type="application/json"
    )


def loc(response) -> list[str]:
    assert response.status_code == 422, response.content
    return [d["loc"][-1] for d in response.json()["detail"]]


def test_draft_submit_publish_over_the_api(city_admin, second_city_admin):
    drafter, signer = login(city_admin), login(second_city_admin)
    created = post(drafter, "/drafts", BODY)
    assert created.status_code == 201
    draft = created.json()
    assert draft["stage"] == "draft" and draft["headline"] == "晋中市应急管理局发布寒潮黄色预警"
    patched = drafter.patch(
        f"/api/warnings/drafts/{draft['id']}",
        json.dumps({"colour": "orange"}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["colour"] == "orange"
    assert post(drafter, f"/drafts/{draft['id']}/submit").json()["stage"] == "review"
    assert "reviewer" in loc(post(drafter, f"/drafts/{draft['id']}/publish"))
    done = post(signer, f"/drafts/{draft['id']}/publish", {"note": "同意"})
    assert done.status_code == 200 and done.json()["identifier"].startswith("14070000000000_")
    xml = drafter.get(f"/api/warnings/{draft['id']}/cap.xml")
    assert xml["Content-Type"].startswith("application/xml")
    assert cap.parse(xml.content).identifier == done.json()["identifier"]
    assert drafter.get(f"/api/warnings/{draft['id']}/cap.json").json()["msgType"] == "Alert"
    assert "stage" in loc(
        drafter.patch(f"/api/warnings/drafts/{draft['id']}", "{}", content_type="application/json")
    )


def test_bad_input_is_422_naming_the_field(city_admin):
    client = login(city_admin)
    assert loc(post(client, "/drafts", {**BODY, "signal_type": "drought", "colour": "blue"})) == [
        "colour"
    ]
    assert loc(post(client, "/drafts", {**BODY, "expires": "2026-12-03T08:00:00+08:00"})) == [
        "expires"
    ]
    assert "polygon" in loc(
        post(client, "/drafts", {**BODY, "polygon": "37,112 38,112 38,113 37.5,112"})
    )
    assert "regions" in loc(post(client, "/drafts", {**BODY, "regions": ["140802"]}))
    assert "expires" in str(
        post(client, "/drafts", {k: v for k, v in BODY.items() if k != "expires"}).json()
    )
    assert not Alert.objects.exists()


def test_who_may_not_gets_403_and_out_of_scope_404(city_admin, lingshi_regulator, yanhu_regulator):
    civil = make_user("civil", UserRole.CIVIL_AFFAIRS, region=region(LINGSHI))
    assert post(login(civil), "/drafts", BODY).status_code == 403
    draft = issuing.create_draft(user=lingshi_regulator, data=cold_wave(regions=[LINGSHI]))
    yanhu = login(yanhu_regulator)
    assert post(yanhu, f"/drafts/{draft.pk}/submit").status_code == 404
    assert yanhu.get(f"/api/warnings/{draft.pk}/cap.xml").status_code == 404
    assert login(city_admin).get(f"/api/warnings/{draft.pk}/cap.xml").status_code == 200  # preview
    assert post(yanhu, "/drafts/99999999999999999999/submit").status_code == 422


def test_update_and_cancel_drafts_over_the_api(city_admin, second_city_admin, yanhu_regulator):
    alert = published(city_admin, second_city_admin)
    client = login(city_admin)
    assert post(login(yanhu_regulator), f"/{alert.pk}/update").status_code == 403
    update = post(client, f"/{alert.pk}/update")
    assert update.status_code == 201 and update.json()["references"] == alert.reference_string()
    assert update.json()["msg_type"] == "Update" and update.json()["replaces_id"] == alert.pk
    assert loc(post(client, f"/{alert.pk}/cancel", {"note": ""})) == ["note"]
    cancel = post(client, f"/{alert.pk}/cancel", {"note": "结束"})
    assert cancel.status_code == 201 and cancel.json()["msg_type"] == "Cancel"
    listed = client.get("/api/warnings/drafts").json()
    assert {d["msg_type"] for d in listed} == {"Update", "Cancel"}
