"""`anlan standards …`, the /api/standards endpoints and the standards browser."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import include, path

from anlan.cli import translate
from anlan.core.models import ApiToken
from anlan.registry.models import RiskFlag

from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("standards", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def casting_plant(yuncheng_plant):
    yuncheng_plant.risk_flags.set(RiskFlag.objects.filter(code="deep_well_casting"))
    return yuncheng_plant


def test_cli_names_map_to_the_command():
    assert translate(["standards", "show", "gm2023-11-3"]) == ["standards", "show", "gm2023-11-3"]
    assert translate(["standards", "applicable", "7"]) == ["standards", "applicable", "7"]
    assert translate(["standards", "list", "--standard", "gm2023"])[:2] == ["standards", "list"]
    assert translate(["standards", "load"]) == ["standards", "load"]


def test_applicable_by_id_and_by_credit_code_lists_the_casting_items(casting_plant):
    by_id = run("applicable", str(casting_plant.pk))
    assert "gm2023-5-3" in by_id and "未核实" in by_id and "17 clauses" in by_id
    assert run("applicable", casting_plant.uscc.lower()) == by_id


def test_applicable_refuses_an_unknown_enterprise():
    with pytest.raises(CommandError, match="No enterprise"):
        run("applicable", "NOSUCHCODE")


def test_show_prints_the_clause_and_its_mapping():
    output = run("show", "gm2017-1-3")
    assert "gm2023-11-3" in output and "repealed 2023-05-15" in output


def test_show_refuses_an_unknown_clause():
    with pytest.raises(CommandError, match="gm2023-99-9"):
        run("show", "gm2023-99-9")


def test_list_and_load():
    assert "gm2023" in run("list") and "65 clauses" in run("list", "--standard", "gm2023")
    with pytest.raises(CommandError, match="No standard"):
        run("list", "--standard", "nope")
    assert "0 created, 0 updated" in run("load")


@pytest.fixture
def api(client):
    def make(user):
        _, raw = ApiToken.issue(user=user, name="test")

        class Api:
            def get(self, url, data=None):
                return client.get(url, data, HTTP_AUTHORIZATION=f"Bearer {raw}")

            def post(self, url, data):
                return client.post(
                    url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
                )

        return Api()

    return make


def test_api_needs_a_signed_in_user(client):
    assert client.get("/api/standards/").status_code == 401


def test_api_lists_standards_and_filters_clauses(api, lingshi_regulator):
    a = api(lingshi_regulator)
    standards = {s["key"]: s for s in a.get("/api/standards/").json()}
    assert standards["gm2017"]["replaced_by"] == "gm2023" and not standards["gm2017"]["in_force"]
    assert standards["gm2023"]["unverified_clauses"] == 50
    dust = a.get("/api/standards/gm2023/clauses", {"flag": "dust_explosion"}).json()
    assert [c["id"] for c in dust] == [f"gm2023-11-{n}" for n in range(1, 11)]
    verified = a.get("/api/standards/gm2023/clauses", {"verified": "true", "group": "special"})
    assert len(verified.json()) == 5
    assert a.get("/api/standards/nope/clauses").status_code == 404


def test_api_clause_detail_shows_mappings(api, lingshi_regulator):
    a = api(lingshi_regulator)
    body = a.get("/api/standards/clauses/gm2023-11-3").json()
    assert body["citation"] == "应急管理部令第10号 第十一条第（三）项"
    assert body["mapped_from"] == [
        {
            "id": "gm2017-1-3",
            "citation": "安监总管四〔2017〕129号 专项类·存在粉尘爆炸危险的行业领域第三项",
        }
    ]
    assert a.get("/api/standards/clauses/nope").status_code == 404


def test_api_determine_major_general_and_unknown(api, lingshi_regulator):
    a = api(lingshi_regulator)
    major = a.post("/api/standards/determine", {"clauses": ["gm2017-1-3"]}).json()
    assert major["level"] == "major" and major["clauses"][0]["id"] == "gm2023-11-3"
    assert major["notes"]
    assert a.post("/api/standards/determine", {"clauses": []}).json()["level"] == "general"
    bad = a.post("/api/standards/determine", {"clauses": ["gm2023-11-3", "bogus-1-1"]})
    assert bad.status_code == 422 and "bogus-1-1" in bad.json()["detail"][0]["msg"]


def test_api_applicable_in_scope(api, yanhu_regulator, casting_plant):
    body = api(yanhu_regulator).get("/api/standards/applicable", {"enterprise": casting_plant.pk})
    assert body.status_code == 200
    assert body.json()["risk_flags"] == ["deep_well_casting"]
    assert "gm2023-5-3" in [c["id"] for c in body.json()["clauses"]]


def test_enterprise_user_cannot_ask_about_another_enterprise(api, other_county_enterprise_manager):
    other = EnterpriseFactory(industry="metallurgy")
    a = api(other_county_enterprise_manager)
    assert a.get("/api/standards/applicable", {"enterprise": other.pk}).status_code == 404
    own = other_county_enterprise_manager.enterprise_id
    assert a.get("/api/standards/applicable", {"enterprise": own}).status_code == 200


def test_county_regulator_cannot_ask_about_another_county(api, lingshi_regulator, yuncheng_plant):
    got = api(lingshi_regulator).get("/api/standards/applicable", {"enterprise": yuncheng_plant.pk})
    assert got.status_code == 404


# The lead includes the browser in the project URLs; until then these tests add it themselves.
from anlan import urls as project_urls  # noqa: E402

urlpatterns = [
    path("inspections/standards/", include("anlan.inspections.urls_standards")),
    *project_urls.urlpatterns,
]


@pytest.fixture
def with_browser(settings):
    settings.ROOT_URLCONF = __name__


def test_browser_lists_standards_and_shows_unverified_badges(
    client, lingshi_regulator, with_browser
):
    client.force_login(lingshi_regulator)
    index = client.get("/inspections/standards/").content.decode()
    assert "工贸企业重大事故隐患判定标准" in index and "/inspections/standards/coal2020/" in index
    page = client.get("/inspections/standards/gm2023/", {"flag": "deep_well_casting"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "gm2023-5-3" in text and "gm2023-11-1" not in text
    unverified = client.get(
        "/inspections/standards/gm2023/", {"verified": "no", "industry": "metallurgy"}
    )
    assert "未核实" in unverified.content.decode() and "gm2023-4-1" in unverified.content.decode()
    assert client.get("/inspections/standards/nope/").status_code == 404


def test_browser_needs_sign_in(client, with_browser):
    assert client.get("/inspections/standards/").status_code == 302
