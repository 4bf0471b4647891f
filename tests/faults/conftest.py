"""Real components for the fault tests, all on loopback and in temporary folders: the servers'
own database, a gunicorn serving Anlan, an ``anlan worker`` (huey consumer) and a redis-server.

The servers run as subprocesses with the production settings (``anlan.settings``), so they
cannot use pytest-django's test database when it is in-memory SQLite: on SQLite they get a file
copied from the (migrated) test database once per session and copied again for each test; on PostgreSQL a database created from the
test database as a template, dropped afterwards."""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from anlan.monitoring.broker import free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout: float, what: str, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(
        f"timed out after {timeout}s waiting for {what}" + (f"\n{log()}" if log else "")
    )


# ---------------------------------------------------------------- the servers' database


def _pg_params():
    from django.conf import settings

    params = settings.DATABASES["default"]
    return {
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
    }


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, django_db_setup, django_db_blocker):
    """The migrated in-memory test database, copied to a file once per session (SQLite's backup
    API; migrating a new file would take ~15 s)."""
    from django.db import connection

    path = tmp_path_factory.mktemp("faults-template") / "template.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return path


class ServerDatabase:
    """The database the subprocesses use, and plain SQL on it for the assertions."""

    def __init__(self, tmp_path, template: Path | None):
        self.postgres = is_postgres()
        if self.postgres:
            import psycopg
            from django.conf import settings
            from django.db import connections

            self.name = f"anlan_fault_{uuid.uuid4().hex[:8]}"
            test_name = settings.DATABASES["default"]["NAME"]
            base = os.environ["DATABASE_URL"]
            self.url = urlsplit(base)._replace(path=f"/{self.name}").geturl()
            connections.close_all()  # a template must have no other session
            with self._admin() as admin:
                try:
                    admin.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{test_name}"')
                except psycopg.errors.ObjectInUse:
                    # A connection left by a thread of an earlier test (the threads are gone;
                    # their connections wait for the garbage collector): end them.
                    gc.collect()
                    admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        (test_name,),
                    )
                    admin.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{test_name}"')
        else:
            self.file = tmp_path / "server.sqlite3"
            shutil.copy(template, self.file)
            self.url = f"sqlite:///{self.file}"

    def _admin(self):
        import psycopg

        return psycopg.connect(dbname="postgres", autocommit=True, **_pg_params())

    def rows(self, sql: str, params=()) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(dbname=self.name, connect_timeout=5, **_pg_params()) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.file, timeout=20) as conn:
            return conn.execute(sql, params).fetchall()

    def value(self, sql: str, params=()):
        return self.rows(sql, params)[0][0]

    def drop(self):
        if self.postgres:
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def server_db(request, tmp_path):
    template = None if is_postgres() else request.getfixturevalue("sqlite_template")
    db = ServerDatabase(tmp_path, template)
    yield db
    db.drop()


def server_env(folder: Path, database_url: str, **extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "anlan.settings",
        "ANLAN_ALLOW_INSECURE_KEY": "1",
        "ANLAN_VAR_DIR": str(folder / "var"),
        "ANLAN_MEDIA_ROOT": str(folder / "media"),
        "ANLAN_HUEY_FILE": str(folder / "huey.sqlite3"),
        "PYTHONPATH": str(ROOT),
        "LANGUAGE_CODE": "zh-hans",
        "ANLAN_LOG_LEVEL": "WARNING",
    }
    env.pop("ANLAN_DEBUG", None)
    env.pop("ANLAN_HUEY_IMMEDIATE", None)
    env.pop("ANLAN_REDIS_URL", None)
    env.update({k: str(v) for k, v in extra.items()})
    (folder / "var").mkdir(exist_ok=True)
    return env


def setup_data(env: dict, *args) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.setup_data", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- processes


class Process:
    """A subprocess whose output goes to a log file."""

    def __init__(self, args: list[str], env: dict, log: Path):
        self.args, self.env, self.log = args, env, log
        self.process: subprocess.Popen | None = None

    def start(self):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.args,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    def log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-6000:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL, as the out-of-memory killer or a power cut would."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class Gunicorn(Process):
    def __init__(self, env: dict, log: Path, *, workers: int = 2, threads: int = 4):
        self.port = free_port()
        super().__init__(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "anlan.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            env,
            log,
        )

    def start(self):
        super().start()
        wait_until(
            lambda: self.status("/static/anlan/anlan.css") == 200,
            60,
            "gunicorn to serve",
            self.log_text,
        )
        return self

    def status(self, path: str) -> int | None:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", path)
            return conn.getresponse().status
        except (OSError, http.client.HTTPException):
            return None
        finally:
            conn.close()

    def request(self, method, path, *, body=None, headers=None, timeout=30):
        """(status, headers, body bytes), or (None, {}, error text) when nothing answered."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        except (OSError, http.client.HTTPException) as exc:
            return None, {}, repr(exc).encode()
        finally:
            conn.close()


class Worker(Process):
    """``anlan worker`` (huey's consumer, ``manage.py run_huey``)."""

    def __init__(self, env: dict, log: Path):
        super().__init__([sys.executable, "manage.py", "run_huey"], env, log)


class RedisServer:
    """A throwaway redis-server on loopback (no persistence: a restart empties it, as a Redis
    without AOF loses its queue). Redis cannot pick a free port itself, so one is picked by
    binding a socket first."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        with (self.folder / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.folder),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        wait_until(lambda: _accepts(self.port), 10, "redis-server to listen")
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        wait_until(lambda: not _accepts(self.port), 10, "redis-server to stop")


@pytest.fixture
def processes():
    """Every process a test starts is registered here and stopped afterwards."""
    started: list = []
    yield started
    for process in reversed(started):
        try:
            process.stop()
        except Exception:  # noqa: BLE001 (clean-up: keep stopping the others)
            pass


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None):
    """(body, content type) of a multipart/form-data request."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in (files or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
