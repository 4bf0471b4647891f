"""Pages, Excel, API and CLI of 包保 checks and the strict-supervision list."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from anlan.cli import translate
from anlan.core.models import ApiToken
from anlan.hazards.models import Hazard
from anlan.supervision import services, strict
from anlan.supervision.models import GuaranteeCheck, StrictListEntry

from .conftest import local
from .test_duties import PNG

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def checks(source, other_source):
    services.generate_checks(dt.date(2026, 2, 25))
    return GuaranteeCheck.objects.filter(hazard_source=source)


@pytest.fixture
def listed(checks):
    """Both enterprises on the list of 2 March (the week's operations checks were missed)."""
    with time_machine.travel(local(2026, 3, 2, 10, 0), tick=False):
        strict.compute(DAY)
    return StrictListEntry.objects.filter(date=DAY)


def bearer(user):
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# ---------------------------------------------------------------- checks


def test_enterprise_records_a_check_from_its_phone_form_with_photo_and_hazard(
    client, checks, mine_safety
):
    check = checks.get(role="technical")
    client.force_login(mine_safety)
    with time_machine.travel(local(2026, 2, 26), tick=False):
        page = client.get(f"/supervision/checks/{check.pk}/").content.decode()
        assert "填报本次检查" in page and "根据发现的问题登记隐患" in page
        photo = io.BytesIO(PNG)
        photo.name = "valve.png"
        response = client.post(
            f"/supervision/checks/{check.pk}/",
            {
                "result": "problems",
                "findings": "安全阀超期未校验",
                "photo": photo,
                "open_hazard": "on",
            },
        )
        assert response.status_code == 302
        check.refresh_from_db()
        assert check.result == "problems" and check.hazard.channel == "self_inspection"
        page = client.get(f"/supervision/checks/{check.pk}/").content.decode()
        assert "安全阀超期未校验" in page and check.hazard.code in page and "valve.png" in page
        assert client.get(f"/supervision/checks/{check.pk}/photo/").status_code == 200


def test_bad_input_on_the_form_names_the_field_and_saves_nothing(client, checks, mine_safety):
    check = checks.get(role="technical")
    client.force_login(mine_safety)
    not_a_photo = io.BytesIO(b"plain text")
    not_a_photo.name = "x.jpg"
    with time_machine.travel(local(2026, 2, 26), tick=False):
        page = client.post(
            f"/supervision/checks/{check.pk}/", {"result": "problems", "findings": ""}
        ).content.decode()
        assert "请描述发现的问题" in page
        page = client.post(
            f"/supervision/checks/{check.pk}/",
            {"result": "ok", "photo": not_a_photo},
        ).content.decode()
        assert 'data-field="photo"' in page
    check.refresh_from_db()
    assert check.completed_at is None and not Hazard.objects.exists()


def test_only_the_enterprise_may_record_and_only_once(
    client, checks, mine_safety, lingshi_regulator, other_county_enterprise_manager
):
    check = checks.get(role="operations")
    client.force_login(other_county_enterprise_manager)
    assert client.get(f"/supervision/checks/{check.pk}/").status_code == 404
    assert client.post(f"/supervision/checks/{check.pk}/", {"result": "ok"}).status_code == 404
    client.force_login(lingshi_regulator)
    assert client.get(f"/supervision/checks/{check.pk}/").status_code == 200
    assert client.post(f"/supervision/checks/{check.pk}/", {"result": "ok"}).status_code == 403
    client.force_login(mine_safety)
    assert client.post(f"/supervision/checks/{check.pk}/", {"result": "ok"}).status_code == 302
    page = client.post(f"/supervision/checks/{check.pk}/", {"result": "ok"}).content.decode()
    assert "逾期完成" in page  # the week ended on 1 March: recorded late, shown as such
    check.refresh_from_db()
    assert check.status == "late"


def test_regulator_list_filters_and_completion_rates(
    client, checks, lingshi_regulator, city_admin, mine_safety
):
    services.complete_check(check=checks.get(role="principal"), user=mine_safety, result="ok")
    client.force_login(lingshi_regulator)
    with time_machine.travel(local(2026, 3, 2), tick=False):
        page = client.get("/supervision/checks/").content.decode()
        assert "液氨罐区" in page and "煤气柜" not in page
        assert "各县（区）完成情况" in page
        missed = client.get("/supervision/checks/", {"status": "missed"})
        assert [c.role for c in missed.context["page"]] == ["operations"]
        client.force_login(city_admin)
        response = client.get("/supervision/checks/", {"role": "operations"})
    rates = {r["name"]: r for r in response.context["rates"]}
    assert rates["灵石县"]["missed"] == 1 and rates["灵石县"]["rate"] == 0.0
    assert "煤气柜" not in response.content.decode()  # Yuncheng is another city


def test_bad_filter_shows_an_error_not_a_500(client, checks, lingshi_regulator):
    client.force_login(lingshi_regulator)
    response = client.get("/supervision/checks/", {"status": "bogus", "on": "2026-13-40"})
    assert response.status_code == 200
    assert 'data-field="status"' in response.content.decode()
    assert 'data-field="on"' in response.content.decode()


def test_checks_export_lists_only_what_the_user_sees(client, checks, lingshi_regulator):
    client.force_login(lingshi_regulator)
    with time_machine.travel(local(2026, 3, 2), tick=False):
        response = client.get("/supervision/checks/export.xlsx", {"status": "missed"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("企业", "重大危险源", "角色")
    assert [r[2] for r in rows[1:]] == ["操作负责人"]
    assert rows[1][6] == "未完成"


# ---------------------------------------------------------------- strict list


def test_county_regulator_sees_its_strict_list_with_reasons_and_chart(
    client, listed, lingshi_regulator, lingshi_mine
):
    client.force_login(lingshi_regulator)
    with time_machine.travel(local(2026, 3, 3), tick=False):
        page = client.get("/supervision/strict-list/", {"date": "2026-03-02"}).content.decode()
    assert "从严监管名单" in page and lingshi_mine.name in page
    assert "包保履职缺失" in page and "包保检查未按期完成" in page
    assert "运城" not in page
    assert "echarts.min.js" in page and 'id="reason-data"' in page
    assert "立即重新计算" not in page


def test_enterprise_sees_only_its_own_entries(
    client, listed, other_county_enterprise_manager, lingshi_mine, yuncheng_plant
):
    client.force_login(other_county_enterprise_manager)
    page = client.get("/supervision/strict-list/", {"date": "2026-03-02"}).content.decode()
    assert yuncheng_plant.name in page and lingshi_mine.name not in page
    assert client.get(f"/supervision/strict-list/enterprises/{lingshi_mine.pk}/").status_code == 404


def test_bad_date_is_reported_and_today_is_shown(client, listed, lingshi_regulator):
    client.force_login(lingshi_regulator)
    page = client.get("/supervision/strict-list/", {"date": "yesterday"}).content.decode()
    assert "不是有效日期" in page


def test_history_shows_days_on_the_list(client, listed, lingshi_regulator, lingshi_mine):
    with time_machine.travel(local(2026, 3, 3, 10, 0), tick=False):
        strict.compute(dt.date(2026, 3, 3))
        client.force_login(lingshi_regulator)
        page = client.get(f"/supervision/strict-list/enterprises/{lingshi_mine.pk}/")
    text = page.content.decode()
    assert "近 90 天内有 2 天列入从严监管名单" in text
    assert "2026-03-02" in text and "2026-03-03" in text


def test_strict_export_has_one_row_per_enterprise_in_scope(client, listed, city_admin):
    client.force_login(city_admin)
    response = client.get("/supervision/strict-list/export.xlsx", {"date": "2026-03-02"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("日期", "企业")
    assert len(rows) == 2 and rows[1][3] == "包保履职缺失"


def test_only_city_admins_recompute(client, checks, city_admin, lingshi_regulator):
    client.force_login(lingshi_regulator)
    assert (
        client.post("/supervision/strict-list/recompute/", {"date": "2026-03-02"}).status_code
        == 403
    )
    assert not StrictListEntry.objects.exists()
    client.force_login(city_admin)
    with time_machine.travel(local(2026, 3, 3), tick=False):
        response = client.post("/supervision/strict-list/recompute/", {"date": "2026-03-02"})
        assert response.status_code == 302
        assert StrictListEntry.objects.filter(date=DAY).count() == 2
        page = client.get(response["Location"]).content.decode()
    assert "已重新计算 2026-03-02 的名单" in page


# ---------------------------------------------------------------- API


def test_api_lists_and_completes_checks_in_scope(client, checks, mine_safety, yanhu_regulator):
    with time_machine.travel(local(2026, 3, 2), tick=False):
        body = client.get("/api/supervision/checks?status=missed", **bearer(mine_safety)).json()
        assert [c["role"] for c in body] == ["operations"] and body[0]["status"] == "missed"
        check_id = body[0]["id"]
        bad = client.post(
            f"/api/supervision/checks/{check_id}/complete",
            json.dumps({"result": "problems"}),
            content_type="application/json",
            **bearer(mine_safety),
        )
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"][-1] == "findings"
        done = client.post(
            f"/api/supervision/checks/{check_id}/complete",
            json.dumps({"result": "ok"}),
            content_type="application/json",
            **bearer(mine_safety),
        )
        assert done.status_code == 200 and done.json()["status"] == "late"
        wrong = client.get("/api/supervision/checks?status=soon", **bearer(mine_safety))
        assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][-1] == "status"
        other = client.get(f"/api/supervision/checks/{check_id}", **bearer(yanhu_regulator))
        assert other.status_code == 404


def test_api_strict_list_by_date_and_history(
    client, listed, lingshi_regulator, lingshi_mine, yuncheng_plant
):
    body = client.get(
        "/api/supervision/strict-list?date=2026-03-02", **bearer(lingshi_regulator)
    ).json()
    assert [e["enterprise_id"] for e in body] == [lingshi_mine.pk]
    assert body[0]["reasons"][0]["code"] == "duties"
    with time_machine.travel(local(2026, 3, 3), tick=False):
        history = client.get(
            f"/api/supervision/strict-list/enterprises/{lingshi_mine.pk}",
            **bearer(lingshi_regulator),
        ).json()
        assert [e["date"] for e in history] == ["2026-03-02"]
        assert (
            client.get(
                f"/api/supervision/strict-list/enterprises/{yuncheng_plant.pk}",
                **bearer(lingshi_regulator),
            ).status_code
            == 404
        )
    bad = client.get("/api/supervision/strict-list?date=tomorrow", **bearer(lingshi_regulator))
    assert bad.status_code == 422


# ---------------------------------------------------------------- CLI


def test_cli_generates_checks_and_prints_the_list(source, capsys):
    assert translate(["duties", "generate", "--date", "2026-02-25"]) == [
        "duties",
        "generate",
        "--date",
        "2026-02-25",
    ]
    assert translate(["supervision", "strict-list", "--compute"]) == ["strict_list", "--compute"]
    out = io.StringIO()
    call_command("duties", "generate", "--date", "2026-02-25", stdout=out)
    assert "checks created: 3" in out.getvalue()
    out = io.StringIO()
    with time_machine.travel(local(2026, 3, 3), tick=False):
        call_command("strict_list", "--date", "2026-03-02", "--compute", stdout=out)
    text = out.getvalue()
    assert "computed 2026-03-02: 1 enterprise(s)" in text
    assert source.enterprise.name in text and "1 enterprise(s) on the list" in text
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("strict_list", "--date", "02/03/2026", stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("duties", "generate", "--date", "soon", stdout=io.StringIO())
