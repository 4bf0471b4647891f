"""Pages: the enterprise's form, its page with the cross-check, the regulators' list and
export, permits and their Excel import, the county overview and the public board."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anlan.commitments import excel, services
from anlan.commitments.models import SafetyCommitment, WorkPermit

from .conftest import DAY, PRINCIPAL, PRINCIPAL_MOBILE, counts, local, travel

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {k: v for k, v in counts(**overrides).items() if v is not None}
    for name in ("hazards_safe", "trial_production", "startup_shutdown"):
        if data.get(name) is True:
            data[name] = "on"
        else:
            data.pop(name, None)
    return data


def test_the_form_is_prefilled_from_yesterday_with_the_principal(client, plant, plant_user):
    with travel(DAY - dt.timedelta(days=1), 8):
        services.submit_commitment(
            user=plant_user, enterprise=plant, data=counts(units_total=6, units_running=5)
        )
    client.force_login(plant_user)
    with travel(DAY, 7):
        page = client.get(reverse("commitments:fill"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["units_total"] == 6 and form.initial["units_running"] == 5
    assert form.initial["principal_name"] == PRINCIPAL
    html = page.content.decode()
    assert "今日安全承诺" in html and "特级动火" in html and "风险研判" in html


def test_submitting_the_form_saves_todays_commitment(client, plant, plant_user):
    client.force_login(plant_user)
    with travel(DAY, 8):
        answer = client.post(reverse("commitments:fill"), form_data(hot_2_count=1))
    assert answer.status_code == 302
    saved = SafetyCommitment.objects.get()
    assert saved.day == DAY and saved.hot_2_count == 1 and saved.submitted_by == plant_user
    with travel(DAY, 10):
        page = client.get(answer.url)
    html = page.content.decode()
    assert "按时承诺" in html
    assert "与作业票不一致" in html  # one grade-2 hot work announced, no permit


def test_bad_units_on_the_form_show_the_reason_and_save_nothing(client, plant, plant_user):
    client.force_login(plant_user)
    with travel(DAY, 8):
        page = client.post(reverse("commitments:fill"), form_data(units_running=9))
    assert page.status_code == 200
    assert 'data-field="units_total"' in page.content.decode()
    assert "总数" in page.content.decode()
    assert not SafetyCommitment.objects.exists()


def test_regulators_cannot_open_the_form(client, plant, lingshi_regulator):
    client.force_login(lingshi_regulator)
    assert client.get(reverse("commitments:fill")).status_code == 403


def test_regulator_list_filters_missing_and_mismatch_and_exports(
    client, plant, second_plant, yanhu_plant, lingshi_regulator
):
    with travel(DAY, 8):
        services.submit_commitment(user=None, enterprise=plant, data=counts(hot_1_count=1))
    client.force_login(lingshi_regulator)
    with travel(DAY, 10):
        everything = client.get(reverse("commitments:list")).content.decode()
        missing = client.get(reverse("commitments:list"), {"status": "missing"}).content.decode()
        mismatch = client.get(reverse("commitments:list"), {"status": "mismatch"}).content.decode()
        export = client.get(reverse("commitments:export"), {"date": "2026-05-11"})
    assert plant.name in everything and second_plant.name in everything
    assert yanhu_plant.name not in everything  # another county
    assert second_plant.name in missing and plant.name not in missing
    assert plant.name in mismatch and second_plant.name not in mismatch
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {plant.name, second_plant.name}
    assert rows[second_plant.name][3] == "未承诺"
    assert "一级动火" in rows[plant.name][-1]


def test_other_county_sees_nothing_of_the_enterprise(client, plant, yanhu_regulator):
    client.force_login(yanhu_regulator)
    assert client.get(reverse("commitments:enterprise", args=[plant.pk])).status_code == 404


def permit_sheet(rows, headers=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(
        headers or ["作业票编号", "作业类别", "计划开始", "计划结束", "作业地点", "监护人/负责人"]
    )
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_permits_import_from_excel_all_rows(client, plant, plant_user):
    client.force_login(plant_user)
    template = client.get(reverse("commitments:permit-template"))
    headers = [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]]
    assert "作业类别" in headers
    # Excel cells carry no time zone: a date-time cell is local time.
    start, end = local(DAY, 9).replace(tzinfo=None), local(DAY, 10).replace(tzinfo=None)
    data = permit_sheet(
        [
            ["DH-001", "一级动火作业", "2026-05-11 08:00", "2026-05-11 12:00", "罐区", "张三"],
            ["SX-001", "受限空间作业", start, end, "反应釜", "李四"],
        ]
    )
    upload = io.BytesIO(data)
    upload.name = "permits.xlsx"
    answer = client.post(reverse("commitments:permit-import"), {"file": upload})
    assert answer.status_code == 302
    assert WorkPermit.objects.filter(enterprise=plant).count() == 2
    first = WorkPermit.objects.get(number="DH-001")
    assert first.kind == "hot_1" and first.planned_start == local(DAY, 8)


def test_a_bad_permit_sheet_names_row_and_column_and_saves_nothing(client, plant, plant_user):
    client.force_login(plant_user)
    data = permit_sheet(
        [
            ["DH-001", "一级动火作业", "2026-05-11 08:00", "2026-05-11 12:00", "罐区", "张三"],
            ["DH-002", "烧烤作业", "明天", "2026-05-11 12:00", "罐区", "张三"],
            ["DH-003", "二级动火作业", "2026-05-11 12:00", "2026-05-11 08:00", "罐区", "张三"],
        ]
    )
    upload = io.BytesIO(data)
    upload.name = "permits.xlsx"
    page = client.post(reverse("commitments:permit-import"), {"file": upload})
    assert page.status_code == 200
    errors = page.context["errors"]
    assert (3, "作业类别") in [(row, column) for row, column, _r in errors]
    assert (3, "计划开始") in [(row, column) for row, column, _r in errors]
    assert "没有保存" in page.content.decode() or "未保存" in page.content.decode()
    assert not WorkPermit.objects.exists()
    # The end-before-start row is caught on save, still by row and column.
    report = excel.import_permits(
        permit_sheet([["DH-003", "二级动火作业", "2026-05-11 12:00", "2026-05-11 08:00", "罐区", "张"]]),
        user=plant_user,
        enterprise=plant,
    )  # fmt: skip
    assert [(r, c) for r, c, _m in report.errors] == [(2, "计划结束")]
    assert not WorkPermit.objects.exists()


def test_permit_form_saves_for_own_enterprise(client, plant, plant_user):
    client.force_login(plant_user)
    answer = client.post(
        reverse("commitments:permit-new"),
        {
            "enterprise": plant.pk,
            "number": "GC-1",
            "kind": "height",
            "planned_start": "2026-05-11T08:00",
            "planned_end": "2026-05-11T09:00",
            "location": "塔顶",
            "supervisor": "王五",
        },
    )
    assert answer.status_code == 302
    assert WorkPermit.objects.get().issued_by == plant_user
    listing = client.get(reverse("commitments:permits")).content.decode()
    assert "GC-1" in listing and "高处作业" in listing


def test_county_overview_counts_and_drills_down(
    client, plant, second_plant, yanhu_plant, city_admin, lingshi_regulator, plant_user
):
    with travel(DAY, 8):
        services.submit_commitment(user=None, enterprise=plant, data=counts(hot_1_count=1))
    with travel(DAY, 9, 30):
        services.submit_commitment(user=None, enterprise=yanhu_plant, data=counts())
    client.force_login(city_admin)
    with travel(DAY, 10):
        page = client.get(reverse("commitments:overview"), {"date": "2026-05-11"})
        export = client.get(reverse("commitments:overview-export"), {"date": "2026-05-11"})
    rows = {r.code: r for r in page.context["rows"]}
    # Jinzhong's city admin sees Lingshi only (Yanhu is in Yuncheng).
    assert set(rows) == {"140729"}
    lingshi = rows["140729"]
    assert (lingshi.required, lingshi.on_time, lingshi.late, lingshi.missing) == (2, 1, 0, 1)
    assert lingshi.mismatches == 1
    html = page.content.decode()
    assert "echarts.min.js" in html and "county=140729&status=missing" in html
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert list(sheet.iter_rows(min_row=2, values_only=True))[0][2:6] == (2, 1, 0, 1)
    client.force_login(plant_user)
    assert client.get(reverse("commitments:overview")).status_code == 403


def test_public_board_shows_the_notice_but_no_private_data(client, plant, plant_user):
    with travel(DAY, 8):
        services.submit_commitment(
            user=plant_user, enterprise=plant, data=counts(hot_special_count=0, hot_2_count=2)
        )
    with travel(DAY, 10):
        board = client.get(reverse("commitments_portal:board"), {"q": "灵石测试"})
        detail = client.get(reverse("commitments_portal:detail", args=[plant.pk]))
    assert board.status_code == 200 and plant.name in board.content.decode()
    assert "按时承诺" in board.content.decode()
    html = detail.content.decode()
    assert detail.status_code == 200
    assert PRINCIPAL in html and "今日已完成安全风险研判" in html and "二级动火" in html
    person = plant.responsible_persons.get(name=PRINCIPAL)
    for secret in (PRINCIPAL_MOBILE, person.id_number, plant_user.username, plant.uscc):
        assert secret not in html
    assert (
        reverse("commitments_portal:board") in client.get(reverse("portal:home")).content.decode()
    )


def test_public_board_lists_only_enterprises_that_must_commit(client, plant, lingshi_mine):
    html = client.get(reverse("commitments_portal:board")).content.decode()
    assert plant.name in html and lingshi_mine.name not in html
    assert (
        client.get(reverse("commitments_portal:detail", args=[lingshi_mine.pk])).status_code == 404
    )
