"""Rescue reach: coverage of 10,000 mines by 1,000 teams, and a dispatch recommendation over
1,000 teams, against a plain vectorised distance computation of the same size in the same run.

Pure part (numpy, no database):
- coverage: ``reach.coverage`` — nearest team per mine by unit-vector dot products in blocks,
  exact distance for the kept pairs only;
- baseline: the full 10,000 × 1,000 haversine matrix with numpy broadcasting and its argmin
  (what a straightforward implementation does);
- ranking: ``reach.rank`` for one incident over 1,000 teams; baseline: the 1,000 haversine
  distances alone.
Database part: ``dispatch.recommend`` for an incident with 1,000 teams in the database (their
duty shifts, breathing apparatus and members read in three queries), and ``coverage.analyse``
with 10,000 flagged mines — the whole service as the page and the API call it.

Aims (issue #6): coverage ≤ 100 ms, recommendation ≤ 20 ms. Figures are medians of repeated runs.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
tmp = tempfile.mkdtemp(prefix="anlan-bench-rescue-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
)
os.environ.setdefault("ANLAN_VAR_DIR", tmp)
os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from anlan.rescue import reach  # noqa: E402

MINES, TEAMS, REPEAT = 10_000, 1_000, 15
rng = np.random.default_rng(6)
# Shanxi's extent, roughly: 34.5–40.7 N, 110.2–114.6 E.
mine_lat, mine_lon = rng.uniform(34.5, 40.7, MINES), rng.uniform(110.2, 114.6, MINES)
team_lat, team_lon = rng.uniform(34.5, 40.7, TEAMS), rng.uniform(110.2, 114.6, TEAMS)
params = reach.ReachParams(turnout_minutes=1, speed_kmh=50, road_factor=1.4, limit_minutes=30)


def median_ms(fn, repeat=REPEAT) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def baseline_coverage():
    d = reach.all_distances_km(mine_lat, mine_lon, team_lat, team_lon)
    return d.argmin(axis=1)


def ours():
    return reach.coverage(mine_lat, mine_lon, team_lat, team_lon, params)


# Same answer as the baseline (ties apart).
agree = (ours().nearest == baseline_coverage()).mean()
cov_ms, base_ms = median_ms(ours), median_ms(baseline_coverage)
eligible = rng.random(TEAMS) > 0.3
rank_ms = median_ms(lambda: reach.rank(37.2, 112.1, team_lat, team_lon, eligible, params), 200)
dist_ms = median_ms(lambda: reach.haversine_km(37.2, 112.1, team_lat, team_lon), 200)
print(f"coverage {MINES:,} mines × {TEAMS:,} teams: {cov_ms:.1f} ms (aim ≤ 100)")
print(f"  baseline full haversine matrix + argmin: {base_ms:.1f} ms; ratio {cov_ms / base_ms:.2f}")
print(f"  same nearest team as the baseline for {agree:.2%} of mines")
print(f"ranking one incident over {TEAMS:,} teams: {rank_ms:.3f} ms (aim ≤ 20)")
from benchtable import record  # noqa: E402

record(
    "Rescue reach",
    f"coverage {MINES:,} mines × {TEAMS:,} teams",
    cov_ms,
    "ms",
    baseline=base_ms,
    baseline_name="full haversine matrix",
    aim="≤ 100 ms",
)
record(
    "Rescue reach",
    f"rank one incident over {TEAMS:,} teams",
    rank_ms,
    "ms",
    baseline=dist_ms,
    baseline_name="1,000 distances",
    aim="≤ 20 ms",
)
print(f"  baseline 1,000 haversine distances: {dist_ms:.3f} ms; ratio {rank_ms / dist_ms:.2f}")

# --- The services over a database ------------------------------------------------------------
call_command("migrate", verbosity=0)
from anlan.core.models import Region, User  # noqa: E402
from anlan.registry.models import Enterprise, RiskFlag  # noqa: E402
from anlan.rescue import coverage, dispatch  # noqa: E402
from anlan.rescue.models import DutyShift, Incident, Member, Team  # noqa: E402

admin = User.objects.create(username="bench-admin", role="system_admin", is_superuser=True)
county = Region.objects.get(code="140729")
today = timezone.localdate()
teams = Team.objects.bulk_create(
    Team(
        name=f"救援队{i:04d}",
        kind="county_squad",
        region=county,
        latitude=round(float(team_lat[i]), 6),
        longitude=round(float(team_lon[i]), 6),
        capabilities=["mine_rescue"],
        staffing="full_time",
    )
    for i in range(TEAMS)
)
members = Member.objects.bulk_create(
    Member(
        team=t,
        name="队长",
        id_number=f"14072919800101{i:03d}X"[:18],
        post="squadron_commander",
        joined_on=today,
        experience_since=today,
    )
    for i, t in enumerate(teams)
)
DutyShift.objects.bulk_create(
    DutyShift(team=t, day=today, shift="full_day", commander=m)
    for t, m, ok in zip(teams, members, eligible, strict=True)
    if ok
)
flag = RiskFlag.objects.get(code="high_gas")
mines = Enterprise.objects.bulk_create(
    Enterprise(
        name=f"煤矿{i:05d}",
        uscc=f"9114072900{i:07d}X"[:18],
        industry="coal_mine",
        region=county,
        latitude=round(float(mine_lat[i]), 6),
        longitude=round(float(mine_lon[i]), 6),
    )
    for i in range(MINES)
)
Enterprise.risk_flags.through.objects.bulk_create(
    Enterprise.risk_flags.through(enterprise=m, riskflag=flag) for m in mines
)
incident = Incident.objects.create(
    title="bench",
    kind="gas_explosion",
    region=county,
    place="bench",
    latitude=37.2,
    longitude=112.1,
    occurred_at=timezone.now(),
)
rec_ms = median_ms(lambda: dispatch.recommend(incident, limit=20), 10)
if os.environ.get("BENCH_PROFILE"):
    import cProfile

    cProfile.run("dispatch.recommend(incident, limit=20)", sort="cumtime")
ana_ms = median_ms(lambda: coverage.analyse(user=admin), 3)
print(f"recommend() with {TEAMS:,} teams in the database: {rec_ms:.1f} ms")
print(f"analyse() with {MINES:,} flagged mines in the database: {ana_ms:.0f} ms")
