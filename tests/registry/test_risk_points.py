"""Risk points: LEC and L×S grading at every boundary, the value tables, the derived enterprise
level, the pages, the risk list, the map and the API — all within the user's jurisdiction."""

import io
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from anlan.core.choices import UserRole
from anlan.core.models import ApiToken
from anlan.registry import grading, risks
from anlan.registry.models import RiskPoint

from ..factories import LINGSHI, EnterpriseFactory, PersonFactory, make_user, region

pytestmark = pytest.mark.django_db

LEC, LS = "lec", "ls"


# ---------------------------------------------------------------- grading


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("320.01", "red"),
        ("320", "orange"),
        ("160.01", "orange"),
        ("160", "yellow"),
        ("70.01", "yellow"),
        ("70", "blue"),
        ("0.05", "blue"),
        ("10000", "red"),
    ],
)
def test_lec_cut_offs_are_exclusive_lower_bounds(score, grade):
    assert grading.grade_for(LEC, Decimal(score)) == grade


@pytest.mark.parametrize(
    ("values", "score", "grade"),
    [
        (("6", "6", "15"), "540", "red"),  # > 320
        (("10", "2", "15"), "300", "orange"),
        (("3", "6", "15"), "270", "orange"),
        (("10", "1", "15"), "150", "yellow"),
        (("3", "6", "7"), "126", "yellow"),
        (("10", "1", "7"), "70", "blue"),  # exactly 70: blue
        (("1", "6", "3"), "18", "blue"),
    ],
)
def test_lec_grades_real_value_combinations(values, score, grade):
    result = grading.grade_lec(*values)
    assert result.score == Decimal(score)
    assert result.grade == grade


@pytest.mark.parametrize(
    ("l_value", "s_value", "grade"),
    [
        (5, 5, "red"),
        (4, 5, "red"),  # 20
        (3, 5, "orange"),  # 15... (17 is not a product; the boundary is tested below)
        (4, 4, "orange"),  # 16
        (3, 4, "orange"),  # 12
        (2, 5, "yellow"),  # 10
        (1, 5, "yellow"),  # 5
        (2, 2, "blue"),  # 4
        (1, 1, "blue"),
    ],
)
def test_ls_matrix_grades(l_value, s_value, grade):
    result = grading.grade_ls(l_value, s_value)
    assert result.score == l_value * s_value
    assert result.grade == grade


@pytest.mark.parametrize(
    ("score", "grade"),
    [(17, "red"), (16, "orange"), (11, "orange"), (10, "yellow"), (5, "yellow"), (4, "blue")],
)
def test_ls_cut_offs_are_inclusive_minimums_on_both_sides(score, grade):
    assert grading.grade_for(LS, score) == grade


def test_changed_settings_change_the_grade(settings):
    settings.ANLAN_RISK_LEC_CUTOFFS = (400, 200, 100)
    assert grading.grade_lec("6", "6", "15").grade == "red"  # 540
    assert grading.grade_for(LEC, 400) == "orange"
    assert grading.grade_for(LEC, 100) == "blue"
    settings.ANLAN_RISK_LS_CUTOFFS = (20, 15, 9)  # variant B
    assert grading.grade_ls(4, 4).grade == "orange"  # 16
    assert grading.grade_ls(3, 4).grade == "yellow"  # 12
    assert grading.grade_ls(2, 4).grade == "blue"  # 8
    assert grading.grade_ls(4, 5).grade == "red"  # 20


def test_every_lec_table_value_is_accepted():
    for (lv, _), (ev, _), (cv, _) in itertools.product(grading.LEC_L, grading.LEC_E, grading.LEC_C):
        result = grading.grade_lec(lv, ev, cv)
        assert result.score == (lv * ev * cv).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (("4", "6", "15"), "lec_l"),
        (("3", "5", "15"), "lec_e"),
        (("3", "6", "20"), "lec_c"),
        (("abc", "6", "15"), "lec_l"),
        (("3", "", "15"), "lec_e"),
        (("3", "6", "NaN"), "lec_c"),
    ],
)
def test_an_off_table_lec_value_is_refused_naming_the_field(values, field):
    with pytest.raises(ValidationError) as info:
        grading.grade_lec(*values)
    assert list(info.value.message_dict) == [field]


