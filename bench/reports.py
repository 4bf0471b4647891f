"""Bulletins: the monthly bulletin of a city with 1,000,000 hazards, 100,000 trainings and a
year of alarms — its figures and PDF, and its figures and Word file.

The city (晋中市 and its counties, 10,000 enterprises) gets, spread over the last 365 days:
1,000,000 hazards (all statuses, closed ones with a closing time), 100,000 training records,
200,000 alarms on 1,000 sensors, 5,000 supervision tasks with assignments, 2,000 drills, 5,000
expert visits and 20,000 campaign activities. ``BENCH_SCALE`` (default 1) scales every count
(e.g. ``BENCH_SCALE=0.05`` for a quick run).

Timed (medians of ``BENCH_ROUNDS``, default 3): ``figures.compute`` for last month + the PDF
(WeasyPrint), and ``figures.compute`` + the Word file (python-docx). Baseline, in the same run:
the raw SQL aggregates the figures need — the very queries ``figures.compute`` runs, captured
and re-run on the same connection with nothing around them.

    BENCH_SCALE=0.05 ANLAN_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/reports.py
    BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/reports.py
Aim (issue #8): under 5 s to the PDF and to the Word file.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
tmp = tempfile.mkdtemp(prefix="anlan-bench-reports-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/b.sqlite3"
os.environ.setdefault("ANLAN_VAR_DIR", tmp)
os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("ANLAN_HUEY_IMMEDIATE", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from anlan.core.models import Region  # noqa: E402
from anlan.core.validators import USCC_ALPHABET, uscc_check_char  # noqa: E402
from anlan.hazards.choices import HazardCategory, HazardChannel, HazardStatus  # noqa: E402
from anlan.hazards.models import Hazard  # noqa: E402
from anlan.monitoring.models import Alarm, Gateway, Sensor  # noqa: E402
from anlan.registry.models import Enterprise  # noqa: E402
from anlan.reports import bulletins, figures, render  # noqa: E402
from anlan.reports.models import Bulletin  # noqa: E402
from anlan.rescue.models import Drill  # noqa: E402
from anlan.supervision.choices import ActivityKind, ExpertDomain, TrainingKind  # noqa: E402
from anlan.supervision.models import (  # noqa: E402
    CampaignActivity,
    ExpertVisit,
    MemberUnit,
    SupervisionTask,
    TaskAssignment,
    TrainingSession,
)

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
HAZARDS = int(1_000_000 * SCALE)
TRAININGS = int(100_000 * SCALE)
ALARMS = int(200_000 * SCALE)
SENSORS = max(10, int(1_000 * SCALE))
ENTERPRISES = max(100, int(10_000 * SCALE))
TASKS = int(5_000 * SCALE)
DRILLS = int(2_000 * SCALE)
VISITS = int(5_000 * SCALE)
ACTIVITIES = int(20_000 * SCALE)
BATCH = 5000


def uscc(n: int, county: str) -> str:
    body = ""
    for _ in range(9):
        body = USCC_ALPHABET[n % 31] + body
        n //= 31
    first17 = "91" + county + body
    return first17 + uscc_check_char(first17)


def batched(rows_of, total, model):
    for start in range(0, total, BATCH):
        with transaction.atomic():
            model.objects.bulk_create(rows_of(range(start, min(start + BATCH, total))))


def fill(city) -> float:
    began = time.perf_counter()
    rng = random.Random(8)
    counties = list(Region.objects.filter(parent=city, level="county"))
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"基准企业{i}",
                uscc=uscc(i + 1, counties[i % len(counties)].code),
                industry="other",
                region=counties[i % len(counties)],
            )
            for i in range(ENTERPRISES)
        ],
        batch_size=BATCH,
    )
    enterprises = list(Enterprise.objects.values_list("pk", "region_id"))
    now = timezone.now()
    today = timezone.localdate()
    statuses = HazardStatus.values
    categories, channels = HazardCategory.values, HazardChannel.values
    minutes = 365 * 24 * 60
    open_statuses = ("assigned", "rectifying", "acceptance_requested")

    def hazards(ns):
        out = []
        for n in ns:
            enterprise_id, region_id = enterprises[n % len(enterprises)]
            status = statuses[rng.randrange(len(statuses))]
            found = now - dt.timedelta(minutes=rng.randrange(minutes))
            out.append(
                Hazard(
                    code=f"YH2026{n + 1:08d}",
                    enterprise_id=enterprise_id,
                    region_id=region_id,
                    description=f"基准隐患 {n}",
                    category=categories[n % len(categories)],
                    level="major" if n % 50 == 0 else "general",
                    channel=channels[n % len(channels)],
                    status=status,
                    found_at=found,
                    closed_at=found + dt.timedelta(days=rng.randint(1, 40))
                    if status == "closed"
                    else None,
                    deadline=today + dt.timedelta(days=rng.randint(-90, 60))
                    if status in open_statuses
                    else None,
                )
            )
        return out

    batched(hazards, HAZARDS, Hazard)
    kinds = TrainingKind.values
    batched(
        lambda ns: [
            TrainingSession(
                region_id=enterprises[n % len(enterprises)][1],
                kind=kinds[n % len(kinds)],
                title=f"培训{n}",
                date=today - dt.timedelta(days=rng.randrange(365)),
                sessions=rng.randint(1, 5),
                participants=rng.randint(10, 200),
            )
            for n in ns
        ],
        TRAININGS,
        TrainingSession,
    )
    Gateway.objects.bulk_create(
        Gateway(enterprise_id=enterprises[i][0], name=f"网关{i}", code=f"gw-{i}", key_hash=f"k{i}")
        for i in range(SENSORS // 10 + 1)
    )
    gateways = list(Gateway.objects.values_list("pk", "enterprise_id"))
    Sensor.objects.bulk_create(
        Sensor(
            enterprise_id=gateways[i % len(gateways)][1],
            gateway_id=gateways[i % len(gateways)][0],
            tag=f"PT-{i}",
            name="压力",
            kind="pressure",
            range_min=0,
            range_max=10,
        )
        for i in range(SENSORS)
    )
    sensors = list(Sensor.objects.values_list("pk", flat=True))
    levels = (("hh", "urgent"), ("h", "warning"), ("fault_wire_break", "fault"))

    def alarms(ns):
        out = []
        for n in ns:
            kind, level = levels[n % 3]
            raised = now - dt.timedelta(minutes=rng.randrange(minutes))
            out.append(
                Alarm(
                    sensor_id=sensors[n % len(sensors)],
                    kind=kind,
                    level=level,
                    started_at=raised,
                    raised_at=raised,
                    disposed_at=raised + dt.timedelta(minutes=rng.randint(5, 600)),
                    cleared_at=raised + dt.timedelta(minutes=700),
                )
            )
        return out

    batched(alarms, ALARMS, Alarm)
    units = MemberUnit.objects.bulk_create(
        MemberUnit(committee_region=counties[i % len(counties)], kind="department", name=f"单位{i}")
        for i in range(50)
    )
    batched(
        lambda ns: [
            SupervisionTask(
                region=counties[n % len(counties)],
                title=f"督办{n}",
                body="-",
                deadline=today - dt.timedelta(days=rng.randrange(365)),
                issued_at=now - dt.timedelta(days=rng.randrange(365)),
            )
            for n in ns
        ],
        TASKS,
        SupervisionTask,
    )
    task_ids = list(SupervisionTask.objects.values_list("pk", flat=True))
    batched(
        lambda ns: [
            TaskAssignment(
                task_id=task_ids[n // 3],
                unit=units[n % len(units)],
                state=("accepted", "pending", "submitted")[n % 3],
                on_time=(n % 2 == 0) if n % 3 == 0 else None,
            )
            for n in ns
        ],
        len(task_ids) * 3,
        TaskAssignment,
    )
    batched(
        lambda ns: [
            Drill(
                title=f"演练{n}",
                kind="tabletop",
                scenario="-",
                region=counties[n % len(counties)],
                status="done",
                planned_for=(t := now - dt.timedelta(days=rng.randrange(365))),
                started_at=t,
                ended_at=t,
                participants=rng.randint(5, 100),
            )
            for n in ns
        ],
        DRILLS,
        Drill,
    )
    domains = ExpertDomain.values
    batched(
        lambda ns: [
            ExpertVisit(
                region_id=enterprises[n % len(enterprises)][1],
                enterprise_id=enterprises[n % len(enterprises)][0],
                domain=domains[n % len(domains)],
                date=today - dt.timedelta(days=rng.randrange(365)),
                experts="-",
                problems_found=rng.randint(0, 9),
            )
            for n in ns
        ],
        VISITS,
        ExpertVisit,
    )
    activity_kinds = ActivityKind.values
    batched(
        lambda ns: [
            CampaignActivity(
                region=counties[n % len(counties)],
                kind=activity_kinds[n % len(activity_kinds)],
                title=f"活动{n}",
                date=today - dt.timedelta(days=rng.randrange(365)),
                events=rng.randint(1, 5),
                participants=rng.randint(10, 500),
            )
            for n in ns
        ],
        ACTIVITIES,
        CampaignActivity,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - began


def median_of(fn) -> tuple[float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    call_command("migrate", verbosity=0)
    city = Region.objects.get(code="140700")
    load = fill(city)
    start, end = bulletins.previous_month(timezone.localdate())
    bulletin = Bulletin(
        kind="monthly",
        region=city,
        period_start=start,
        period_end=end,
        number=11,
        title=f"{city.name}安全生产工作简报 {start.year}年第11期",
        commentary={"summary": "本月全市安全生产形势总体平稳。"},
    )

    with CaptureQueriesContext(connection) as captured:
        figures.compute(city, start, end)
    queries = [q["sql"] for q in captured.captured_queries]

    def raw_sql():
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql)
                cursor.fetchall()

    def figures_only():
        bulletin.figures = figures.compute(city, start, end)
        return bulletin.figures

    def to_pdf():
        bulletin.figures = figures.compute(city, start, end)
        return render.pdf_bytes(bulletin)

    def to_docx():
        bulletin.figures = figures.compute(city, start, end)
        return render.docx_bytes(bulletin)

    base, _ = median_of(raw_sql)
    fig_s, fig = median_of(figures_only)
    pdf_s, pdf = median_of(to_pdf)
    docx_s, docx = median_of(to_docx)
    h = fig["hazards"]
    print(  # noqa: T201
        f"database: {connection.vendor}  scale: {SCALE}  hazards: {HAZARDS:,}  trainings: "
        f"{TRAININGS:,}  alarms: {ALARMS:,}  (loaded in {load:.0f} s)\n"
        f"period {start} – {end}: {h['found']:,} hazards found, {h['closed']:,} rectified, "
        f"{h['open']:,} open at the end; {fig['trainings']['participants']:,} training "
        f"person-times; {fig['alarms']['raised']:,} alarms\n"
        f"baseline (the {len(queries)} aggregate queries, raw SQL): {base:.2f} s\n"
        f"figures (figures.compute):                   {fig_s:.2f} s  ratio {fig_s / base:.2f}\n"
        f"figures + PDF  ({len(pdf) / 1024:.0f} KiB):                 {pdf_s:.2f} s  ratio "
        f"{pdf_s / base:.2f}\n"
        f"figures + Word ({len(docx) / 1024:.0f} KiB):                 {docx_s:.2f} s  ratio "
        f"{docx_s / base:.2f}\n"
        f"aim: under 5 s to each file — {'met' if max(pdf_s, docx_s) < 5 else 'NOT met'}"
    )
    from benchtable import record

    for what, seconds in (("PDF", pdf_s), ("Word", docx_s)):
        record(
            "Monthly bulletin",
            f"{what}, {HAZARDS:,} hazards",
            seconds,
            "s",
            baseline=base,
            baseline_name="its SQL aggregates",
            aim="< 5 s",
        )


if __name__ == "__main__":
    main()
