"""Exports with chosen columns: the headers are the chosen columns in the chosen order, the rows
are what the user may see, and a bad choice is refused naming it."""

import io
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from anlan.reports import ledgers

from ..factories import LINGSHI, region
from .factories_dash import hazard, past

pytestmark = pytest.mark.django_db


def _sheet(content: bytes):
    ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _export(key, user, columns=None, params=None):
    out, _rows = ledgers.export(key, user=user, columns=columns, params=params)
    with out:
        return _sheet(out.read())


@pytest.fixture
def two_counties(lingshi_mine, yuncheng_plant):
    return {
        "lingshi": hazard(lingshi_mine, status="closed", description="灵石的隐患"),
        "lingshi_open": hazard(lingshi_mine, status="assigned", deadline=past(3)),
        "yanhu": hazard(yuncheng_plant, description="盐湖的隐患"),
    }


def test_chosen_columns_come_out_in_the_chosen_order(lingshi_regulator, two_counties):
    with translation.override("en"):
        rows = _export("hazards", lingshi_regulator, "status,code,level")
    assert rows[0] == ["Progress", "Number", "Level"]
    codes = {r[1] for r in rows[1:]}
    assert codes == {two_counties["lingshi"].code, two_counties["lingshi_open"].code}


def test_rows_are_only_what_the_user_may_see(lingshi_regulator, yanhu_regulator, two_counties):
    lingshi = _export("hazards", lingshi_regulator, ["description"])
    yanhu = _export("hazards", yanhu_regulator, ["description"])
    assert sorted(r[0] for r in lingshi[1:]) == ["测试隐患", "灵石的隐患"]
    assert [r[0] for r in yanhu[1:]] == ["盐湖的隐患"]


def test_filters_are_the_ledger_pages_own(lingshi_regulator, two_counties):
    rows = _export("hazards", lingshi_regulator, ["code"], {"overdue": "1"})
    assert [r[0] for r in rows[1:]] == [two_counties["lingshi_open"].code]
    rows = _export("hazards", lingshi_regulator, ["code"], {"status": "closed"})
    assert [r[0] for r in rows[1:]] == [two_counties["lingshi"].code]


def test_unknown_column_is_refused_naming_it(lingshi_regulator):
    with pytest.raises(ValidationError) as exc:
        ledgers.export("hazards", user=lingshi_regulator, columns="code,colour_of_sky")
    assert "colour_of_sky" in str(exc.value.message_dict["columns"])


def test_unknown_ledger_and_bad_filter_are_refused(lingshi_regulator):
    with pytest.raises(ValidationError) as exc:
        ledgers.export("spaceships", user=lingshi_regulator)
    assert "ledger" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        ledgers.export("trainings", user=lingshi_regulator, params={"date_from": "yesterday"})
    assert "date_from" in exc.value.message_dict


def test_too_many_rows_are_refused_with_a_clear_message(settings, lingshi_regulator, two_counties):
    settings.ANLAN_EXPORT_MAX_ROWS = 1
    with pytest.raises(ValidationError) as exc:
        ledgers.export("hazards", user=lingshi_regulator, columns="code")
    assert "rows" in exc.value.message_dict


def test_every_ledger_exports_with_all_its_columns(city_admin, lingshi_mine, two_counties):
    _add_one_of_each(lingshi_mine, city_admin)
    for ledger in ledgers.all_ledgers():
        rows = _export(ledger.key, city_admin)
        assert len(rows[0]) == len(ledger.columns), ledger.key
        assert len(rows) >= 2, ledger.key  # the header and at least one record


