import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anlan.core.choices import UserRole
from anlan.core.models import ApiToken

from ..factories import make_user
from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client, user):
        _, raw = ApiToken.issue(user=user, name="t")
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url, **params):
        return self.client.get(url, params, **self.auth)

    def post(self, url, data=None):
        return self.client.post(url, data or {}, content_type="application/json", **self.auth)

    def upload(self, url, data):
        return self.client.post(url, data, **self.auth)


@pytest.fixture
def county(client, lingshi_regulator):
    return Api(client, lingshi_regulator)


def new_hazard(api, enterprise, **overrides):
    data = {
        "enterprise": enterprise.pk,
        "description": "配电室门口堆放杂物",
        "category": "electrical",
        "channel": "department_patrol",
    }
    data.update(overrides)
    return api.post("/api/hazards", data)


def test_the_whole_lifecycle_through_the_api(county, lingshi_mine, client):
    created = new_hazard(county, lingshi_mine)
    assert created.status_code == 201, created.content
    hazard = created.json()
    url = f"/api/hazards/{hazard['id']}"
    photo = SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg")
    assert county.upload(url + "/photos", {"files": [photo]}).status_code == 201
    assert county.post(url + "/verify", {"level": "general"}).json()["status"] == "verified"
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    plan = {
        "measures": "清理杂物",
        "responsible_person": "王五",
        "funds": "0",
        "deadline": deadline,
        "contingency": "设警戒",
    }
    assert county.post(url + "/plan", plan).json()["deadline"] == deadline
    assert county.post(url + "/start").json()["status"] == "rectifying"
    evidence = SimpleUploadedFile(
        "整改后.jpg", jpeg_bytes((10, 200, 10)), content_type="image/jpeg"
    )
    requested = county.upload(
        url + "/request-acceptance", {"evidence": [evidence], "reason": "已清理"}
    )
    assert requested.status_code == 200 and requested.json()["status"] == "acceptance_requested"
    closed = county.post(url + "/accept", {"reason": "验收合格"}).json()
    assert closed["status"] == "closed"
    assert [t["to_status"] for t in closed["transitions"]] == [
        "reported", "verified", "assigned", "rectifying", "acceptance_requested", "closed",
    ]  # fmt: skip
    download = county.get(closed["attachments"][0]["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    counts = county.get("/api/hazards/counts").json()
    assert counts["by_status"]["closed"] == 1 and counts["total"] == 1


def test_a_wrong_move_is_a_422_and_changes_nothing(county, lingshi_mine):
    hazard = new_hazard(county, lingshi_mine).json()
    response = county.post(f"/api/hazards/{hazard['id']}/accept")
    assert response.status_code == 422
    assert "不能变为" in response.json()["detail"][0]["msg"]
    assert county.get(f"/api/hazards/{hazard['id']}").json()["status"] == "reported"


def test_a_plan_deadline_in_the_past_names_the_field(county, lingshi_mine):
    hazard = new_hazard(county, lingshi_mine).json()
    county.post(f"/api/hazards/{hazard['id']}/verify")
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    plan = {
        "measures": "x",
        "responsible_person": "y",
        "funds": "1",
        "deadline": yesterday,
        "contingency": "z",
    }
    response = county.post(f"/api/hazards/{hazard['id']}/plan", plan)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "deadline"


def test_an_upload_that_is_not_an_image_or_pdf_is_refused(county, lingshi_mine):
    hazard = new_hazard(county, lingshi_mine).json()
    fake = SimpleUploadedFile(
        "photo.jpg", b"#!/bin/sh\necho not a photo\n", content_type="image/jpeg"
    )
    response = county.upload(f"/api/hazards/{hazard['id']}/photos", {"files": [fake]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "files"
    assert county.get(f"/api/hazards/{hazard['id']}").json()["attachments"] == []


def test_another_countys_hazards_are_not_found(client, county, yuncheng_plant, yanhu_regulator):
    other = Api(client, yanhu_regulator)
    hazard = new_hazard(other, yuncheng_plant).json()
    assert county.get(f"/api/hazards/{hazard['id']}").status_code == 404
    assert county.post(f"/api/hazards/{hazard['id']}/verify").status_code == 404
    assert county.get("/api/hazards").json()["count"] == 0
    assert county.get(f"/api/hazards/{hazard['id']}/attachments/1").status_code == 404


def test_filters_and_overdue(county, lingshi_mine):
    for level in ("general", "major", "general"):
        new_hazard(county, lingshi_mine, level=level)
    assert county.get("/api/hazards", level="major").json()["count"] == 1
    assert county.get("/api/hazards", overdue="true").json()["count"] == 0
    assert county.get("/api/hazards", status="bogus").status_code == 422


def test_grid_member_reports_a_public_place(client, lingshi_regulator):
    from ..factories import township

    town = township()
    from anlan.core.models import Region

    village = Region.objects.create(
        code=town.code + "201", name="测试村", level="village", parent=town
    )
    grid = Api(client, make_user("grid-api", UserRole.GRID_MEMBER, region=village))
    response = grid.post(
        "/api/hazards",
        {
            "place_name": "村文化活动室",
            "region": village.code,
            "description": "灭火器过期",
            "category": "fire",
            "channel": "grid_member",
        },
    )
    assert response.status_code == 201 and response.json()["place"] == "村文化活动室"
    assert Api(client, lingshi_regulator).get("/api/hazards").json()["count"] == 1


def test_listing_a_major_hazard_through_the_api(county, lingshi_mine):
    hazard = new_hazard(county, lingshi_mine, level="major").json()
    url = f"/api/hazards/{hazard['id']}"
    county.post(url + "/verify")
    deadline = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    bad = county.post(url + "/listing", {"authority": "140700", "deadline": deadline})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "authority"
    listed = county.post(url + "/listing", {"authority": "140729", "deadline": deadline}).json()
    assert listed["listing"]["authority_name"] == "晋中市灵石县"


def test_extension_through_the_api(county, lingshi_mine):
    hazard = new_hazard(county, lingshi_mine).json()
    url = f"/api/hazards/{hazard['id']}"
    county.post(url + "/verify")
    deadline = timezone.localdate() + dt.timedelta(days=10)
    plan = {
        "measures": "m",
        "responsible_person": "p",
        "funds": "0",
        "deadline": deadline.isoformat(),
        "contingency": "c",
    }
    county.post(url + "/plan", plan)
    asked = county.post(url + "/extensions", {"new_deadline": deadline.isoformat(), "reason": "x"})
    assert asked.status_code == 422 and asked.json()["detail"][0]["loc"][-1] == "new_deadline"
    later = (deadline + dt.timedelta(days=5)).isoformat()
    body = county.post(url + "/extensions", {"new_deadline": later, "reason": "等待配件"}).json()
    extension_id = body["extensions"][0]["id"]
    decided = county.post(f"{url}/extensions/{extension_id}/decision", {"approve": True}).json()
    assert decided["deadline"] == later and decided["extensions"][0]["status"] == "approved"
