"""Assessment pages, API and CLI: the office builds a scheme, computes a month, signs off; a
township liaison sees only its own unit's assessment; bad edits are refused naming the field."""

import datetime as dt
import io
import json
import zoneinfo
from decimal import Decimal as D

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook

from anlan.cli import translate
from anlan.core.choices import UserRole
from anlan.supervision import assessment as services
from anlan.supervision.choices import IndicatorKind, IndicatorSource, ScoringRule
from anlan.supervision.models import Assessment, AssessmentScheme
from tests.factories import JINZHONG, make_user, region

from .factories_assessment import item, scheme, task, township_unit
from .test_duties import PNG

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 4, 3, 10, 0, tzinfo=SH)


def client_for(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def post_json(client, url, payload=None, method="post"):
    return getattr(client, method)(url, json.dumps(payload or {}), content_type="application/json")


def fields(response) -> set:
    return {d["loc"][-1] for d in response.json()["detail"]}


@pytest.fixture(autouse=True)
def april():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def towns():
    return [township_unit("101", "静升镇", 1), township_unit("102", "两渡镇", 2)]


@pytest.fixture
def monthly(towns):
    s = scheme()
    g = item(s, "A", IndicatorKind.GROUP, 30, name="督办任务")
    item(
        s,
        "A1",
        weight=30,
        parent=g,
        source=IndicatorSource.COMPUTED,
        metric="tasks_on_time_rate",
        rule=ScoringRule.LINEAR,
        params={"floor": 0, "target": 100},
    )
    item(
        s,
        "D1",
        IndicatorKind.DEDUCTION,
        10,
        source=IndicatorSource.COMPUTED,
        metric="tasks_missed",
        rule=ScoringRule.PER_UNIT,
        params={"per_unit": 5},
    )
    item(s, "M1", weight=70, name="安全生产责任制")
    t = task("排查燃气隐患", dt.date(2026, 3, 10), towns, issued=dt.datetime(2026, 3, 2, tzinfo=SH))
    t.assignments.filter(unit=towns[0]).update(state="accepted", on_time=True)
    return s


@pytest.fixture
def computed(monthly):
    services.compute(monthly, dt.date(2026, 3, 1))
    return {a.unit.short_name: a for a in Assessment.objects.all()}


@pytest.fixture
def liaison(towns):
    user = make_user("jingsheng-liaison", UserRole.MEMBER_UNIT_LIAISON, region=region(JINZHONG))
    towns[0].liaisons.add(user)
    return user


# ---------------------------------------------------------------- pages


def test_ranking_page_shows_totals_grades_ranks_and_a_chart(lingshi_regulator, computed, monthly):
    page = client_for(lingshi_regulator).get(
        f"/supervision/assessments/?scheme={monthly.pk}&period=2026-03"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="chart-totals"' in html and "totals-data" in html
    assert html.index("静升镇") < html.index("两渡镇")  # 30 points against 30 × 0 − 5
    assert "Fail" in html and 'data-testid="compute-form"' in html
    export = client_for(lingshi_regulator).get(
        f"/supervision/assessments/export.xlsx?scheme={monthly.pk}&period=2026-03-01"
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [sheet.cell(2, c).value for c in (1, 2, 4)] == [1, "静升镇人民政府", 30.0]


def test_ranking_opens_on_the_latest_period_assessed_not_the_half_year(
    lingshi_regulator, computed, monthly
):
    half = scheme(name="乡镇半年考核", period="half")
    item(half, "H", weight=100)
    page = client_for(lingshi_regulator).get("/supervision/assessments/")
    assert page.context["scheme"] == monthly
    assert page.context["period_start"] == dt.date(2026, 3, 1)


def test_office_enters_a_manual_score_with_a_file_and_signs_off_on_the_page(
    lingshi_regulator, computed, monthly
):
    client = client_for(lingshi_regulator)
    a = computed["静升镇"]
    manual = monthly.indicators.get(code="M1")
    url = f"/supervision/assessments/{a.pk}/"
    bad = client.post(url + "score/", {"indicator": manual.pk, "value": "71", "evidence": "x"})
    assert bad.status_code == 422 and 'data-field="value"' in bad.content.decode()
    upload = io.BytesIO(PNG)
    upload.name = "会议纪要.png"
    ok = client.post(
        url + "score/",
        {"indicator": manual.pk, "value": "60", "evidence": "会议纪要", "files": [upload]},
    )
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "会议纪要.png" in page and ">90.0<" in page
    client.post(url + "submit/")
    client.post(url + "sign/", {"comment": "同意"})
    a.refresh_from_db()
    assert a.state == "signed" and a.comment == "同意"
    page = client.get(url).content.decode()
    assert "locked" in page and 'data-testid="score-form"' not in page
    sheet = load_workbook(io.BytesIO(client.get(url + "sheet.xlsx").content)).active
    assert any(row[0] == "M1" and row[6] == 60.0 for row in sheet.iter_rows(values_only=True))


def test_a_township_liaison_sees_only_its_units_assessment(liaison, computed, monthly):
    client = client_for(liaison)
    mine, other = computed["静升镇"], computed["两渡镇"]
    assert client.get(f"/supervision/assessments/{mine.pk}/").status_code == 200
    assert client.get(f"/supervision/assessments/{other.pk}/").status_code == 404
    ranking = client.get(f"/supervision/assessments/?scheme={monthly.pk}&period=2026-03")
    assert "静升镇" in ranking.content.decode() and "两渡镇" not in ranking.content.decode()
    assert 'data-testid="compute-form"' not in ranking.content.decode()
    assert client.post(f"/supervision/assessments/{mine.pk}/submit/").status_code == 403
    assert Assessment.objects.get(pk=mine.pk).state == "draft"
    api = client.get("/api/office/assessments").json()
    assert [row["unit"] for row in api["items"]] == ["静升镇人民政府"]
    assert client.get(f"/api/office/assessments/{other.pk}").status_code == 404


def test_township_supervisor_sees_the_township_units_assessment(computed, towns):
    supervisor = make_user("jingsheng-sup", UserRole.TOWNSHIP_SUPERVISOR, region=towns[0].township)
    client = client_for(supervisor)
    assert client.get(f"/supervision/assessments/{computed['静升镇'].pk}/").status_code == 200
    assert client.get(f"/supervision/assessments/{computed['两渡镇'].pk}/").status_code == 404


def test_scheme_page_shows_the_tree_and_refuses_a_bad_item_naming_the_field(
    lingshi_regulator, monthly
):
    client = client_for(lingshi_regulator)
    page = client.get(f"/supervision/schemes/{monthly.pk}/").content.decode()
    assert 'data-code="A1"' in page and "tasks_on_time_rate" in page
    over = client.post(
        f"/supervision/schemes/{monthly.pk}/items/new/",
        {
            "code": "A2",
            "name": "多余",
            "kind": "scored",
            "weight": "5",
            "source": "manual",
            "rule": "direct",
            "order": 0,
            "parent": str(monthly.indicators.get(code="A").pk),
        },
    )
    assert over.status_code == 422 and 'data-field="weight"' in over.content.decode()
    assert not monthly.indicators.filter(code="A2").exists()
    ok = client.post(
        f"/supervision/schemes/{monthly.pk}/items/new/",
        {
            "code": "B1",
            "name": "加分",
            "kind": "bonus",
            "weight": "3",
            "source": "manual",
            "rule": "direct",
            "order": 9,
        },
    )
    assert ok.status_code == 302 and monthly.indicators.filter(code="B1").exists()


def test_other_roles_cannot_edit_a_scheme(yanhu_regulator, city_admin, monthly):
    assert client_for(yanhu_regulator).get(f"/supervision/schemes/{monthly.pk}/").status_code == 404
    client = client_for(city_admin)  # sees Lingshi's scheme but is not Lingshi's office
    assert client.get(f"/supervision/schemes/{monthly.pk}/").status_code == 200
    response = client.post(
        f"/supervision/schemes/{monthly.pk}/items/new/",
        {
            "code": "Z",
            "name": "z",
            "kind": "bonus",
            "weight": "1",
            "source": "manual",
            "rule": "direct",
            "order": 0,
        },
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- scheme edits (services)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "A1", "name": "重复", "kind": "bonus", "weight": 1}, "code"),
        ({"code": "V", "name": "否决", "kind": "veto", "weight": 5}, "weight"),
        (
            {
                "code": "X",
                "name": "x",
                "kind": "scored",
                "weight": 5,
                "source": "computed",
                "metric": "nonsense",
                "rule": "linear",
                "params": {"floor": 0, "target": 1},
            },
            "metric",
        ),
        (
            {
                "code": "X",
                "name": "x",
                "kind": "bonus",
                "weight": 5,
                "rule": "linear",
                "params": {"floor": 5},
            },
            "params",
        ),
        (
            {
                "code": "X",
                "name": "x",
                "kind": "bonus",
                "weight": 5,
                "rule": "per_unit",
                "params": {"per_unit": -1},
            },
            "params",
        ),
        ({"code": "X", "name": "x", "kind": "scored", "weight": 5, "source": "rollup"}, "source"),
        ({"code": "X", "name": "x", "kind": "scored", "weight": 5}, "weight"),  # 30 + 70 + 5
    ],
)
def test_bad_scheme_edits_are_refused_naming_the_field(lingshi_regulator, monthly, data, field):
    before = monthly.indicators.count()
    with pytest.raises(Exception) as err:
        services.save_indicator(user=lingshi_regulator, scheme=monthly, data=data)
    assert field in err.value.message_dict
    assert monthly.indicators.count() == before