def _add_one_of_each(enterprise, user):
    """One record in every ledger, in Lingshi."""
    import datetime as dt

    from django.utils import timezone

    from anlan.commitments.models import SafetyCommitment
    from anlan.inspections.models_inspections import (
        ChecklistTemplate,
        ChecklistVersion,
        Inspection,
    )
    from anlan.monitoring.models import Alarm, Gateway, Sensor
    from anlan.rescue.models import Drill, EquipmentItem, EquipmentType, Team
    from anlan.supervision.models import (
        Assessment,
        AssessmentScheme,
        MemberUnit,
        SupervisionTask,
        TaskAssignment,
        TrainingSession,
    )

    county = region(LINGSHI)
    now = timezone.now()
    gateway = Gateway.objects.create(enterprise=enterprise, name="网关")
    sensor = Sensor.objects.create(
        enterprise=enterprise, gateway=gateway, tag="CH4-01", name="甲烷", kind="gas_concentration",
        range_min=0, range_max=4,
    )  # fmt: skip
    Alarm.objects.create(sensor=sensor, kind="high", level="h", value=1.2, limit=1.0,
                         started_at=now, raised_at=now)  # fmt: skip
    SafetyCommitment.objects.create(enterprise=enterprise, day=timezone.localdate(),
                                    principal_name="张三")  # fmt: skip
    template = ChecklistTemplate.objects.create(name="检查表")
    version = ChecklistVersion.objects.create(template=template, number=1)
    Inspection.objects.create(
        kind="self", enterprise=enterprise, inspectors="李四", checklist=version, created_by=user
    )
    team = Team.objects.create(name="灵石救护队", kind="mine_rescue", region=county)
    kind = EquipmentType.objects.create(name="正压氧气呼吸器", category="breathing")
    EquipmentItem.objects.create(equipment_type=kind, team=team, serial_number="S1")
    drill = Drill.objects.create(title="演练", kind="tabletop", scenario="x", region=county,
                                 planned_for=now)  # fmt: skip
    drill.teams.add(team)
    TrainingSession.objects.create(region=county, kind="thematic", title="培训",
                                   date=timezone.localdate(), participants=30)  # fmt: skip
    unit = MemberUnit.objects.create(committee_region=county, kind="township", name="测试镇",
                                     township=county)  # fmt: skip
    task = SupervisionTask.objects.create(region=county, title="督办", body="b",
                                          deadline=timezone.localdate())  # fmt: skip
    TaskAssignment.objects.create(task=task, unit=unit)
    scheme = AssessmentScheme.objects.create(region=county, name="月度考核", period="month")
    Assessment.objects.create(scheme=scheme, unit=unit, period_start=dt.date(2026, 11, 1),
                              period_end=dt.date(2026, 11, 30))  # fmt: skip


def test_api_lists_ledgers_and_downloads_chosen_columns(client, lingshi_regulator, two_counties):
    client.force_login(lingshi_regulator)
    listing = client.get("/api/exports/").json()
    assert {item["key"] for item in listing} == set(ledgers.BUILDERS)
    hazards = next(item for item in listing if item["key"] == "hazards")
    assert "code" in [c["key"] for c in hazards["columns"]]
    response = client.get(
        "/api/exports/hazards.xlsx", {"columns": "level,code", "status": "closed"}
    )
    assert response.status_code == 200
    rows = _sheet(b"".join(response.streaming_content))
    assert len(rows) == 2 and rows[1][1] == two_counties["lingshi"].code


