"""Sensors from Excel: all or nothing, every bad cell named by row and column; the page, the API
and the CLI; a second import updates instead of duplicating."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from anlan.core.choices import UserRole
from anlan.monitoring.excel import import_sensors, template
from anlan.monitoring.models import Sensor

from ..factories import YANHU, make_user, region

pytestmark = pytest.mark.django_db

HEADER = [
    "网关编码",
    "点位编码",
    "名称",
    "类型",
    "单位",
    "量程下限",
    "量程上限",
    "低低报值（LL）",
    "低报值（L）",
    "高报值（H）",
    "高高报值（HH）",
    "死区",
    "延时确认（秒）",
    "安全关键设施",
]


def workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_rows(code):
    return [
        [code, "LT-201", "液氨储罐液位", "液位", "%", 0, 100, 5, 10, 85, 95, 1, 10, "是"],
        [
            code,
            "TT-202",
            "反应釜温度",
            "temperature",
            "℃",
            0,
            300,
            None,
            None,
            180,
            220,
            2,
            0,
            "否",
        ],
    ]


def test_import_creates_then_updates_sensors(lingshi_regulator, gateway):
    report = import_sensors(workbook(good_rows(gateway.code)), user=lingshi_regulator)
    assert report.ok and (report.created, report.updated) == (2, 0)
    level = Sensor.objects.get(tag="LT-201")
    assert level.kind == "level" and level.limit_hh == 95 and level.safety_critical
    rows = good_rows(gateway.code)
    rows[0][10] = 98
    again = import_sensors(workbook(rows), user=lingshi_regulator)
    assert (again.created, again.updated) == (0, 2)
    assert Sensor.objects.get(tag="LT-201").limit_hh == 98


def test_one_bad_cell_saves_nothing_and_every_bad_cell_is_named(lingshi_regulator, gateway):
    rows = good_rows(gateway.code) + [
        ["no-such-gw", "X-1", "坏行", "液位", "", 0, 10, None, None, None, None, 0, 0, "否"],
        [
            gateway.code,
            "X-2",
            "坏类型",
            "天气",
            "",
            "abc",
            10,
            None,
            None,
            None,
            None,
            0,
            -3,
            "也许",
        ],
        [gateway.code, "X-3", "报警值倒序", "压力", "MPa", 0, 10, None, None, 8, 6, 0, 0, "否"],
    ]
    report = import_sensors(workbook(rows), user=lingshi_regulator)
    cells = {(row, column) for row, column, _reason in report.errors}
    assert (4, "网关编码") in cells
    assert {(5, "类型"), (5, "量程下限"), (5, "延时确认（秒）"), (5, "安全关键设施")} <= cells
    assert not Sensor.objects.exists()
    bad_order = import_sensors(
        workbook(good_rows(gateway.code) + [rows[-1]]), user=lingshi_regulator
    )
    assert any(row == 4 for row, _c, _r in bad_order.errors) and not Sensor.objects.exists()


def test_a_user_of_another_county_cannot_import_to_this_gateway(yanhu_regulator, gateway):
    report = import_sensors(workbook(good_rows(gateway.code)), user=yanhu_regulator)
    assert not report.ok and not Sensor.objects.exists()


def test_page_api_and_cli(client, lingshi_regulator, gateway, tmp_path):
    client.force_login(lingshi_regulator)
    assert client.get("/monitoring/sensors/import/").status_code == 200
    sheet = load_workbook(
        io.BytesIO(client.get("/monitoring/sensors/template.xlsx").content)
    ).active
    assert sheet.cell(row=1, column=1).value == "网关编码"
    page = client.post(
        "/monitoring/sensors/import/",
        {"file": SimpleUploadedFile("s.xlsx", workbook(good_rows(gateway.code)))},
    )
    assert page.status_code == 302 and Sensor.objects.count() == 2
    bad = client.post(
        "/api/monitoring/sensors/import",
        {
            "file": SimpleUploadedFile(
                "s.xlsx",
                workbook([[gateway.code, "", "", "", "", "", "", "", "", "", "", "", "", ""]]),
            )
        },
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][2] == 2
    not_excel = client.post(
        "/api/monitoring/sensors/import", {"file": SimpleUploadedFile("s.xlsx", b"hello")}
    )
    assert not_excel.status_code == 422
    path = tmp_path / "s.xlsx"
    rows = good_rows(gateway.code)
    rows[1][1] = "TT-999"
    path.write_bytes(workbook(rows))
    out = io.StringIO()
    call_command("monitor_sensors", str(path), "--user", lingshi_regulator.username, stdout=out)
    assert "1 sensors added, 1 updated" in out.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "monitor_sensors", str(tmp_path / "missing.xlsx"), "--user", lingshi_regulator.username
        )
    template_path = tmp_path / "t.xlsx"
    call_command("monitor_sensors", str(template_path), "--template", stdout=io.StringIO())
    assert load_workbook(template_path).active.max_column == len(HEADER) + 4  # + overrides


def test_template_lists_the_kinds():
    assert load_workbook(io.BytesIO(template())).active.data_validations.dataValidation
    make_user("x", UserRole.COUNTY_REGULATOR, region=region(YANHU))


def test_per_sensor_overrides_and_hazard_source_come_from_their_columns(lingshi_regulator, gateway):
    from anlan.registry.models import HazardSource
    from tests.factories import PersonFactory

    people = [PersonFactory(enterprise=gateway.enterprise) for _ in range(3)]
    HazardSource.objects.create(
        enterprise=gateway.enterprise,
        name="液氨罐区",
        code="HS-01",
        level=2,
        principal=people[0],
        technical_lead=people[1],
        operations_lead=people[2],
    )
    extra = ["断线值", "离线判定（分钟）", "应收间隔（秒）", "重大危险源"]
    row = [gateway.code, "LT-301", "液氨储罐液位", "液位", "m", 0, 20, 1, 2, 15, 18, 0.5, 0, "是"]

    def sheet(*cells):
        wb = Workbook()
        ws = wb.active
        ws.append(HEADER + extra)
        ws.append(row + list(cells))
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    report = import_sensors(sheet(-1, 15, 10, "HS-01"), user=lingshi_regulator)
    assert report.ok and report.created == 1
    sensor = Sensor.objects.get(tag="LT-301")
    assert (sensor.wire_break_value, sensor.offline_minutes, sensor.expected_interval_seconds) == (
        -1,
        15,
        10,
    )
    assert sensor.hazard_source.name == "液氨罐区"

    # A sheet without those columns leaves them as they are.
    assert import_sensors(workbook([row]), user=lingshi_regulator).updated == 1
    sensor.refresh_from_db()
    assert sensor.offline_minutes == 15 and sensor.hazard_source is not None

    bad = import_sensors(sheet("", 0, "x", "不存在的罐区"), user=lingshi_regulator)
    assert {(r, c) for r, c, _reason in bad.errors} == {
        (2, "离线判定（分钟）"),
        (2, "应收间隔（秒）"),
        (2, "重大危险源"),
    }
    assert any("不存在的罐区" in reason for _r, _c, reason in bad.errors)
    sensor.refresh_from_db()
    assert sensor.offline_minutes == 15  # nothing saved