@pytest.mark.parametrize(
    ("values", "field"), [((0, 3), "ls_l"), ((3, 6), "ls_s"), (("2.5", 3), "ls_l")]
)
def test_ls_values_outside_one_to_five_are_refused(values, field):
    with pytest.raises(ValidationError) as info:
        grading.grade_ls(*values)
    assert field in info.value.message_dict


# ---------------------------------------------------------------- services and derived level


def point(enterprise, user, name, method=LS, **values):
    data = {"name": name, "kind": "place", "method": method}
    data.update(values or ({"ls_l": 1, "ls_s": 1} if method == LS else {}))
    return risks.save_risk_point(user=user, enterprise=enterprise, data=data)


def test_enterprise_level_is_its_highest_grade_with_counts(lingshi_regulator, lingshi_mine):
    assert risks.summary_of(lingshi_mine).level == ""
    point(lingshi_mine, lingshi_regulator, "办公楼", ls_l=1, ls_s=2)
    point(lingshi_mine, lingshi_regulator, "变电所", LEC, lec_l=1, lec_e=6, lec_c=15)
    assert risks.summary_of(lingshi_mine).level == "yellow"
    point(lingshi_mine, lingshi_regulator, "工作面", LEC, lec_l=3, lec_e=6, lec_c=40)
    summary = risks.summary_of(lingshi_mine)
    assert summary.level == "red"
    assert summary.as_list() == [("red", 1), ("orange", 0), ("yellow", 1), ("blue", 1)]


def test_a_bad_value_saves_nothing(lingshi_regulator, lingshi_mine):
    with pytest.raises(ValidationError) as info:
        point(lingshi_mine, lingshi_regulator, "工作面", LEC, lec_l=4, lec_e=6, lec_c=40)
    assert "lec_l" in info.value.message_dict
    assert not RiskPoint.objects.exists()


def test_reassessment_is_kept_in_the_history(lingshi_regulator, lingshi_mine):
    p = point(lingshi_mine, lingshi_regulator, "工作面", ls_l=2, ls_s=2)
    risks.assess_risk_point(
        user=lingshi_regulator, point=p, data={"method": LEC, "lec_l": 3, "lec_e": 6, "lec_c": 40}
    )
    p.refresh_from_db()
    assert (p.grade, p.score) == ("red", Decimal("720.00"))
    assert p.ls_l is None
    history = risks.assessment_history(p)
    assert [h.grade for h in history] == ["red", "blue"]


