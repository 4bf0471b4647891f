"""Warnings: reading CAP, and a city-wide warning reaching everyone it concerns.

1. Parse: ``cap.parse`` of a real-shaped CAP message (defusedxml + the OASIS schema via
   xmlschema + Anlan's checks), against the bare defusedxml parse of the same bytes in the same
   run — what the schema and checks cost on top of reading the XML.
2. Import and target: ``ingest.import_message`` of a cold-wave yellow warning for a whole city of
   10 counties, 100 townships and 2,000 villages with 10,000 enterprises (a fifth of them in
   industries the cold-wave rule names), 100 rescue teams (no duty shifts: readiness is one
   UPDATE either way), a supervisor per township, a
   grid member per village and 4,000 households to check — everything: parse, store, targets,
   readiness, notifications, welfare checks. Baseline, in the same run: bulk-inserting the same
   number of target, notification and welfare-check rows with nothing else (the least any
   implementation must write).

Aim: a city-wide warning reaches everyone within a few seconds. Figures are medians.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
tmp = tempfile.mkdtemp(prefix="anlan-bench-alerts-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/b.sqlite3"
os.environ.setdefault("ANLAN_VAR_DIR", tmp)
os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("ANLAN_HUEY_IMMEDIATE", "1")

import django  # noqa: E402

django.setup()

import defusedxml.ElementTree as SafeET  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from anlan.alerts import cap, ingest  # noqa: E402
from anlan.alerts.demo import _sample_for  # noqa: E402
from anlan.alerts.models import Alert, Household, Target, WelfareCheck  # noqa: E402
from anlan.core.choices import RegionLevel, UserRole  # noqa: E402
from anlan.core.models import Notification, Region, User  # noqa: E402
from anlan.registry.models import Enterprise  # noqa: E402
from anlan.rescue.models import Team  # noqa: E402

COUNTIES, TOWNSHIPS, VILLAGES = 10, 10, 20
ENTERPRISES, TEAMS, HOUSEHOLDS, REPEAT = 10_000, 100, 4_000, 3
INDUSTRIES = ["gas_supply", "heating", "coal_mine", "hazardous_chemicals", "machinery"] * 2
INDUSTRIES[5:] = ["light_industry", "metallurgy", "commerce_trade", "building_materials", "other"]


def median(values):
    return statistics.median(values)


def timed(fn, repeat=REPEAT):
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


def build_city():
    city = Region.objects.get(code="140700")
    counties = list(Region.objects.filter(parent=city, level=RegionLevel.COUNTY)[:COUNTIES])
    townships, villages = [], []
    for county in counties:
        for t in range(TOWNSHIPS):
            townships.append(
                Region(
                    code=f"{county.code}{190 + t}",
                    name=f"镇{t}",
                    level=RegionLevel.TOWNSHIP,
                    parent=county,
                    prefix=f"{county.code}{190 + t}",
                    full_name=f"镇{t}",
                )
            )
    Region.objects.bulk_create(townships)
    for town in townships:
        for v in range(VILLAGES):
            code = f"{town.code}{201 + v}"
            villages.append(
                Region(
                    code=code,
                    name=f"村{v}",
                    level=RegionLevel.VILLAGE,
                    parent=town,
                    prefix=code,
                    full_name=f"村{v}",
                )
            )
    Region.objects.bulk_create(villages)
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP))
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE))
    Enterprise.objects.bulk_create(
        Enterprise(
            name=f"企业{i}",
            uscc=f"91140700{i:09d}X",
            industry=INDUSTRIES[i % 10],
            region=villages[i % len(villages)],
            address="-",
            headcount=10,
        )
        for i in range(ENTERPRISES)
    )
    Team.objects.bulk_create(
        Team(name=f"队伍{i}", kind="county_squad", region=counties[i % len(counties)])
        for i in range(TEAMS)
    )
    users = [
        User(username=f"t{i}", role=UserRole.TOWNSHIP_SUPERVISOR, region=t, password="!")
        for i, t in enumerate(townships)
    ] + [
        User(username=f"g{i}", role=UserRole.GRID_MEMBER, region=v, password="!")
        for i, v in enumerate(villages)
    ]
    for i, e in enumerate(Enterprise.objects.filter(industry__in=["gas_supply", "heating"])):
        users.append(
            User(username=f"e{i}", role=UserRole.ENTERPRISE_SAFETY, enterprise=e, password="!")
        )
    users += [
        User(username=f"r{i}", role=UserRole.RESCUE_COMMANDER, team=t, password="!")
        for i, t in enumerate(Team.objects.all())
    ]
    User.objects.bulk_create(users)
    Household.objects.bulk_create(
        Household(
            region=villages[i % len(villages)],
            categories=["elderly_alone"],
            check_for=["cold"],
            sealed="",
            fingerprint=f"{i:064d}",
        )
        for i in range(HOUSEHOLDS)
    )


def main():
    call_command("migrate", verbosity=0)
    _identifier, data = _sample_for(timezone.now())
    parse_ms = timed(lambda: cap.parse(data), repeat=50)
    bare_ms = timed(lambda: SafeET.fromstring(data), repeat=50)
    print(
        f"CAP parse + schema + checks: {parse_ms:.2f} ms per message; "  # noqa: T201
        f"defusedxml alone {bare_ms:.3f} ms; ratio {parse_ms / bare_ms:.1f}"
    )
    from benchtable import record

    record(
        "Warnings",
        "CAP parse + validate, per message",
        parse_ms,
        "ms",
        baseline=bare_ms,
        baseline_name="defusedxml alone",
    )

    build_city()
    runs, counts = [], {}
    for n in range(REPEAT):
        Alert.objects.all().delete()
        Notification.objects.all().delete()
        sample = data.replace(b"<identifier>", f"<identifier>r{n}-".encode(), 1)
        start = time.perf_counter()
        outcome = ingest.import_message(sample, received_from="bench.xml")
        runs.append((time.perf_counter() - start) * 1000)
        assert outcome.status == "imported", outcome.reason
        counts = {
            "targets": Target.objects.count(),
            "notifications": Notification.objects.count(),
            "checks": WelfareCheck.objects.count(),
        }
    import_ms = median(runs)

    # Baseline: the same rows, bulk-inserted with nothing computed.
    root = Alert.objects.first()
    enterprises = list(Enterprise.objects.all())
    households = list(Household.objects.all())
    grid = list(User.objects.filter(role=UserRole.GRID_MEMBER))
    now = timezone.now()

    def baseline():
        with transaction.atomic():
            Target.objects.filter(thread=root).delete()
            WelfareCheck.objects.filter(thread=root).delete()
            Notification.objects.all().delete()
            Target.objects.bulk_create(
                Target(
                    thread=root,
                    kind="enterprise",
                    enterprise=e,
                    region_id=e.region_id,
                    ack_due=now,
                    measures_due=now,
                )
                for e in enterprises[: counts["targets"]]
            )
            Notification.objects.bulk_create(
                Notification(recipient=grid[i % len(grid)], kind="warning", title="t")
                for i in range(counts["notifications"])
            )
            WelfareCheck.objects.bulk_create(
                WelfareCheck(thread=root, household=h, region_id=h.region_id, due=now)
                for h in households[: counts["checks"]]
            )

    base_ms = timed(baseline)
    print(  # noqa: T201
        f"City-wide cold wave: {counts['targets']} targets, {counts['notifications']} "
        f"notifications, {counts['checks']} welfare checks in {import_ms:.0f} ms; "
        f"bare inserts of the same rows {base_ms:.0f} ms; ratio {import_ms / base_ms:.1f}"
    )
    record(
        "Warnings",
        f"city-wide warning, {counts['targets']:,} targets",
        import_ms,
        "ms",
        baseline=base_ms,
        baseline_name="bare inserts",
    )


if __name__ == "__main__":
    main()
