"""PostgreSQL is restarted — once cleanly (``pg_ctl stop -m fast``), once as a crash
(``-m immediate``) — while gunicorn serves hazard reports from several clients at once.

Requests that meet the outage get a clean 503 "database unavailable, try again" (JSON for the
API, a page for the site), never a 500; requests after it succeed again without restarting
gunicorn (its persistent connections are health-checked); and every record is whole: each
report answered 201 exists, and no hazard lacks its code or its first timeline entry.

PostgreSQL only (SQLite has no server to restart); it runs in the PostgreSQL pass, where
scripts/with_postgres.sh exports the cluster's PGDATA."""

import glob
import json
import os
import pwd
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .conftest import Gunicorn, is_postgres, server_env, setup_data, wait_until

pytestmark = pytest.mark.skipif(
    not is_postgres(), reason="restarts the PostgreSQL server: runs in the PostgreSQL pass"
)

WRITERS = 4
UNAVAILABLE = "数据库暂时不可用"


class Cluster:
    """The running cluster (scripts/with_postgres.sh's), driven with pg_ctl as its owner."""

    def __init__(self):
        data = os.environ.get("PGDATA") or os.path.join(os.environ.get("PGHOST", ""), "data")
        if not os.path.isfile(os.path.join(data, "postmaster.pid")):
            pytest.fail(
                "the PostgreSQL pass must expose its cluster (PGDATA): run it through "
                "scripts/with_postgres.sh"
            )
        self.data = Path(data)
        self.pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
        owner = pwd.getpwuid(self.data.stat().st_uid).pw_name
        self.as_owner = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 else []

    def _ctl(self, *args):
        subprocess.run(
            [*self.as_owner, self.pg_ctl, "-D", str(self.data), "-w", "-t", "60", "-s", *args],
            cwd=self.data.parent,
            check=True,
            timeout=90,
        )

    def stop(self, mode: str):
        self._ctl("-m", mode, "stop")

    def start(self):
        self._ctl("-l", str(self.data.parent / "postgres.log"), "start")


@pytest.fixture
def cluster():
    running = Cluster()
    yield running
    if not (running.data / "postmaster.pid").exists():
        running.start()  # never leave the rest of the run without its database
    from django.db import connections

    connections.close_all()  # this process's connection died with the restart


def test_a_postgres_restart_under_load_fails_requests_cleanly_and_they_recover(
    tmp_path, server_db, cluster, processes
):
    # Each commit is durable even through the crash-like restart (the throwaway cluster runs
    # with synchronous_commit off for speed; production keeps it on).
    url = server_db.url + "?" + urlencode({"options": "-c synchronous_commit=on"})
    env = server_env(tmp_path, url, ANLAN_DB_CONN_MAX_AGE=600)
    made = setup_data(env, "reporters")
    site = Gunicorn(env, tmp_path / "gunicorn.log", workers=2, threads=WRITERS)
    processes.append(site)
    site.start()
    headers = {"Authorization": f"Bearer {made['token']}", "Content-Type": "application/json"}

    answers: list[tuple[float, str, int | None, dict, bytes]] = []  # (time, what, status, …)
    spans: list[tuple[float, float, int | None]] = []  # (sent, answered, status)
    stop = threading.Event()

    def writer(n):
        i = 0
        while not stop.is_set():
            text = f"重启测试 {n}-{i}"
            body = json.dumps(
                {
                    "enterprise": made["enterprise"],
                    "description": text,
                    "category": "equipment",
                    "channel": "self_inspection",
                }
            )
            start = time.monotonic()
            status, head, answer = site.request("POST", "/api/hazards", body=body, headers=headers)
            answers.append((time.monotonic(), text, status, head, answer))
            spans.append((start, time.monotonic(), status))
            i += 1
            time.sleep(0.01)

    def reader():
        while not stop.is_set():
            start = time.monotonic()
            status, head, answer = site.request("GET", "/portal/warnings/")
            answers.append((time.monotonic(), "page", status, head, answer))
            spans.append((start, time.monotonic(), status))
            time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    threads.append(threading.Thread(target=reader))
    restarts = []
    for thread in threads:
        thread.start()
    try:
        for mode in ("fast", "immediate"):
            time.sleep(1.5)
            down = time.monotonic()
            cluster.stop(mode)
            time.sleep(1.5)  # the outage: every request meets it
            cluster.start()
            restarts.append((down, time.monotonic()))
        time.sleep(2.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)

    # Every request was answered: 2xx, or 503 while the database was away; never a 500.
    statuses = {status for _, _, status, _, _ in answers}
    assert statuses <= {200, 201, 503}, (
        sorted(statuses, key=str),
        [(what, s, a[-300:]) for _, what, s, _, a in answers if s not in {200, 201, 503}],
        site.log_text(),
    )
    unavailable = [a for a in answers if a[2] == 503]
    assert unavailable, "no request met the outage"
    for _, what, _, head, answer in unavailable:
        assert head.get("Retry-After"), head
        text = answer.decode()
        if what == "page":
            assert head["Content-Type"].startswith("text/html") and UNAVAILABLE in text, text
        else:
            assert UNAVAILABLE in json.loads(text)["detail"], text
    assert {what == "page" for _, what, *_ in unavailable} == {True, False}
    # Each outage was met, and once the database was back requests succeeded again.
    for down, up in restarts:
        assert any(s == 503 and end >= down and start <= up + 0.5 for start, end, s in spans)
        assert any(t > up and s == 201 for t, _, s, _, _ in answers)
    settled = restarts[-1][1] + 1.0
    late = [s for t, what, s, _, _ in answers if t > settled]
    assert late and set(late) <= {200, 201}, late

    # Every 201 is a stored, whole record; no record is half-written.
    created = {what: json.loads(answer)["code"] for _, what, s, _, answer in answers if s == 201}
    stored = dict(
        server_db.rows(
            "SELECT description, code FROM hazards_hazard WHERE description LIKE ?", ("重启测试%",)
        )
    )
    assert created.items() <= stored.items()
    assert (
        server_db.rows(
            "SELECT h.id FROM hazards_hazard h WHERE h.code IS NULL OR h.code = '' OR "
            "(SELECT COUNT(*) FROM hazards_hazardtransition t WHERE t.hazard_id = h.id) <> 1"
        )
        == []
    )
    log = site.log_text()
    assert "Database unavailable during POST /api/hazards" in log
    assert "Traceback" not in log  # one line per failed request, not a traceback
    wait_until(lambda: site.status("/healthz") == 200, 10, "the site to be healthy")