def test_a_copied_scheme_has_the_whole_tree(lingshi_regulator, monthly):
    copy = services.copy_scheme(user=lingshi_regulator, scheme=monthly, name="乡镇月度考核（新）")
    assert [i.code for i in services.tree(copy)] == [i.code for i in services.tree(monthly)]
    a1 = copy.indicators.get(code="A1")
    assert a1.parent.scheme == copy and a1.params == {"floor": 0, "target": 100}


# ---------------------------------------------------------------- API


def test_the_office_runs_a_month_over_the_api(lingshi_regulator, towns):
    client = client_for(lingshi_regulator)
    created = post_json(
        client,
        "/api/office/schemes",
        {"region": "140729", "name": "API考核", "period": "month", "applies_to": "township"},
    )
    assert created.status_code == 201, created.content
    sid = created.json()["id"]
    group = post_json(
        client,
        f"/api/office/schemes/{sid}/indicators",
        {"code": "H", "name": "隐患", "kind": "group", "weight": 40},
    ).json()
    rate = post_json(
        client,
        f"/api/office/schemes/{sid}/indicators",
        {
            "code": "H1",
            "name": "整改率",
            "kind": "scored",
            "weight": 40,
            "parent": group["id"],
            "source": "computed",
            "metric": "rectification_rate",
            "rule": "linear",
            "params": {"floor": 60, "target": 100},
        },
    )
    assert rate.status_code == 201
    manual = post_json(
        client,
        f"/api/office/schemes/{sid}/indicators",
        {"code": "M", "name": "其他", "kind": "scored", "weight": 60},
    ).json()
    bad = post_json(
        client,
        f"/api/office/schemes/{sid}/indicators",
        {"code": "M", "name": "重复", "kind": "bonus", "weight": 1},
    )
    assert bad.status_code == 422 and fields(bad) == {"code"}
    tree = client.get(f"/api/office/schemes/{sid}").json()["indicators"]
    assert [(i["code"], i["depth"]) for i in tree] == [("H", 0), ("H1", 1), ("M", 0)]
    run = post_json(client, f"/api/office/schemes/{sid}/compute", {"period": "2026-03"})
    assert run.status_code == 200 and run.json()["created"] == 2
    assert (
        post_json(client, f"/api/office/schemes/{sid}/compute", {"period": "März"}).status_code
        == 422
    )
    ranking = client.get(f"/api/office/assessments?scheme={sid}&period=2026-03").json()["items"]
    assert {r["total"] for r in ranking} == {40.0}  # nothing found: 100 %
    aid = ranking[0]["id"]
    scored = post_json(
        client,
        f"/api/office/assessments/{aid}/scores",
        {"indicator": manual["id"], "value": 55, "evidence": "台账"},
    )
    assert scored.status_code == 200 and scored.json()["total"] == 95.0
    assert scored.json()["grade"] == "excellent"
    assert post_json(client, f"/api/office/assessments/{aid}/sign").status_code == 422
    assert post_json(client, f"/api/office/assessments/{aid}/submit").json()["state"] == "review"
    signed = post_json(client, f"/api/office/assessments/{aid}/sign", {"comment": "ok"})
    assert signed.json()["state"] == "signed"
    assert client.get(f"/api/office/assessments/{aid}").json()["rank"] == 1


