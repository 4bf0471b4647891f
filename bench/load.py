"""A bounded load test (issue #9): locust, headless, against the production stack of deploy/ —
nginx over TLS in front of gunicorn (deploy/gunicorn.conf.py, its default 2 × cores + 1 sync
workers), Redis for the cache, on PostgreSQL (BENCH_DATABASE_URL or DATABASE_URL; SQLite
otherwise) with the demo data (`anlan demo --no-serve`) plus 5 gateways of 100 sensors.

LOAD_USERS users (default 50, spawned 10 a second), each waiting LOAD_WAIT seconds (default
3-7) between requests, run the mix of bench/load_scenario.py for LOAD_SECONDS (default 60): field reports, ledger browsing, ingestion and dashboards, plus the
baselines measured in the same run — /healthz (a Django view running SELECT 1) and a static
file served by nginx alone. Prints, per request type and overall: requests, requests/s, p50,
p95, p99 and failures, the median of the same request made alone (five in a row after the
run: its own cost, without waiting for the CPU), the ratio of each p95 to /healthz's, and
records the headline figures through bench/benchtable.py. Aims (issue #9): no failures, p95 < 200 ms at 50 users.

Run: make load   (installs the `load` extra, a throwaway PostgreSQL via scripts/with_postgres.sh)
     or ANLAN_ALLOW_INSECURE_KEY=1 scripts/with_postgres.sh .venv/bin/python bench/load.py
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchtable import record  # noqa: E402

from tests.deploy import stack as production  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "50"))
RATE = int(os.environ.get("LOAD_SPAWN_RATE", "10"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WAIT = os.environ.get("LOAD_WAIT", "3-7")
AIM_P95_MS = 200

PREPARE = """
import json
from anlan.core.demo import DEMO_PASSWORD
from anlan.core.models import ApiToken, User
from anlan.monitoring import services
from anlan.monitoring.choices import SensorKind
from anlan.registry.models import Enterprise

reporter = User.objects.get(username="enterprise")
regulator = User.objects.get(username="city")
gateways = []
for n, enterprise in enumerate(Enterprise.objects.order_by("pk")[:5]):
    gateway, token = services.create_gateway(
        user=None, enterprise=enterprise, name=f"负载网关{n}", code=f"load-gw-{n}"
    )
    tags = [f"LT-{i:03d}" for i in range(100)]
    for tag in tags:
        services.save_sensor(user=None, enterprise=enterprise, data={
            "gateway": gateway, "tag": tag, "name": f"液位{tag}", "kind": SensorKind.LEVEL,
            "unit": "m", "range_min": 0, "range_max": 20, "limit_ll": 1, "limit_l": 2,
            "limit_h": 15, "limit_hh": 18, "deadband": 0.5, "debounce_seconds": 0,
        })
    gateways.append([gateway.code, token, tags])
# Signed-in browser sessions for the regulator, made here: 50 users signing in at once would
# measure PBKDF2 (the password hash, deliberately about 0.3 s of CPU each), not the pages.
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

