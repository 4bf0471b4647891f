"""Hazard ledger API at scale.

Fills N hazards (default 1,000,000) over N/10 enterprises, then measures, in one process, the
API as a client would call it and the raw SQL of the same queries (built from the same
querysets, so the baseline does the same work without Django around it):
  list     GET /api/hazards?status=rectifying&limit=25   (filter + page + total count)
  detail   GET /api/hazards/{id}
  counts   GET /api/hazards/counts                        (per status, and overdue)
as the system administrator (everything) and as the Lingshi county regulator (one county).
Totals and counts are exact up to ANLAN_EXACT_COUNT_LIMIT rows and "more than" above it
(anlan/hazards/counts.py); the exact COUNT / GROUP BY they replace are timed for reference.
It prints p50 / p95 per operation, for the API and the raw SQL, and their ratio.
Aim (issue #3): API p95 <= 50 ms and <= 3x the raw SQL.

Run: make bench / make bench-postgres
     (or: BENCH_HAZARDS=100000 ANLAN_ALLOW_INSECURE_KEY=1 .venv/bin/python bench/bench_hazards.py)
"""

import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
tmp = tempfile.mkdtemp(prefix="anlan-bench-")
os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from anlan.core.choices import UserRole  # noqa: E402
from anlan.core.models import ApiToken, Region, User  # noqa: E402
from anlan.core.validators import USCC_ALPHABET, uscc_check_char  # noqa: E402
from anlan.hazards.choices import (  # noqa: E402
    DEADLINE_STATUSES,
    HazardCategory,
    HazardChannel,
    HazardStatus,
)
from anlan.hazards.models import Hazard  # noqa: E402
from anlan.registry.models import Enterprise  # noqa: E402