def test_api_refuses_unknown_ledger_and_column_naming_them(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    response = client.get("/api/exports/hazards.xlsx", {"columns": "code,nonsense"})
    assert response.status_code == 422 and "columns" in str(response.json())
    assert "nonsense" in str(response.json())
    response = client.get("/api/exports/spaceships.xlsx")
    assert response.status_code == 422 and "ledger" in str(response.json())


def test_page_remembers_the_columns_per_ledger(client, lingshi_regulator, two_counties):
    client.force_login(lingshi_regulator)
    page = client.get(reverse("reports:exports"), {"ledger": "hazards", "status": "closed"})
    assert page.status_code == 200
    assert 'name="status"' in page.content.decode()
    download = client.get(
        reverse("reports:exports-download"),
        {"ledger": "hazards", "columns": ["deadline", "code"], "status": "closed"},
    )
    assert download.status_code == 200
    with translation.override("en"):
        rows = _sheet(b"".join(download.streaming_content))
    assert len(rows) == 2
    again = client.get(reverse("reports:exports"), {"ledger": "hazards"})
    assert [c.key for c in again.context["columns"]][:2] == ["deadline", "code"]
    assert again.context["ticked"] == {"deadline", "code"}


def test_page_download_with_a_bad_column_goes_back_with_the_reason(client, lingshi_regulator):
    client.force_login(lingshi_regulator)
    response = client.get(
        reverse("reports:exports-download"), {"ledger": "hazards", "columns": "bogus"}, follow=True
    )
    assert response.status_code == 200
    assert any("bogus" in m.message for m in response.context["messages"])


def test_command_exports_and_lists(tmp_path, lingshi_regulator, two_counties):
    target = tmp_path / "h.xlsx"
    out = StringIO()
    call_command(
        "export_ledger", "hazards", "--columns", "code,status", "--user", lingshi_regulator.username,
        "-o", str(target), "--filter", "status=closed", stdout=out,
    )  # fmt: skip
    rows = _sheet(target.read_bytes())
    assert len(rows) == 2 and rows[1][0] == two_counties["lingshi"].code
    out = StringIO()
    call_command("export_ledger", "--list", stdout=out)
    assert "trainings" in out.getvalue() and "assessments" in out.getvalue()
    with pytest.raises(CommandError, match="columns"):
        call_command("export_ledger", "hazards", "--columns", "nope", "-o", str(target),
                     "--user", lingshi_regulator.username)  # fmt: skip


def test_export_page_offers_every_ledger_with_its_columns_and_filters(client, city_admin):
    client.force_login(city_admin)
    for ledger in ledgers.all_ledgers():
        page = client.get(reverse("reports:exports"), {"ledger": ledger.key})
        assert page.status_code == 200, ledger.key
        html = page.content.decode()
        for column in ledger.columns:
            assert f'value="{column.key}"' in html, (ledger.key, column.key)
        for spec in ledger.filters:
            assert f'name="{spec.name}"' in html, (ledger.key, spec.name)


def test_unknown_ledger_on_the_page_shows_an_error(client, city_admin):
    client.force_login(city_admin)
    response = client.get(reverse("reports:exports"), {"ledger": "spaceships"})
    assert response.status_code == 200
    assert any("spaceships" in m.message for m in response.context["messages"])


def test_a_ledger_pages_search_goes_along_to_the_download(client, lingshi_regulator, two_counties):
    client.force_login(lingshi_regulator)
    page = client.get(reverse("reports:exports"), {"ledger": "hazards", "q": "灵石的"})
    assert 'name="q" value="灵石的"' in page.content.decode()
    download = client.get(
        reverse("reports:exports-download"), {"ledger": "hazards", "columns": "code", "q": "灵石的"}
    )
    rows = _sheet(b"".join(download.streaming_content))
    assert [r[0] for r in rows[1:]] == [two_counties["lingshi"].code]


LEDGER_PAGES = {
    "enterprises": "registry:list",
    "hazards": "hazards:list",
    "inspections": "inspections:list",
    "alarms": "monitoring:board",
    "commitments": "commitments:list",
    "teams": "rescue:board",
    "equipment": "rescue:equipment-list",
    "drills": "rescue:drill-list",
    "trainings": "supervision:trainings",
    "tasks": "supervision:tasks",
    "assessments": "supervision:assessments",
}


def test_every_ledger_page_links_to_choosing_its_columns_with_its_filters(client, city_admin):
    assert set(LEDGER_PAGES) == {ledger.key for ledger in ledgers.all_ledgers()}
    client.force_login(city_admin)
    for key, name in LEDGER_PAGES.items():
        page = client.get(reverse(name), {"region": "140729"})
        assert page.status_code == 200, name
        link = f'href="{reverse("reports:exports")}?ledger={key}&amp;region=140729"'
        assert link in page.content.decode(), name
        chosen = client.get(reverse("reports:exports"), {"ledger": key, "region": "140729"})
        assert chosen.context["ledger"].key == key
