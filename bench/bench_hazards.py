"""Hazard ledger API at scale.

Fills N hazards (default 1,000,000) over N/10 enterprises, then measures, in one process, the
API as a client would call it and the raw SQL of the same query:
  list     GET /api/hazards?status=rectifying&limit=25   (filter + page + total count)
  detail   GET /api/hazards/{id}
  counts   GET /api/hazards/counts                        (per status, and overdue)
It prints p50 / p95 per operation, for the API and the raw SQL, and their ratio.
Aim (issue #3): API p95 <= 50 ms and <= 3x the raw SQL.

Run: make bench-hazards / make bench-hazards-postgres
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

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from anlan.core.choices import UserRole  # noqa: E402
from anlan.core.models import ApiToken, Region, User  # noqa: E402
from anlan.core.validators import USCC_ALPHABET, uscc_check_char  # noqa: E402
from anlan.hazards.choices import HazardCategory, HazardChannel, HazardStatus  # noqa: E402
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
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
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


def main() -> None:
    call_command("migrate", verbosity=0)
    seconds = fill()
    admin = User.objects.create(username="bench", role=UserRole.SYSTEM_ADMIN, is_superuser=True)
    _, raw = ApiToken.issue(user=admin, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_HOST="localhost")
    some_id = Hazard.objects.order_by("pk").values_list("pk", flat=True)[TOTAL // 2]
    table = Hazard._meta.db_table
    today = timezone.localdate()

    def api(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, response.content[:200]

        return call

    def sql(query, params):
        def call():
            with connection.cursor() as cursor:
                for q, p in zip(query, params, strict=True):
                    cursor.execute(q, p)
                    cursor.fetchall()

        return call

    cases = {
        "list (filter + page)": (
            api("/api/hazards?status=rectifying&limit=25"),
            sql(
                [
                    f"SELECT * FROM {table} WHERE status = %s ORDER BY found_at DESC, id DESC LIMIT 25",
                    f"SELECT COUNT(*) FROM {table} WHERE status = %s",
                ],
                [["rectifying"], ["rectifying"]],
            ),
        ),
        "detail": (
            api(f"/api/hazards/{some_id}"),
            # The same rows the detail answer is made of: the hazard with its region and
            # enterprise, plan, listing, extensions, timeline and attachments.
            sql(
                [
                    f"SELECT * FROM {table} h JOIN core_region r ON r.id = h.region_id "
                    "LEFT JOIN registry_enterprise e ON e.id = h.enterprise_id "
                    "LEFT JOIN hazards_rectificationplan p ON p.hazard_id = h.id "
                    "LEFT JOIN hazards_supervisionlisting l ON l.hazard_id = h.id WHERE h.id = %s",
                    "SELECT * FROM hazards_deadlineextension WHERE hazard_id = %s",
                    "SELECT * FROM hazards_hazardtransition WHERE hazard_id = %s",
                    "SELECT * FROM hazards_hazardattachment WHERE hazard_id = %s",
                ],
                [[some_id]] * 4,
            ),
        ),
        "counts per status": (
            api("/api/hazards/counts"),
            sql(
                [
                    f"SELECT status, COUNT(*) FROM {table} GROUP BY status",
                    f"SELECT COUNT(*) FROM {table} WHERE status IN (%s, %s, %s) AND deadline < %s",
                ],
                [[], ["assigned", "rectifying", "acceptance_requested", today]],
            ),
        ),
    }
    print(
        f"hazards: {TOTAL:,}  enterprises: {TOTAL // 10:,}  database: {connection.vendor}  fill: {seconds:.0f} s"
    )
    print(
        f"{'operation':24} {'API p50':>9} {'API p95':>9} {'SQL p50':>9} {'SQL p95':>9} {'ratio p95':>10}"
    )
    for name, (api_call, sql_call) in cases.items():
        a, s = timed(api_call), timed(sql_call)
        print(
            f"{name:24} {pct(a, 50):8.1f}ms {pct(a, 95):8.1f}ms {pct(s, 50):8.1f}ms {pct(s, 95):8.1f}ms "
            f"{pct(a, 95) / max(pct(s, 95), 0.001):9.1f}x"
        )
    print(f"p = percentile over {ROUNDS} calls each; aim: API p95 <= 50 ms and <= 3x raw SQL")


if __name__ == "__main__":
    main()