TOTAL = int(os.environ.get("BENCH_HAZARDS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
BATCH = 5000


def uscc(n: int, county: str) -> str:
    body = ""
    for _ in range(9):
        body = USCC_ALPHABET[n % 31] + body
        n //= 31
    first17 = "91" + county + body
    return first17 + uscc_check_char(first17)


def fill() -> float:
    start = time.perf_counter()
    rng = random.Random(7)
    counties = list(Region.objects.filter(level="county"))
    enterprises = []
    for i in range(TOTAL // 10):
        county = counties[i % len(counties)]
        enterprises.append(
            Enterprise(
                name=f"基准企业{i}", uscc=uscc(i + 1, county.code), industry="other", region=county
            )
        )
    with transaction.atomic():
        Enterprise.objects.bulk_create(enterprises, batch_size=BATCH)
    enterprises = list(Enterprise.objects.values_list("pk", "region_id"))
    statuses = HazardStatus.values
    categories, channels = HazardCategory.values, HazardChannel.values
    now = timezone.now()
    today = timezone.localdate()
    for start_at in range(0, TOTAL, BATCH):
        rows = []
        for n in range(start_at, min(start_at + BATCH, TOTAL)):
            enterprise_id, region_id = enterprises[n % len(enterprises)]
            status = statuses[rng.randrange(len(statuses))]
            rows.append(
                Hazard(
                    code=f"YH2026{n + 1:08d}",
                    enterprise_id=enterprise_id,
                    region_id=region_id,
                    description=f"基准隐患 {n}",
                    category=categories[n % len(categories)],
                    level="major" if n % 50 == 0 else "general",
                    channel=channels[n % len(channels)],
                    status=status,
                    found_at=now - timedelta(minutes=n),
                    deadline=today + timedelta(days=rng.randint(-30, 60))
                    if status in ("assigned", "rectifying", "acceptance_requested")
                    else None,
                )
            )
        with transaction.atomic():
            Hazard.objects.bulk_create(rows, batch_size=BATCH)
    if connection.vendor == "postgresql":
        # What autovacuum does to a table soon after a bulk load (PostgreSQL 13+ also vacuums
        # after inserts): statistics, and the visibility map that lets counts read the index
        # alone. Without it every counted row costs a heap visit (see bench/README.md).
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE" if os.environ.get("BENCH_VACUUM", "1") == "1" else "ANALYZE"
            )
    return time.perf_counter() - start


def timed(fn, rounds=ROUNDS) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def raw(qs) -> tuple[str, list]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def capped(qs, limit) -> tuple[str, list]:
    """The SQL of ``counts.capped_count``: COUNT(*) over at most limit + 1 ids."""
    sql, params = raw(qs.order_by().values("pk")[: limit + 1])
    return f"SELECT COUNT(*) FROM ({sql}) capped", params


def ledger_sql(qs, limit, *, page=None) -> list[tuple[str, list]]:
    """The queries the API runs for ``qs``, as raw SQL: a page of 25 and its capped total, or
    the ledger counts (overdue, the whole set, then each status up to the limit)."""
    if page is not None:
        return [raw(page[:25]), capped(qs, limit)]
    today = timezone.localdate()
    queries = [capped(qs, limit)]
    if qs.order_by()[: limit + 1].count() <= limit:
        overdue = Q(status__in=DEADLINE_STATUSES, deadline__lt=today)
        rows = qs.order_by().values_list("status")
        queries.append(raw(rows.annotate(n=Count("pk"), overdue=Count("pk", filter=overdue))))
    else:
        queries += [capped(qs.filter(status=s), limit) for s in HazardStatus.values]
        queries.append(capped(qs.overdue(today), limit))
    return queries


def main() -> None:
    call_command("migrate", verbosity=0)
    seconds = fill()
    admin = User.objects.create(username="bench", role=UserRole.SYSTEM_ADMIN, is_superuser=True)
    county = Region.objects.get(code="140729")
    regulator = User.objects.create(
        username="bench-county", role=UserRole.COUNTY_REGULATOR, region=county
    )
    clients = {}
    for user in (admin, regulator):
        _, token = ApiToken.issue(user=user, name="bench")
        clients[user] = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="localhost")
    some_id = Hazard.objects.order_by("pk").values_list("pk", flat=True)[TOTAL // 2]
    table = Hazard._meta.db_table
    today = timezone.localdate()
    limit = settings.ANLAN_EXACT_COUNT_LIMIT

    def api(url, user=admin):
        client = clients[user]

        def call():
            response = client.get(url)
            assert response.status_code == 200, response.content[:200]

        return call

    def sql(queries):
        def call():
            with connection.cursor() as cursor:
                for q, p in queries:
                    cursor.execute(q, p)
                    cursor.fetchall()

        return call

    def visible(user):
        return Hazard.objects.visible_to(user).select_related("region", "enterprise")

    rectifying = visible(admin).filter(status="rectifying").order_by("-found_at", "-pk")
    county_rectifying = visible(regulator).filter(status="rectifying").order_by("-found_at", "-pk")
    cases = {
        "list (filter + page)": (
            api("/api/hazards?status=rectifying&limit=25"),
            sql(ledger_sql(rectifying, limit, page=rectifying)),
        ),
        "detail": (
            api(f"/api/hazards/{some_id}"),
            # The same rows the detail answer is made of: the hazard with its region and
            # enterprise, plan, listing, extensions, timeline and attachments.
            sql(
                [
                    (
                        f"SELECT * FROM {table} h JOIN core_region r ON r.id = h.region_id "
                        "LEFT JOIN registry_enterprise e ON e.id = h.enterprise_id "
                        "LEFT JOIN hazards_rectificationplan p ON p.hazard_id = h.id "
                        "LEFT JOIN hazards_supervisionlisting l ON l.hazard_id = h.id "
                        "WHERE h.id = %s",
                        [some_id],
                    ),
                    ("SELECT * FROM hazards_deadlineextension WHERE hazard_id = %s", [some_id]),
                    ("SELECT * FROM hazards_hazardtransition WHERE hazard_id = %s", [some_id]),
                    ("SELECT * FROM hazards_hazardattachment WHERE hazard_id = %s", [some_id]),
                ]
            ),
        ),
        "counts per status": (
            api("/api/hazards/counts"),
            sql(ledger_sql(Hazard.objects.all(), limit)),
        ),
        "county: list": (
            api("/api/hazards?status=rectifying&limit=25", regulator),
            sql(ledger_sql(county_rectifying, limit, page=county_rectifying)),
        ),
        "county: counts": (
            api("/api/hazards/counts", regulator),
            sql(ledger_sql(Hazard.objects.visible_to(regulator), limit)),
        ),
    }
    # What exact counts would cost (the previous method), for reference: raw SQL only.
    exact = {
        "exact COUNT, one status": sql(
            [(f"SELECT COUNT(*) FROM {table} WHERE status = %s", ["rectifying"])]
        ),
        "exact GROUP BY status": sql(
            [
                (f"SELECT status, COUNT(*) FROM {table} GROUP BY status", []),
                (
                    f"SELECT COUNT(*) FROM {table} WHERE status IN (%s, %s, %s) AND deadline < %s",
                    ["assigned", "rectifying", "acceptance_requested", today],
                ),
            ]
        ),
    }
    print(
        f"hazards: {TOTAL:,}  enterprises: {TOTAL // 10:,}  database: {connection.vendor}  "
        f"fill: {seconds:.0f} s  exact-count limit: {limit:,}  "
        f"county 140729: {Hazard.objects.visible_to(regulator).count():,} hazards"
    )
    print(
        f"{'operation':24} {'API p50':>9} {'API p95':>9} {'SQL p50':>9} {'SQL p95':>9} {'ratio p95':>10}"
    )
    from benchtable import record

    for name, (api_call, sql_call) in cases.items():
        a, s = timed(api_call), timed(sql_call)
        record(
            "Hazard ledger API",
            f"{name} p95 ({TOTAL:,} hazards)",
            pct(a, 95),
            "ms",
            baseline=pct(s, 95),
            baseline_name="raw SQL",
            aim="≤ 50 ms, ≤ 3× SQL",
        )
        print(
            f"{name:24} {pct(a, 50):8.1f}ms {pct(a, 95):8.1f}ms {pct(s, 50):8.1f}ms {pct(s, 95):8.1f}ms "
            f"{pct(a, 95) / max(pct(s, 95), 0.001):9.1f}x"
        )
    for name, sql_call in exact.items():
        s = timed(sql_call, rounds=max(20, ROUNDS // 5))
        print(f"{name:24} {'':9} {'':9} {pct(s, 50):8.1f}ms {pct(s, 95):8.1f}ms   (reference)")
    print(f"p = percentile over {ROUNDS} calls each; aim: API p95 <= 50 ms and <= 3x raw SQL")


if __name__ == "__main__":
    main()