def test_api_refuses_others_with_403_and_404(liaison, yanhu_regulator, computed, monthly):
    a = computed["静升镇"]
    assert (
        post_json(
            client_for(liaison), f"/api/office/schemes/{monthly.pk}/compute", {"period": "2026-03"}
        ).status_code
        == 403
    )
    assert (
        post_json(client_for(liaison), f"/api/office/assessments/{a.pk}/submit").status_code == 403
    )
    assert client_for(yanhu_regulator).get(f"/api/office/schemes/{monthly.pk}").status_code == 404
    edit = post_json(
        client_for(yanhu_regulator),
        f"/api/office/schemes/{monthly.pk}",
        {"name": "x"},
        method="patch",
    )
    assert edit.status_code == 404


def test_api_scheme_validation_names_the_field(lingshi_regulator):
    client = client_for(lingshi_regulator)
    bad = post_json(
        client, "/api/office/schemes", {"region": "140729", "name": "x", "period": "week"}
    )
    assert bad.status_code == 422 and fields(bad) == {"period"}
    other = post_json(
        client, "/api/office/schemes", {"region": "140802", "name": "x", "period": "month"}
    )
    assert other.status_code == 403
    nowhere = post_json(
        client, "/api/office/schemes", {"region": "999999", "name": "x", "period": "month"}
    )
    assert nowhere.status_code == 422 and fields(nowhere) == {"region"}


