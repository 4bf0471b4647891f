"""The ingesting HTTP server is killed (SIGKILL) in the middle of a stream while the gateway
keeps retrying; after a restart every reading is stored exactly once.

The server is a real process (``manage.py runserver --noreload``) on a free port, against its
own database: a SQLite file in a temporary folder, or — when the tests run on PostgreSQL — a
fresh database on the same server, dropped afterwards."""

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from anlan.monitoring.broker import free_port

ROOT = Path(__file__).resolve().parents[2]
SENSORS = 20
BATCHES = 30
PER_BATCH = 50  # instants per batch: SENSORS * PER_BATCH readings a batch

SETUP = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from anlan.core.models import Region
from anlan.monitoring import services
from anlan.registry.models import Enterprise
from tests.factories import make_uscc
county = Region.objects.get(code="140729")
enterprise = Enterprise.objects.create(
    name="可靠性测试化工（演示）", uscc=make_uscc(county.code), industry="hazardous_chemicals",
    region=county, address="-", headcount=10,
)
gateway, token = services.create_gateway(user=None, enterprise=enterprise, name="网关", code="gw-k")
ids = {}
for i in range(int(sys.argv[1])):
    sensor = services.save_sensor(user=None, enterprise=enterprise, data={
        "gateway": gateway, "tag": f"FT-{i:02d}", "name": "流量", "kind": "flow", "unit": "m3/h",
        "range_min": 0, "range_max": 100, "limit_h": 90, "deadband": 1, "debounce_seconds": 0,
    })
    ids[sensor.tag] = sensor.pk
print(json.dumps({"token": token, "ids": ids}))
"""


class Database:
    """The server's own database, and how to read the readings back."""

    def __init__(self, tmp_path):
        self.base = os.environ.get("DATABASE_URL", "")
        self.postgres = self.base.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            self.name = f"anlan_kill_{uuid.uuid4().hex[:8]}"
            self.url = urlsplit(self.base)._replace(path=f"/{self.name}").geturl()
            with self._admin() as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.file = tmp_path / "server.sqlite3"
            self.url = f"sqlite:///{self.file}"

    def _admin(self):
        import psycopg
        from django.conf import settings

        params = settings.DATABASES["default"]
        return psycopg.connect(
            dbname="postgres",
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            autocommit=True,
        )

    def rows(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg
            from django.conf import settings

            params = settings.DATABASES["default"]
            with psycopg.connect(
                dbname=self.name,
                user=params["USER"] or None,
                password=params["PASSWORD"] or None,
                host=params["HOST"] or None,
                port=params["PORT"] or None,
            ) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.file) as conn:
            return conn.execute(sql).fetchall()

    def drop(self):
        if self.postgres:
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def server_db(tmp_path):
    db = Database(tmp_path)
    yield db
    db.drop()


class Server:
    def __init__(self, env, log):
        self.port = free_port()
        self.env, self.log = env, log
        self.process = None

    def start(self):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "runserver",
                    "--noreload",
                    "--skip-checks",
                    f"127.0.0.1:{self.port}",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def post(port, token, body) -> dict | None:
    """One attempt: the answer, or None when the server is gone or failed (5xx)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(
            "POST",
            "/api/monitoring/ingest",
            body=body,
            headers={"Content-Type": "application/json", "X-Gateway-Token": token},
        )
        response = conn.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()
    if response.status >= 500:
        return None
    assert response.status == 200, data
    return json.loads(data)


def test_killing_the_server_mid_stream_loses_and_duplicates_nothing(tmp_path, server_db):
    env = {
        **os.environ,
        "DATABASE_URL": server_db.url,
        "DJANGO_SETTINGS_MODULE": "anlan.settings",
        "ANLAN_ALLOW_INSECURE_KEY": "1",
        "ANLAN_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("ANLAN_DEBUG", None)
    (tmp_path / "var").mkdir()
    setup = subprocess.run(
        [sys.executable, "-c", SETUP, str(SENSORS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    made = json.loads(setup.stdout.strip().splitlines()[-1])
    token, ids = made["token"], made["ids"]

    server = Server(env, tmp_path / "server.log")
    server.start()
    t0 = int(time.time()) - 3600
    tags = sorted(ids)
    sent = set()
    answers = []
    in_flight = [threading.Event() for _ in range(BATCHES)]

    def stream():
        for b in range(BATCHES):
            instants = [t0 + b * PER_BATCH + k for k in range(PER_BATCH)]
            body = json.dumps(
                {
                    "tags": tags * PER_BATCH,
                    "ts": [t for t in instants for _ in tags],
                    "values": [float(b % 50)] * (len(tags) * PER_BATCH),
                }
            )
            sent.update((ids[tag], t * 1000) for t in instants for tag in tags)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                in_flight[b].set()
                answer = post(server.port, token, body)
                if answer is not None:
                    answers.append(answer)
                    break
                time.sleep(0.05)  # the gateway retries until the server is back
            else:
                raise AssertionError(f"batch {b} was never answered")

    client = threading.Thread(target=stream)
    try:
        client.start()
        for b, pause in ((8, 0.005), (20, 0.03)):  # twice, while a batch is being sent
            assert in_flight[b].wait(60), (tmp_path / "server.log").read_text()[-3000:]
            time.sleep(pause)
            server.kill()
            server.start()
        client.join(120)
        assert not client.is_alive()
    finally:
        server.stop()

    assert len(answers) == BATCHES
    total = BATCHES * PER_BATCH * SENSORS
    assert len(sent) == total
    count, distinct = server_db.rows(
        "SELECT COUNT(*), (SELECT COUNT(*) FROM (SELECT DISTINCT sensor_id, ts "
        "FROM monitoring_reading) d) FROM monitoring_reading"
    )[0]
    assert (count, distinct) == (total, total)
    assert set(server_db.rows("SELECT sensor_id, ts FROM monitoring_reading")) == sent
    # Each answer counted its batch: new readings plus any already stored before the kill.
    assert all(a["accepted"] + a["duplicates"] == SENSORS * PER_BATCH for a in answers)
