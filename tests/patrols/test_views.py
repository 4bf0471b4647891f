import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from anlan.hazards.models import Hazard
from anlan.patrols.models import OnlinePatrol

from .conftest import DAY0, finding, record

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**extra):
    data = {
        "kind": "spot_check",
        "started_at": "2026-03-02T09:00",
        "items": ["readings", "video"],
        "summary": "抽查视频和实时数据",
        "result": "problems",
        "findings-TOTAL_FORMS": "2",
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "50",
        "findings-0-description": "储罐区视频画面长期黑屏",
        "findings-0-category": "equipment",
        "findings-0-level": "general",
        "findings-0-deadline": "2026-03-09",
        "findings-1-description": "",
        "findings-1-category": "management",
        "findings-1-level": "general",
        "findings-1-deadline": "",
    }
    data.update(extra)
    return data


def test_regulator_records_a_patrol_on_a_phone_form_and_sees_its_hazard(
    lingshi_regulator, coking_plant
):
    with time_machine.travel(DAY0 + dt.timedelta(hours=1)):
        client = login(lingshi_regulator)
        page = client.get(f"/patrols/new/{coking_plant.pk}/")
        assert page.status_code == 200
        assert "记录线上巡查" in page.content.decode()
        response = client.post(f"/patrols/new/{coking_plant.pk}/", form_data())
        assert response.status_code == 302
        detail = client.get(response["Location"]).content.decode()
    patrol = OnlinePatrol.objects.get()
    hazard = Hazard.objects.get()
    assert patrol.kind == "spot_check" and patrol.findings.get().hazard == hazard
    assert hazard.code in detail and f"/hazards/{hazard.pk}/" in detail
    assert "储罐区视频画面长期黑屏" in detail and "抽查" in detail


def test_bad_form_input_shows_the_reason_and_saves_nothing(lingshi_regulator, coking_plant):
    with time_machine.travel(DAY0 + dt.timedelta(hours=1)):
        client = login(lingshi_regulator)
        response = client.post(
            f"/patrols/new/{coking_plant.pk}/",
            form_data(**{"findings-0-deadline": "", "items": []}),
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-field="findings-0-deadline"' in body
    assert 'data-field="items"' in body
    assert not OnlinePatrol.objects.exists() and not Hazard.objects.exists()


def test_other_county_regulator_gets_404_and_enterprise_user_reads_only(
    lingshi_regulator, yanhu_regulator, coking_manager, coking_plant
):
    with time_machine.travel(DAY0):
        patrol = record(lingshi_regulator, coking_plant, [finding()])
    other = login(yanhu_regulator)
    assert other.get(f"/patrols/{patrol.pk}/").status_code == 404
    assert other.get(f"/patrols/new/{coking_plant.pk}/").status_code == 404
    assert coking_plant.name not in other.get("/patrols/").content.decode()
    own = login(coking_manager)
    assert own.get(f"/patrols/{patrol.pk}/").status_code == 200
    assert coking_plant.name in own.get("/patrols/").content.decode()
    assert own.get(f"/patrols/new/{coking_plant.pk}/").status_code == 403
    assert own.post(f"/patrols/new/{coking_plant.pk}/", form_data()).status_code == 403
    assert OnlinePatrol.objects.count() == 1


def test_the_monitoring_page_offers_a_patrol_to_regulators_only(
    lingshi_regulator, coking_manager, coking_plant
):
    url = f"/monitoring/enterprises/{coking_plant.pk}/"
    assert "记录线上巡查" in login(lingshi_regulator).get(url).content.decode()
    assert "记录线上巡查" not in login(coking_manager).get(url).content.decode()


def test_due_list_flags_missed_patrols_and_exports_them(
    lingshi_regulator, coking_plant, lingshi_mine, settings
):
    from .conftest import add_hazard_source

    settings.ANLAN_PATROL_DAYS = {"city": 30, "county": 7, "township": 7}
    add_hazard_source(lingshi_mine)
    with time_machine.travel(DAY0 - dt.timedelta(days=20)):
        record(lingshi_regulator, coking_plant)
    with time_machine.travel(DAY0):
        record(lingshi_regulator, lingshi_mine)
        client = login(lingshi_regulator)
        page = client.get("/patrols/due/").content.decode()
        assert coking_plant.name in page and lingshi_mine.name in page
        assert "1 家企业超期" in page
        missed = client.get("/patrols/due/", {"missed": "1"}).content.decode()
        assert coking_plant.name in missed and lingshi_mine.name not in missed
        export = client.get("/patrols/due/export.xlsx", {"missed": "1"})
    ws = load_workbook(io.BytesIO(export.content)).active
    rows = list(ws.values)
    assert rows[0][1] == "企业" and len(rows) == 2
    assert rows[1][1] == coking_plant.name and rows[1][5] == 20 and rows[1][8] == "是"


def test_patrol_list_filters_and_excel(lingshi_regulator, township_supervisor, coking_plant):
    with time_machine.travel(DAY0):
        record(lingshi_regulator, coking_plant, [finding()])
        record(township_supervisor, coking_plant, kind="spot_check")
    client = login(lingshi_regulator)
    listing = client.get("/patrols/", {"kind": "spot_check"})
    assert listing.context["page"].paginator.count == 1
    assert client.get("/patrols/", {"level": "county"}).context["page"].paginator.count == 1
    assert client.get("/patrols/", {"month": "2026-02"}).context["page"].paginator.count == 0
    assert client.get("/patrols/", {"county": "140729"}).context["page"].paginator.count == 2
    bad = client.get("/patrols/", {"month": "March"})
    assert bad.status_code == 200 and "YYYY-MM" in bad.content.decode()
    export = client.get("/patrols/export.xlsx", {"result": "problems"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert len(rows) == 2
    assert rows[1][2] == "线上巡查" and rows[1][3] == coking_plant.name
    assert rows[1][9] == 1 and rows[1][10] == Hazard.objects.get().code


def test_monthly_statistics_by_county(lingshi_regulator, city_admin, coking_plant):
    with time_machine.travel(DAY0):
        record(lingshi_regulator, coking_plant, [finding(), finding("第二条")])
        record(lingshi_regulator, coking_plant, kind="spot_check")
    response = login(city_admin).get("/patrols/statistics/", {"month": "2026-03"})
    assert response.status_code == 200
    rows = {r.name: r for r in response.context["stats"].rows}
    lingshi = rows["灵石县"]
    assert (lingshi.patrols, lingshi.spot_checks, lingshi.findings, lingshi.hazards) == (1, 1, 2, 2)
    body = response.content.decode()
    assert "patrol-chart-data" in body and "vendor/echarts/echarts.min.js" in body


def test_demo_leaves_a_patrol_with_a_hazard_and_an_overdue_enterprise(settings):
    from anlan.core.demo import build_demo
    from anlan.patrols import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    first = build_demo()
    assert first["created"]["patrols"] == 4
    assert OnlinePatrol.objects.filter(findings__hazard__channel="online_patrol").exists()
    overdue = services.missed_patrols(timezone.localdate(), "city")
    assert "昔阳县松溪肉类食品有限公司（演示）" in [e["enterprise"] for e in overdue.values()]
    assert build_demo()["created"]["patrols"] == 0