# ---------------------------------------------------------------- CLI


def test_cli_computes_ranks_shows_signs_and_exports(lingshi_regulator, monthly, tmp_path):
    assert translate(["office", "assess", "rank"]) == ["office_assess", "rank"]
    out = io.StringIO()
    call_command(
        "office_assess",
        "compute",
        "--scheme",
        str(monthly.pk),
        "--period",
        "2026-03",
        "--user",
        "lingshi-regulator",
        stdout=out,
    )
    assert "2 created" in out.getvalue() and "静升镇人民政府" in out.getvalue()
    a = Assessment.objects.get(unit__short_name="静升镇")
    out = io.StringIO()
    call_command("office_assess", "show", str(a.pk), stdout=out)
    assert "tasks_on_time_rate" in out.getvalue() and "total 30.0" in out.getvalue()
    call_command("office_assess", "submit", str(a.pk), "--user", "lingshi-regulator", stdout=out)
    call_command("office_assess", "sign", str(a.pk), "--user", "lingshi-regulator", stdout=out)
    assert Assessment.objects.get(pk=a.pk).state == "signed"
    target = tmp_path / "ranking.xlsx"
    call_command(
        "office_assess",
        "export",
        "--scheme",
        str(monthly.pk),
        "--period",
        "2026-03",
        "-o",
        str(target),
        stdout=out,
    )
    assert load_workbook(target).active.cell(2, 2).value == "静升镇人民政府"
    out = io.StringIO()
    call_command("office_assess", "schemes", "--scheme", str(monthly.pk), stdout=out)
    assert "A1" in out.getvalue()
    with pytest.raises(CommandError, match="period"):
        call_command("office_assess", "rank", "--scheme", str(monthly.pk), "--period", "soon")
    with pytest.raises(CommandError, match="office"):
        call_command(
            "office_assess",
            "compute",
            "--scheme",
            str(monthly.pk),
            "--period",
            "2026-03",
            "--user",
            "city-admin-x",
        )


@pytest.fixture(autouse=True)
def _sysadmin_and_city(db):
    make_user("admin", UserRole.SYSTEM_ADMIN)
    make_user("city-admin-x", UserRole.CITY_ADMIN, region=region(JINZHONG))


def test_scheme_list_creates_a_scheme_for_the_office(lingshi_regulator):
    client = client_for(lingshi_regulator)
    response = client.post(
        "/supervision/schemes/",
        {
            "name": "年度考核",
            "period": "year",
            "applies_to": "all",
            "full_marks": "100",
            "decimals": "1",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert AssessmentScheme.objects.get(name="年度考核").region.code == "140729"
    assert "年度考核" in client.get("/supervision/schemes/").content.decode()
    assert D(AssessmentScheme.objects.get(name="年度考核").full_marks) == 100


def test_scheme_edit_copy_and_item_pages(lingshi_regulator, computed, monthly):
    client = client_for(lingshi_regulator)
    a1 = monthly.indicators.get(code="A1")
    page = client.get(f"/supervision/schemes/{monthly.pk}/items/{a1.pk}/")
    assert page.status_code == 200 and "tasks_on_time_rate" in page.content.decode()
    low = client.post(
        f"/supervision/schemes/{monthly.pk}/edit/",
        {"name": monthly.name, "applies_to": "township", "full_marks": "50", "decimals": "1"},
    )
    assert low.status_code == 422 and 'data-field="full_marks"' in low.content.decode()
    monthly.refresh_from_db()
    assert monthly.full_marks == 100
    copied = client.post(
        f"/supervision/schemes/{monthly.pk}/copy/", {"name": "副本", "period": "year"}
    )
    assert copied.status_code == 302
    assert AssessmentScheme.objects.get(name="副本").indicators.count() == 4
    deleted = client.post(f"/supervision/schemes/{monthly.pk}/items/{a1.pk}/delete/", follow=True)
    assert "cannot be deleted" in deleted.content.decode()
    assert monthly.indicators.filter(pk=a1.pk).exists()


def test_evidence_files_are_served_only_within_scope(lingshi_regulator, liaison, computed, monthly):
    from anlan.core.uploads import check_upload

    manual = monthly.indicators.get(code="M1")
    files = {}
    for name in ("静升镇", "两渡镇"):
        score = services.enter_score(
            user=lingshi_regulator,
            assessment=computed[name],
            indicator=manual,
            value=50,
            evidence="纪要",
            files=[check_upload(PNG, f"{name}.png")],
        )
        files[name] = score.files.get().pk
    client = client_for(liaison)
    assert client.get(f"/supervision/assessments/evidence/{files['静升镇']}/").status_code == 200
    assert client.get(f"/supervision/assessments/evidence/{files['两渡镇']}/").status_code == 404
