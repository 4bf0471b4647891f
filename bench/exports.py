"""Ledger export with chosen columns, and the dashboard, at scale.

Fills N hazards (default 100,000) over N/10 enterprises in every county, then measures in one
process:
  export    ``reports.ledgers.export("hazards", columns=8 keys)`` for the system administrator
            (all N rows) — streamed with openpyxl's write-only mode to a temporary file;
  baseline  ``hazards.excel.export_hazards`` — the hazard ledger's own fixed-column export, an
            ordinary in-memory openpyxl workbook — over the same rows;
  dashboard ``reports.stats.dashboard_figures`` for the city of Jinzhong (every figure, the
            per-county breakdown) and its raw SQL baseline, the five hazard COUNT queries.
Time, and the peak Python memory (tracemalloc) of each export; BENCH_TRACE=0 times them without
tracemalloc, which otherwise slows the Python side several times.

Run: BENCH_EXPORT_ROWS=100000 ANLAN_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/exports.py
     (BENCH_DATABASE_URL=postgres://… for PostgreSQL)
"""

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
tmp = tempfile.mkdtemp(prefix="anlan-bench-exports-")
os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
)
os.environ.setdefault("ANLAN_VAR_DIR", tmp)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from anlan.core.choices import UserRole  # noqa: E402
from anlan.core.models import Region, User  # noqa: E402
from anlan.hazards.excel import export_hazards  # noqa: E402
from anlan.hazards.models import Hazard  # noqa: E402
from anlan.reports import ledgers  # noqa: E402
from anlan.reports.stats import dashboard_figures, hazard_links, period_bounds  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_HAZARDS", os.environ.get("BENCH_EXPORT_ROWS", "100000"))
import bench_hazards  # noqa: E402  (its fill(): enterprises and hazards in bulk)

ROWS = int(os.environ["BENCH_HAZARDS"])
COLUMNS = "code,place,region,level,status,found_at,deadline,overdue"


TRACE = os.environ.get("BENCH_TRACE", "1") == "1"


def measure(fn):
    """Seconds, peak Python memory in MiB (tracemalloc, which slows Python several times; with
    BENCH_TRACE=0 it is off and the time is the real one) and the result."""
    if TRACE:
        tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if TRACE else 0
    if TRACE:
        tracemalloc.stop()
    return seconds, peak / 2**20, result


def median_ms(fn, repeat=5) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    fill_s = bench_hazards.fill()
    admin = User.objects.create(username="bench-admin", role=UserRole.SYSTEM_ADMIN)
    city = User.objects.create(
        username="bench-city", role=UserRole.CITY_ADMIN, region=Region.objects.get(code="140700")
    )
    print(f"{connection.vendor}: {ROWS:,} hazards filled in {fill_s:.1f} s")

    def ours():
        out, rows = ledgers.export("hazards", user=admin, columns=COLUMNS)
        size = out.seek(0, 2)
        out.close()
        return rows, size

    def baseline():
        return len(export_hazards(Hazard.objects.visible_to(admin).order_by("-found_at", "-pk")))

    ours_s, ours_mb, (rows, size) = measure(ours)
    base_s, base_mb, base_size = measure(baseline)
    print(
        f"export (8 chosen columns, streamed): {rows:,} rows in {ours_s:.1f} s "
        f"({rows / ours_s:,.0f} rows/s), {size / 2**20:.1f} MiB file, peak {ours_mb:.0f} MiB"
    )
    print(
        f"baseline (16 fixed columns, in memory): {base_s:.1f} s "
        f"({ROWS / base_s:,.0f} rows/s), {base_size / 2**20:.1f} MiB file, "
        f"peak {base_mb:.0f} MiB"
    )

    from benchtable import record

    if not TRACE:  # tracemalloc slows Python several times: times only without it
        record(
            "Ledger export",
            f"{rows:,} hazards, 8 columns: time",
            ours_s,
            "s",
            baseline=base_s,
            baseline_name="fixed-column export",
        )
    if TRACE:
        record(
            "Ledger export",
            f"{rows:,} hazards, 8 columns: peak memory",
            ours_mb,
            "MiB",
            baseline=base_mb,
            baseline_name="in-memory workbook",
        )
    region = Region.objects.get(code="140700")
    dash_ms = median_ms(lambda: dashboard_figures(city, region=region, period="month"))

    def raw_counts():
        from anlan.hazards.filters import HazardFilter

        start, end = period_bounds("month", timezone.localdate())
        for params in hazard_links(region, start, end).values():
            HazardFilter.from_params(params).apply(Hazard.objects.visible_to(city)).count()

    sql_ms = median_ms(raw_counts)
    print(
        f"dashboard (Jinzhong, this month, every figure and the breakdown): {dash_ms:.0f} ms; "
        f"the five hazard counts alone: {sql_ms:.0f} ms ({dash_ms / sql_ms:.1f}x)"
    )
    record(
        "Dashboard",
        f"Jinzhong, this month ({ROWS:,} hazards)",
        dash_ms,
        "ms",
        baseline=sql_ms,
        baseline_name="its hazard counts",
    )


if __name__ == "__main__":
    main()