def test_enterprise_user_of_another_enterprise_may_not_add_points(
    other_county_enterprise_manager, lingshi_mine
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        point(lingshi_mine, other_county_enterprise_manager, "x")


# ---------------------------------------------------------------- pages


def test_risk_points_tab_shows_colour_badges_in_chinese(client, lingshi_regulator, lingshi_mine):
    point(lingshi_mine, lingshi_regulator, "综采工作面", LEC, lec_l=3, lec_e=6, lec_c=40)
    client.force_login(lingshi_regulator)
    page = client.get(reverse("registry:detail_tab", args=[lingshi_mine.pk, "risk_points"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "综采工作面" in html
    assert "重大风险" in html
    assert 'class="badge risk-badge risk-red"' in html


def test_adding_a_point_on_the_page_grades_it_on_the_server(
    client, lingshi_regulator, lingshi_mine
):
    client.force_login(lingshi_regulator)
    url = reverse("registry:risk_point_create", args=[lingshi_mine.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"name": "主通风机房", "kind": "equipment", "method": "ls", "ls_l": "3", "ls_s": "4"},
    )
    assert response.status_code == 302
    saved = RiskPoint.objects.get(name="主通风机房")
    assert (saved.score, saved.grade) == (12, "orange")


def test_a_missing_lec_value_on_the_page_names_the_field(client, lingshi_regulator, lingshi_mine):
    client.force_login(lingshi_regulator)
    response = client.post(
        reverse("registry:risk_point_create", args=[lingshi_mine.pk]),
        {"name": "工作面", "kind": "activity", "method": "lec", "lec_l": "3", "lec_e": "6"},
    )
    assert response.status_code == 200
    assert 'data-field="lec_c"' in response.content.decode()
    assert not RiskPoint.objects.exists()


def test_county_regulator_cannot_see_other_county_risk_points(
    client, yanhu_regulator, lingshi_regulator, lingshi_mine
):
    p = point(lingshi_mine, lingshi_regulator, "工作面")
    client.force_login(yanhu_regulator)
    assert (
        client.get(reverse("registry:risk_point", args=[lingshi_mine.pk, p.pk])).status_code == 404
    )
    assert (
        client.get(reverse("registry:risk_point_create", args=[lingshi_mine.pk])).status_code == 404
    )
    _, raw = ApiToken.issue(user=yanhu_regulator, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/enterprises/risk-points/{p.pk}", **auth).status_code == 404
    listing = client.get("/api/enterprises/risk-points", **auth).json()
    assert listing["count"] == 0


def test_enterprise_manager_edits_own_points_but_not_regulators_views(
    client, other_county_enterprise_manager, yuncheng_plant, lingshi_mine, lingshi_regulator
):
    client.force_login(other_county_enterprise_manager)
    url = reverse("registry:risk_point_create", args=[yuncheng_plant.pk])
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("registry:risk_point_create", args=[lingshi_mine.pk])).status_code == 404
    )


# ---------------------------------------------------------------- risk list and map


def test_risk_list_excel_has_one_row_per_visible_point(
    client, lingshi_regulator, lingshi_mine, yuncheng_plant, system_admin
):
    p = point(lingshi_mine, lingshi_regulator, "综采工作面", LEC, lec_l=3, lec_e=6, lec_c=40)
    person = PersonFactory(enterprise=lingshi_mine, name="王安全")
    risks.save_measure(
        user=lingshi_regulator,
        point=p,
        data={"text": "每班检查瓦斯", "person": person, "frequency": "daily"},
    )
    point(yuncheng_plant, system_admin, "深井铸造机", ls_l=4, ls_s=5)
    client.force_login(lingshi_regulator)
    response = client.get(reverse("registry:risk_export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "企业", "所属区划", "风险点")
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == lingshi_mine.name and row[3] == "综采工作面"
    assert "L=3 E=6 C=40" in row[8] and row[9] == 720 and row[10] == "重大风险（红）"
    assert "每班检查瓦斯" in row[11] and "王安全" in row[12]


def test_cli_exports_the_risk_list_and_grades(tmp_path, system_admin, lingshi_mine):
    point(lingshi_mine, system_admin, "工作面", ls_l=4, ls_s=5)
    out = tmp_path / "risks.xlsx"
    call_command("risks", "export", str(out), "--region", LINGSHI)
    assert load_workbook(out).active.max_row == 2
    buffer = io.StringIO()
    call_command("risks", "grade", "--lec", "3", "6", "15", stdout=buffer)
    assert buffer.getvalue().startswith("D = 270  orange")
    buffer = io.StringIO()
    call_command("risks", "grade", "--ls", "4", "5", stdout=buffer)
    assert buffer.getvalue().startswith("R = 20  red")


def test_map_data_colours_enterprises_by_derived_level(
    client, lingshi_regulator, lingshi_mine, yuncheng_plant, system_admin
):
    lingshi_mine.latitude, lingshi_mine.longitude = Decimal("36.85"), Decimal("111.77")
    lingshi_mine.save()
    other = EnterpriseFactory(region=region(LINGSHI), latitude=36.8, longitude=111.7)
    point(lingshi_mine, lingshi_regulator, "工作面", ls_l=3, ls_s=4)  # orange
    yuncheng_plant.latitude, yuncheng_plant.longitude = Decimal("35.0"), Decimal("111.0")
    yuncheng_plant.save()
    point(yuncheng_plant, system_admin, "铸造机", ls_l=5, ls_s=5)
    _, raw = ApiToken.issue(user=lingshi_regulator, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    data = client.get("/api/enterprises/risk-map", **auth).json()
    by_id = {f["id"]: f for f in data}
    assert set(by_id) == {lingshi_mine.pk, other.pk}
    assert by_id[lingshi_mine.pk]["colour"] == "#ff7d00"
    assert by_id[lingshi_mine.pk]["level"] == "orange"
    assert by_id[other.pk]["level"] == ""
    only_orange = client.get("/api/enterprises/risk-map", {"grade": "orange"}, **auth).json()
    assert [f["id"] for f in only_orange] == [lingshi_mine.pk]
    client.force_login(lingshi_regulator)
    page = client.get(reverse("registry:risk_map"), {"grade": "orange"})
    assert page.status_code == 200
    assert "四色风险分布图" in page.content.decode()
    assert len(page.context["features"]) == 1


# ---------------------------------------------------------------- API


@pytest.fixture
def api(client, lingshi_regulator):
    _, raw = ApiToken.issue(user=lingshi_regulator, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    class Api:
        def get(self, url, **kw):
            return client.get(url, **auth, **kw)

        def post(self, url, data):
            return client.post(url, data, content_type="application/json", **auth)

        def patch(self, url, data):
            return client.patch(url, data, content_type="application/json", **auth)

        def delete(self, url):
            return client.delete(url, **auth)

    return Api()


def test_api_creates_reassesses_and_lists_a_point(api, lingshi_mine):
    response = api.post(
        f"/api/enterprises/{lingshi_mine.pk}/risk-points",
        {
            "name": "焦炉煤气柜",
            "kind": "equipment",
            "hazard_factors": ["煤气泄漏", "火灾爆炸"],
            "method": "lec",
            "lec_l": 3,
            "lec_e": 6,
            "lec_c": 15,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["grade"], body["grade_label"]) == (
        "270",
        "orange",
        "较大风险（橙）",
    )
    assert body["hazard_factors"] == ["煤气泄漏", "火灾爆炸"]
    pk = body["id"]
    again = api.post(
        f"/api/enterprises/risk-points/{pk}/assessment", {"method": "ls", "ls_l": 1, "ls_s": 2}
    )
    assert again.json()["grade"] == "blue"
    history = api.get(f"/api/enterprises/risk-points/{pk}/assessments").json()
    assert [h["grade"] for h in history] == ["blue", "orange"]
    listing = api.get("/api/enterprises/risk-points", data={"grade": "blue"}).json()
    assert listing["count"] == 1


def test_api_refuses_an_off_table_value_naming_the_field(api, lingshi_mine):
    response = api.post(
        f"/api/enterprises/{lingshi_mine.pk}/risk-points",
        {"name": "x", "kind": "place", "method": "lec", "lec_l": 3, "lec_e": 6, "lec_c": 20},
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"][-1] == "lec_c"
    assert "C（后果）" in detail[0]["msg"] or "lec_c" in str(detail)
    assert not RiskPoint.objects.exists()
    response = api.post(
        f"/api/enterprises/{lingshi_mine.pk}/risk-points",
        {"name": "x", "kind": "place", "method": "ls", "ls_l": 6, "ls_s": 2},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "ls_l"


def test_api_measure_needs_a_person_of_the_same_enterprise(
    api, lingshi_mine, yuncheng_plant, lingshi_regulator
):
    p = point(lingshi_mine, lingshi_regulator, "工作面")
    stranger = PersonFactory(enterprise=yuncheng_plant)
    url = f"/api/enterprises/risk-points/{p.pk}/measures"
    response = api.post(url, {"text": "巡检", "frequency": "daily", "person": stranger.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "person"
    response = api.post(url, {"text": "巡检", "frequency": "every_n_days"})
    assert response.status_code == 422
    locs = {d["loc"][-1] for d in response.json()["detail"]}
    assert {"person", "every_days"} <= locs
    response = api.post(
        url,
        {
            "text": "巡检",
            "frequency": "every_n_days",
            "every_days": 10,
            "person_name": "赵班长",
            "person_mobile": "13900000001",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["frequency_text"] == "每10天"


def test_grid_member_sees_no_points_outside_their_village(client, lingshi_regulator, lingshi_mine):
    from ..factories import township

    village_user = make_user(
        "grid-x", UserRole.TOWNSHIP_SUPERVISOR, region=township(LINGSHI, "190", "别镇")
    )
    point(lingshi_mine, lingshi_regulator, "工作面")
    assert RiskPoint.objects.visible_to(village_user).count() == 0
    assert RiskPoint.objects.visible_to(lingshi_regulator).count() == 1