sessions = []
for _ in range(200):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(regulator.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = regulator.get_session_auth_hash()
    store.create()
    sessions.append(store.session_key)
print(json.dumps({
    "sessions": sessions,
    "password": DEMO_PASSWORD,
    "regulator": regulator.username,
    "regulator_token": ApiToken.issue(user=regulator, name="load")[1],
    "reporter_token": ApiToken.issue(user=reporter, name="load")[1],
    "reporter_enterprise": reporter.enterprise_id,
    "gateways": gateways,
}))
"""


def percentile_row(row: dict) -> dict:
    def number(key):
        value = row.get(key, "")
        return float(value) if value not in ("", "N/A") else float("nan")

    return {
        "name": row["Name"] if row["Name"] != "Aggregated" else "all requests",
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": number("Requests/s"),
        "p50": number("50%"),
        "p95": number("95%"),
        "p99": number("99%"),
    }


def alone_times(run, config) -> dict[str, float]:
    """Median milliseconds of five sequential requests of each kind, the machine otherwise idle
    (as far as this run goes)."""
    import statistics

    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = str(run.cert)
    session.cookies.set("sessionid", config["sessions"][0], domain="127.0.0.1", path="/")
    api = {"Authorization": f"Bearer {config['regulator_token']}"}
    code, token, tags = config["gateways"][0]
    now = int(time.time())
    calls = {
        "baseline: /healthz (Django)": lambda i: session.get(f"{run.url}/healthz"),
        "baseline: static file (nginx)": lambda i: session.get(run.url + config["static_path"]),
        "dashboard: /": lambda i: session.get(f"{run.url}/"),
        "dashboard: GET /api/stats/dashboard": lambda i: session.get(
            f"{run.url}/api/stats/dashboard", headers=api
        ),
        "field report: POST /api/hazards": lambda i: session.post(
            f"{run.url}/api/hazards",
            json={
                "enterprise": config["reporter_enterprise"],
                "description": f"单独测量 {i}",
                "category": "fire",
                "channel": "self_inspection",
            },
            headers={"Authorization": f"Bearer {config['reporter_token']}"},
        ),  # fmt: skip
        "ingestion: POST 100 readings": lambda i: session.post(
            f"{run.url}/api/monitoring/ingest",
            json={"tags": tags, "ts": [now + 1 + i] * len(tags), "values": [5.0] * len(tags)},
            headers={"X-Gateway-Token": token},
        ),
        "ledger: /enterprises/": lambda i: session.get(f"{run.url}/enterprises/?page=2"),
        "ledger: /hazards/": lambda i: session.get(f"{run.url}/hazards/?status=verified"),
        "ledger: GET /api/hazards": lambda i: session.get(
            f"{run.url}/api/hazards?limit=25", headers=api
        ),
    }
    times = {}
    for name, call in calls.items():
        samples = []
        for i in range(6):
            started = time.perf_counter()
            call(i).raise_for_status()
            if i:  # the first one warms up
                samples.append((time.perf_counter() - started) * 1000)
        times[name] = statistics.median(samples)
    return times


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if url:
        os.environ["DATABASE_URL"] = url
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    config = {}
    timings = {}

    def prepare(run):
        started = time.monotonic()
        run.manage("demo", "--no-serve")
        timings["demo data"] = time.monotonic() - started
        config.update(
            json.loads(run.manage("shell", "--command", PREPARE).strip().splitlines()[-1])
        )

    started = time.monotonic()
    with production.production_stack(
        workers=None, prepare=prepare, extra_env={"ANLAN_DB_CONN_MAX_AGE": "60"}
    ) as run:
        timings["stack up"] = time.monotonic() - started
        workers = run.gunicorn_workers()
        import requests

        login = requests.get(f"{run.url}/accounts/login/", verify=str(run.cert))
        config["static_path"] = re.search(
            r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', login.text
        ).group(1)
        prefix = run.folder / "locust"
        env = {
            **os.environ,
            "LOAD_CONFIG": json.dumps(config),
            "LOAD_CERT": str(run.cert),
            "LOAD_WAIT": WAIT,
        }
        print(
            f"{database}, gunicorn {workers} workers behind nginx; locust: {USERS} users "
            f"(+{RATE}/s), {WAIT} s between requests, for {SECONDS} s …",
            flush=True,
        )
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_scenario.py"),
             "--headless", "-u", str(USERS), "-r", str(RATE), "-t", f"{SECONDS}s",
             "--host", run.url, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
             "--stop-timeout", "5"],
            env=env, cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        if locust.returncode not in (0, 1):  # 1: some requests failed; reported below
            print(locust.stdout[-3000:], locust.stderr[-3000:], file=sys.stderr)
            return locust.returncode
        # Each request type alone, after the run: five in a row with nothing else running,
        # to tell its own cost from waiting for the CPU.
        alone = alone_times(run, config)
        with open(f"{prefix}_stats.csv", newline="") as fh:
            rows = [percentile_row(r) for r in csv.DictReader(fh)]
        failures_text = Path(f"{prefix}_failures.csv").read_text()
        load_cpu = os.getloadavg()[0]

    baseline = next(r for r in rows if r["name"].startswith("baseline: /healthz"))
    width = max(len(r["name"]) for r in rows)
    print(
        f"\n{'request':<{width}}  {'count':>6}  {'req/s':>6}  {'p50 ms':>6}  {'p95 ms':>6}  "
        f"{'p99 ms':>6}  {'fail':>4}  {'alone':>6}  p95 ÷ /healthz"
    )
    for r in rows:
        ratio = r["p95"] / baseline["p95"] if baseline["p95"] else float("nan")
        print(
            f"{r['name']:<{width}}  {r['requests']:>6}  {r['rps']:>6.1f}  {r['p50']:>6.0f}  "
            f"{r['p95']:>6.0f}  {r['p99']:>6.0f}  {r['failures']:>4}  "
            f"{alone.get(r['name'], float('nan')):>6.0f}  {ratio:.1f}"
        )
    overall = next(r for r in rows if r["name"] == "all requests")
    print(
        f"\nSet-up: stack with demo data up in {timings['stack up']:.0f} s (demo data "
        f"{timings['demo data']:.0f} s); load average at the end {load_cpu:.1f}."
    )
    verdict = "met" if overall["failures"] == 0 and overall["p95"] < AIM_P95_MS else "NOT met"
    print(
        f"Aim (no failures, p95 < {AIM_P95_MS} ms at {USERS} users): {verdict} — "
        f"{overall['failures']} failures, p95 {overall['p95']:.0f} ms."
    )
    if overall["failures"]:
        print("\nFailures:\n" + failures_text)

    bench = f"load, {USERS} users, {WAIT} s apart"
    record(bench, "throughput, all requests", overall["rps"], "req/s", database=database)
    record(bench, "p50, all requests", overall["p50"], "ms", database=database,
           baseline=baseline["p50"], baseline_name="/healthz")  # fmt: skip
    record(bench, "p95, all requests", overall["p95"], "ms", database=database,
           baseline=baseline["p95"], baseline_name="/healthz", aim=f"< {AIM_P95_MS} ms")  # fmt: skip
    record(bench, "p99, all requests", overall["p99"], "ms", database=database,
           baseline=baseline["p99"], baseline_name="/healthz")  # fmt: skip
    record(bench, "failures", overall["failures"], "requests", database=database, aim="0")
    for r in rows:
        if r["name"].split(":")[0] in ("field report", "ledger", "ingestion", "dashboard"):
            record(bench, f"p95 {r['name']}", r["p95"], "ms", database=database,
                   baseline=baseline["p95"], baseline_name="/healthz")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
