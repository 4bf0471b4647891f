import pytest

from anlan.core.models import ApiToken
from anlan.registry.models import Enterprise

from ..factories import make_id_number, make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, lingshi_regulator):
    _, raw = ApiToken.issue(user=lingshi_regulator, name="test")

    class Api:
        def get(self, url, **kw):
            return client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

        def post(self, url, data, **kw):
            return client.post(
                url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}", **kw
            )

        def patch(self, url, data):
            return client.patch(
                url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
            )

    return Api()


def new_enterprise(**overrides):
    data = {
        "name": "灵石新建化工（演示）",
        "uscc": make_uscc("140729"),
        "industry": "hazardous_chemicals",
        "region": "140729",
        "risk_flags": ["major_hazard_source"],
        "latitude": "36.85",
        "longitude": "111.78",
        "headcount": 80,
    }
    data.update(overrides)
    return data


def test_regulator_adds_an_enterprise_through_the_api(api):
    response = api.post("/api/enterprises", new_enterprise())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["risk_flags"] == ["major_hazard_source"]
    assert body["region_name"] == "晋中市灵石县"
    assert Enterprise.objects.filter(name="灵石新建化工（演示）").exists()


def test_wrong_credit_code_is_a_422_naming_the_field_and_nothing_is_saved(api):
    data = new_enterprise()
    data["uscc"] = data["uscc"][:-1] + ("0" if data["uscc"][-1] != "0" else "1")
    response = api.post("/api/enterprises", data)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"][-1] == "uscc"
    assert "校验码错误" in detail[0]["msg"]
    assert not Enterprise.objects.filter(name=data["name"]).exists()


def test_region_outside_jurisdiction_is_refused(api):
    response = api.post("/api/enterprises", new_enterprise(region="140802"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "region"


def test_schema_errors_name_the_field(api):
    response = api.post("/api/enterprises", new_enterprise(industry="spaceships", headcount=-3))
    assert response.status_code == 422
    locs = {tuple(d["loc"])[-1] for d in response.json()["detail"]}
    assert {"industry", "headcount"} <= locs


def test_half_given_coordinates_are_refused(api):
    response = api.post("/api/enterprises", new_enterprise(longitude=None))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "longitude"


def test_patch_changes_only_the_given_fields_and_is_in_history(api, lingshi_mine):
    response = api.patch(f"/api/enterprises/{lingshi_mine.pk}", {"status": "suspended"})
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    assert response.json()["name"] == lingshi_mine.name
    history = api.get(f"/api/enterprises/{lingshi_mine.pk}/history").json()
    assert any(c["field"] == "status" for entry in history for c in entry["changes"])


def test_person_with_bad_id_number_is_refused(api, lingshi_mine):
    response = api.post(
        f"/api/enterprises/{lingshi_mine.pk}/persons",
        {
            "name": "王五",
            "post": "principal",
            "id_number": "140729198001010010",
            "mobile": "13912345678",
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "id_number"
    good = api.post(
        f"/api/enterprises/{lingshi_mine.pk}/persons",
        {
            "name": "王五",
            "post": "principal",
            "id_number": make_id_number(),
            "mobile": "+86 139 1234 5678",
        },
    )
    assert good.status_code == 201
    assert good.json()["mobile"] == "13912345678"
    assert "*" in good.json()["id_number_masked"]


def test_bad_mobile_is_refused(api, lingshi_mine):
    response = api.post(
        f"/api/enterprises/{lingshi_mine.pk}/persons",
        {"name": "王五", "post": "principal", "mobile": "12345"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "mobile"


def test_list_filters_and_paginates(api, lingshi_mine):
    from ..factories import EnterpriseFactory

    EnterpriseFactory.create_batch(3, industry="metallurgy")
    body = api.get("/api/enterprises?industry=metallurgy&limit=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert api.get("/api/enterprises?industry=bogus").status_code == 422


def test_revoked_or_unknown_tokens_are_refused(client, lingshi_regulator):
    from django.utils import timezone

    token, raw = ApiToken.issue(user=lingshi_regulator, name="old")
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/api/enterprises", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/enterprises" in response.json()["paths"]


def test_persons_and_hazard_sources_through_the_api(api, client, lingshi_mine, lingshi_regulator):
    from anlan.core.models import ApiToken

    _, raw = ApiToken.issue(user=lingshi_regulator, name="t2")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    person = api.post(
        f"/api/enterprises/{lingshi_mine.pk}/persons",
        {"name": "钱七", "post": "principal", "mobile": "13900002222"},
    ).json()
    changed = client.patch(
        f"/api/enterprises/{lingshi_mine.pk}/persons/{person['id']}",
        {"mobile": "13900003333"},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["mobile"] == "13900003333"
    wrong = api.post(
        f"/api/enterprises/{lingshi_mine.pk}/hazard-sources",
        {
            "name": "液氨罐区",
            "level": 2,
            "principal": person["id"],
            "technical_lead": 999999,
            "operations_lead": person["id"],
        },
    )
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][-1] == "technical_lead"
    created = api.post(
        f"/api/enterprises/{lingshi_mine.pk}/hazard-sources",
        {
            "name": "液氨罐区",
            "level": 2,
            "principal": person["id"],
            "technical_lead": person["id"],
            "operations_lead": person["id"],
        },
    )
    assert created.status_code == 201 and created.json()["principal"] == "钱七"
    # A guarantor cannot be removed while they guarantee a hazard source.
    blocked = client.delete(f"/api/enterprises/{lingshi_mine.pk}/persons/{person['id']}", **auth)
    assert blocked.status_code == 422
    detail = api.get(f"/api/enterprises/{lingshi_mine.pk}").json()
    assert detail["hazard_sources"][0]["name"] == "液氨罐区"
    assert "major_hazard_source" in detail["risk_flags"]


@pytest.mark.parametrize(
    "url", ["/api/regions?parent=%00", "/api/enterprises?q=a%00b", "/api/regions/14%0007"]
)
def test_nul_characters_are_refused_naming_where(api, url):
    response = api.get(url)
    assert response.status_code == 422
    assert "空字符" in response.json()["detail"][0]["msg"]


def test_nul_characters_in_a_json_body_are_refused(api):
    response = api.post(
        "/api/enterprises",
        {"name": "a\u0000b", "uscc": "x", "industry": "other", "region": "140729"},
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body"]
