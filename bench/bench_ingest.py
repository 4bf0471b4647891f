"""HTTP ingestion at 50,000 sensors (issue #5).

Creates BENCH_SENSORS sensors (default 50,000) over BENCH_GATEWAYS gateways (default 5) and,
in one process against one database:
  http   POST /api/monitoring/ingest (column JSON) through Django's test client — the full
         stack: middleware, gateway-token auth, parsing, validation, the idempotent insert,
         the numpy alarm engine, commit — BENCH_ROUNDS rounds, each sensor one reading a round,
         in batches of BENCH_BATCH readings; about 0.2 % of readings cross the H limit (and clear the next round);
  raw    executemany INSERT of the same number of (sensor, ts, value) rows into the same
         table, same batch size, one transaction a batch (the baseline);
and prints readings/s for both, their ratio, and the alarm latency: from the moment the
request is made to the alarm row committed (the answer is sent after the commit), p50 / p99
over the batches that raised alarms.
Aims (issue #5, 2 cores): >= 100,000 readings/s over HTTP into SQLite, ratio >= 0.5, p99 < 1 s.

Run: ANLAN_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/bench_ingest.py
     (BENCH_DATABASE_URL=postgres://… for PostgreSQL)
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
tmp = tempfile.mkdtemp(prefix="anlan-bench-")
os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from anlan.core.models import Region  # noqa: E402
from anlan.monitoring import readings  # noqa: E402
from anlan.monitoring.models import Alarm, Gateway, Sensor  # noqa: E402
from anlan.registry.models import Enterprise  # noqa: E402
from tests.factories import make_uscc  # noqa: E402

SENSORS = int(os.environ.get("BENCH_SENSORS", "50000"))
GATEWAYS = int(os.environ.get("BENCH_GATEWAYS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
BATCH = int(os.environ.get("BENCH_BATCH", "10000"))


def setup():
    call_command("migrate", verbosity=0)
    county = Region.objects.filter(level="county").first()
    gateways = []
    for g in range(GATEWAYS):
        enterprise = Enterprise.objects.create(
            name=f"基准企业{g}（演示）",
            uscc=make_uscc(county.code[:6], n=900_000 + g),
            industry="hazardous_chemicals",
            region=county,
            address="-",
            headcount=10,
        )
        gateway = Gateway.objects.create(enterprise=enterprise, name=f"gw{g}", code=f"bench-{g}")
        gateways.append((gateway, gateway.issue_token()))
    per = SENSORS // GATEWAYS
    for gateway, _ in gateways:
        Sensor.objects.bulk_create(
            [
                Sensor(
                    enterprise_id=gateway.enterprise_id,
                    gateway=gateway,
                    tag=f"T{i:06d}",
                    name="液位",
                    kind="level",
                    unit="m",
                    range_min=0,
                    range_max=100,
                    limit_l=5,
                    limit_h=80,
                    limit_hh=90,
                    deadband=1,
                )
                for i in range(per)
            ],
            batch_size=2000,
        )
    return gateways, per


def run_http(gateways, per, start_s):
    client = Client()
    rng = np.random.default_rng(7)
    tags = [f"T{i:06d}" for i in range(per)]
    latencies, n, alarms_before = [], 0, Alarm.objects.count()
    began = time.perf_counter()
    for r in range(ROUNDS):
        ts = start_s + r * 10
        for _gateway, token in gateways:
            for lo in range(0, per, BATCH):
                hi = min(lo + BATCH, per)
                values = rng.uniform(20, 70, hi - lo)
                values[rng.random(hi - lo) < 0.002] = 85.0  # H excursions (0.2 %)
                body = json.dumps(
                    {
                        "tags": tags[lo:hi],
                        "ts": [ts] * (hi - lo),
                        "values": values.round(3).tolist(),
                    }
                )
                t0 = time.perf_counter()
                response = client.post(
                    "/api/monitoring/ingest",
                    body,
                    content_type="application/json",
                    headers={"X-Gateway-Token": token},
                )
                elapsed = time.perf_counter() - t0
                data = response.json()
                assert response.status_code == 200 and data["rejected"] == 0, data
                n += data["accepted"]
                if data["alarms_raised"]:
                    latencies.append(elapsed)
    seconds = time.perf_counter() - began
    return n, seconds, latencies, Alarm.objects.count() - alarms_before


def run_raw(ids, start_s, rounds):
    n = 0
    began = time.perf_counter()
    rng = np.random.default_rng(8)
    for r in range(rounds):
        ts_ms = int((start_s + r * 10) * 1000)
        for lo in range(0, len(ids), BATCH):
            chunk = ids[lo : lo + BATCH]
            values = rng.uniform(20, 70, len(chunk)).tolist()
            with transaction.atomic(), connection.cursor() as cursor:
                if readings.is_postgres():
                    readings.ensure_partitions(np.array([ts_ms]))
                cursor.executemany(
                    "INSERT INTO monitoring_reading (sensor_id, ts, value) VALUES (%s, %s, %s)",
                    list(zip(chunk, [ts_ms] * len(chunk), values, strict=True)),
                )
            n += len(chunk)
    return n, time.perf_counter() - began


def main():
    print(
        f"database: {connection.vendor}; {SENSORS} sensors, {GATEWAYS} gateways, "
        f"{ROUNDS} rounds, batches of {BATCH}"
    )
    t = time.perf_counter()
    gateways, per = setup()
    print(f"set-up {time.perf_counter() - t:.1f} s")
    now = time.time()
    # Two interleaved halves so neither side always writes into the bigger table.
    n1, s1, lat1, alarms1 = run_http(gateways, per, now - 3600)
    ids = list(Sensor.objects.order_by("pk").values_list("pk", flat=True))
    r1, q1 = run_raw(ids, now - 7200, ROUNDS)
    n2, s2, lat2, alarms2 = run_http(gateways, per, now - 1800)
    r2, q2 = run_raw(ids, now - 5400, ROUNDS)
    http_rate = (n1 + n2) / (s1 + s2)
    raw_rate = (r1 + r2) / (q1 + q2)
    latencies = sorted(lat1 + lat2)
    print(
        f"http  {n1 + n2:>9} readings  {http_rate:>10,.0f} readings/s  "
        f"({alarms1 + alarms2} alarms raised)"
    )
    print(f"raw   {r1 + r2:>9} rows      {raw_rate:>10,.0f} rows/s")
    print(f"ratio http/raw = {http_rate / raw_rate:.2f}")
    if latencies:
        p50 = statistics.median(latencies)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"alarm latency (request made -> alarm committed, {len(latencies)} batches): "
            f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
        )


if __name__ == "__main__":
    random.seed(7)
    main()
