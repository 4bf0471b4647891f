"""Excel ledger import speed.

Builds a ledger of N enterprises, then measures in one process:
  baseline  reading every cell with openpyxl alone (the floor any import pays), and
  import    anlan's full import (parse, validate every row, save in one transaction),
and prints rows/s for each and the ratio import / baseline.

Run: make bench / make bench-postgres
     (or: ANLAN_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/bench_excel_import.py [N])
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
tmp = tempfile.mkdtemp(prefix="anlan-bench-")
os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")
# SQLite in a temporary folder, or the database in BENCH_DATABASE_URL (e.g. the throwaway
# PostgreSQL of scripts/with_postgres.sh: `make bench-postgres`).
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from anlan.core.choices import UserRole  # noqa: E402
from anlan.core.models import Region, User  # noqa: E402
from anlan.core.validators import USCC_ALPHABET, uscc_check_char  # noqa: E402
from anlan.registry import excel  # noqa: E402


def uscc(n: int) -> str:
    body = ""
    for _ in range(9):
        body = USCC_ALPHABET[n % 31] + body
        n //= 31
    first17 = "91140729" + body
    return first17 + uscc_check_char(first17)


def ledger(rows: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "企业名称",
            "统一社会信用代码",
            "行业类别",
            "风险标签",
            "所属区划代码",
            "经度",
            "纬度",
            "从业人数",
            "经营状态",
            "主要负责人",
            "主要负责人手机",
        ]
    )
    for i in range(rows):
        ws.append(
            [
                f"基准企业{i}（演示）",
                uscc(i + 1),
                "煤矿",
                "高瓦斯矿井、冲击地压",
                "140729",
                111.77,
                36.85,
                100 + i % 500,
                "正常生产",
                f"负责人{i}",
                f"139{i:08d}",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    call_command("migrate", verbosity=0)
    user = User.objects.create(
        username="bench", role=UserRole.COUNTY_REGULATOR, region=Region.objects.get(code="140729")
    )
    data = ledger(rows)

    start = time.perf_counter()
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = sum(len(r) for r in wb.worksheets[0].iter_rows(values_only=True))
    baseline = time.perf_counter() - start

    start = time.perf_counter()
    report = excel.import_enterprises(data, user=user)
    imported = time.perf_counter() - start
    assert report.created == rows, report.as_dict()

    start = time.perf_counter()
    again = excel.import_enterprises(data, user=user)
    reimport = time.perf_counter() - start
    assert again.unchanged == rows

    from django.db import connection

    print(f"rows: {rows}  cells: {cells}  database: {connection.vendor}")
    print(f"baseline (openpyxl read only): {baseline:.2f} s  {rows / baseline:,.0f} rows/s")
    print(f"import (validate + save):      {imported:.2f} s  {rows / imported:,.0f} rows/s")
    print(f"re-import (all unchanged):     {reimport:.2f} s  {rows / reimport:,.0f} rows/s")
    print(f"ratio import/baseline: {imported / baseline:.1f}x")
    from benchtable import record

    record(
        "Excel import",
        f"import {rows:,} enterprise rows",
        imported,
        "s",
        baseline=baseline,
        baseline_name="openpyxl read-only",
    )
    record("Excel import", f"re-import {rows:,} unchanged rows", reimport, "s", baseline=baseline)


if __name__ == "__main__":
    main()
