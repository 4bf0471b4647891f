import io

import pytest
from openpyxl import Workbook, load_workbook

from anlan.registry import excel
from anlan.registry.models import Enterprise

from ..factories import EnterpriseFactory, make_uscc

pytestmark = pytest.mark.django_db

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "行业类别",
    "风险标签",
    "所属区划代码",
    "从业人数",
    "经营状态",
    "主要负责人",
    "主要负责人手机",
]


def workbook(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_row(name="灵石导入煤矿（演示）", **kw):
    row = {
        "name": name,
        "uscc": make_uscc("140729"),
        "industry": "煤矿",
        "flags": "高瓦斯矿井、冲击地压",
        "region": "140729",
        "headcount": 300,
        "status": "正常生产",
        "principal": "李四",
        "mobile": "13800001111",
    }
    row.update(kw)
    return list(row.values())


def test_a_clean_ledger_imports_every_row_with_flags_and_principal(lingshi_regulator):
    data = workbook([good_row(), good_row("灵石第二煤矿（演示）")])
    report = excel.import_enterprises(data, user=lingshi_regulator)
    assert report.saved and report.created == 2 and not report.errors
    mine = Enterprise.objects.get(name="灵石导入煤矿（演示）")
    assert set(mine.risk_flags.values_list("code", flat=True)) == {"high_gas", "rock_burst"}
    assert mine.responsible_persons.get().name == "李四"
    assert mine.history.first().history_change_reason


def test_one_bad_cell_imports_nothing_and_reports_row_column_reason(lingshi_regulator):
    bad_code = make_uscc("140729")
    bad_code = bad_code[:-1] + ("0" if bad_code[-1] != "0" else "1")
    data = workbook(
        [
            good_row(),
            good_row("坏行煤矿（演示）", uscc=bad_code),
            good_row("未知行业（演示）", industry="造飞船"),
        ]
    )
    report = excel.import_enterprises(data, user=lingshi_regulator)
    assert not report.saved
    assert Enterprise.objects.count() == 0
    errors = {(e.row, e.column) for e in report.errors}
    assert (3, "统一社会信用代码") in errors
    assert (4, "行业类别") in errors
    assert any("校验码错误" in e.reason for e in report.errors if e.row == 3)


def test_partial_import_keeps_good_rows_and_reports_the_rest(lingshi_regulator):
    data = workbook(
        [
            good_row(),
            good_row("手机错误（演示）", mobile="12345"),
            good_row("别县企业（演示）", region="140802"),
        ]
    )
    report = excel.import_enterprises(data, user=lingshi_regulator, partial=True)
    assert report.saved and report.created == 1 and report.bad_rows == 2
    columns = {e.column for e in report.errors}
    assert "主要负责人手机" in columns and "所属区划代码" in columns
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["灵石导入煤矿（演示）"]


def test_reimporting_an_export_changes_nothing(lingshi_regulator, lingshi_mine):
    exported = excel.export_enterprises(Enterprise.objects.visible_to(lingshi_regulator))
    report = excel.import_enterprises(exported, user=lingshi_regulator)
    assert report.saved and report.unchanged == 1 and report.created == 0 and report.updated == 0
    assert lingshi_mine.history.count() == 1


def test_known_credit_code_updates_that_enterprise(lingshi_regulator, lingshi_mine):
    data = workbook([good_row(lingshi_mine.name, uscc=lingshi_mine.uscc, headcount=999)])
    report = excel.import_enterprises(data, user=lingshi_regulator)
    assert report.updated == 1
    lingshi_mine.refresh_from_db()
    assert lingshi_mine.headcount == 999


def test_code_of_an_enterprise_in_another_county_is_refused(lingshi_regulator, yuncheng_plant):
    data = workbook([good_row("冒名企业（演示）", uscc=yuncheng_plant.uscc)])
    report = excel.import_enterprises(data, user=lingshi_regulator)
    assert not report.saved
    yuncheng_plant.refresh_from_db()
    assert yuncheng_plant.name == "运城铝业深井铸造（演示）"


def test_duplicate_codes_within_the_file_are_reported(lingshi_regulator):
    code = make_uscc("140729")
    report = excel.import_enterprises(
        workbook([good_row(uscc=code), good_row("又一行", uscc=code)]), user=lingshi_regulator
    )
    assert not report.saved and report.errors[0].row == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,uscc\nfoo,bar\n", "不是 Excel"),
        (b"PK\x03\x04garbage", "无法读取"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(lingshi_regulator, content, message):
    with pytest.raises(excel.LedgerFileError, match=message):
        excel.import_enterprises(content, user=lingshi_regulator)


def test_missing_required_columns_are_named(lingshi_regulator):
    with pytest.raises(excel.LedgerFileError, match="统一社会信用代码"):
        excel.import_enterprises(workbook([["x"]], header=["企业名称"]), user=lingshi_regulator)


def test_english_headers_and_values_are_accepted(lingshi_regulator):
    header = ["Enterprise name", "Unified social credit code", "Industry", "Region code"]
    report = excel.import_enterprises(
        workbook(
            [["English Co（演示）", make_uscc("140729"), "Metallurgy", "140729"]], header=header
        ),
        user=lingshi_regulator,
    )
    assert report.created == 1
    assert Enterprise.objects.get().industry == "metallurgy"


def test_export_has_officer_headers_and_chosen_columns(lingshi_regulator, lingshi_mine):
    content = excel.export_enterprises(
        Enterprise.objects.all(), columns=excel.parse_columns("name,uscc,region_name")
    )
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("企业名称", "统一社会信用代码", "所属区划")
    assert rows[1] == (lingshi_mine.name, lingshi_mine.uscc, "灵石县")


def test_unknown_export_columns_are_named():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="bogus"):
        excel.parse_columns("name,bogus")


def test_many_rows_import_in_one_go(lingshi_regulator):
    rows = [good_row(f"批量企业{i}（演示）") for i in range(300)]
    report = excel.import_enterprises(workbook(rows), user=lingshi_regulator)
    assert report.created == 300
    assert EnterpriseFactory._meta.model.objects.count() == 300


def test_imported_enterprises_have_a_full_history(lingshi_regulator):
    from anlan.core.history import entries_for
    from anlan.registry import services

    excel.import_enterprises(workbook([good_row()]), user=lingshi_regulator)
    mine = Enterprise.objects.get()
    created = mine.history.get()
    assert (
        created.history_user == lingshi_regulator and created.history_change_reason == "Excel 导入"
    )
    assert mine.responsible_persons.get().history.get().history_user == lingshi_regulator
    services.save_enterprise(
        user=lingshi_regulator, data={}, enterprise=mine, risk_flags=["high_gas"]
    )
    latest = entries_for(mine.history.all(), model=Enterprise)[0]
    change = next(c for c in latest.changes if c.field == "risk_flags")
    assert "冲击地压" in change.old and "冲击地压" not in change.new


def test_the_import_template_has_drop_downs_and_imports_once_filled(lingshi_regulator):
    content = excel.ledger_template(user=lingshi_regulator)
    wb = load_workbook(io.BytesIO(content))
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["企业名称", "统一社会信用代码", "行业类别"] and "序号" not in header
    lists = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    industry_column = "C"
    assert industry_column in lists and "选项" in lists[industry_column]
    region_codes = [row[0] for row in wb["区划"].iter_rows(min_row=2, values_only=True)]
    assert "140729" in region_codes and "140802" not in region_codes
    row = dict.fromkeys(header, None)
    row.update(
        {
            "企业名称": "模板企业（演示）",
            "统一社会信用代码": make_uscc("140729"),
            "行业类别": "冶金",
            "所属区划代码": "140729",
        }
    )
    sheet.append([row[h] for h in header])
    out = io.BytesIO()
    wb.save(out)
    report = excel.import_enterprises(out.getvalue(), user=lingshi_regulator)
    assert report.created == 1 and not report.errors


def test_a_ledger_over_the_row_limit_is_refused_whole(lingshi_regulator, settings):
    settings.ANLAN_MAX_IMPORT_ROWS = 3
    with pytest.raises(excel.LedgerFileError, match="3"):
        excel.import_enterprises(
            workbook([good_row(f"企业{i}") for i in range(4)]), user=lingshi_regulator
        )
    assert not Enterprise.objects.exists()
