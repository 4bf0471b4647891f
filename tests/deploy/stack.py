"""The production stack of deploy/ started for real on loopback: a database of its own
(a SQLite file, or a fresh database in the PostgreSQL cluster of DATABASE_URL), Redis on a Unix
socket, gunicorn with deploy/gunicorn.conf.py and several workers on a Unix socket, nginx with
deploy/nginx/anlan.conf behind a self-signed certificate. Used by
tests/deploy/test_production_stack.py and bench/load.py.

deploy/nginx/anlan.conf is used as written except for the strings in ``NGINX_PLACEHOLDERS``
(host name, ports, certificate, static folder, gunicorn's socket, log files), which are
replaced; a placeholder missing from the file is an error, so the two cannot drift apart."""

from __future__ import annotations

import datetime
import getpass
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"

NGINX_PLACEHOLDERS = (
    "anlan.example.gov.cn",
    "listen 80;",
    "listen 443 ssl http2;",
    "/etc/anlan/tls/anlan.crt",
    "/etc/anlan/tls/anlan.key",
    "/srv/anlan/var/static/",
    "unix:/run/anlan/gunicorn.sock",
    "/var/log/nginx/anlan.",
)


def nginx_available() -> bool:
    return os.access(NGINX, os.X_OK)


def redis_available() -> bool:
    return os.access(REDIS, os.X_OK)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_nginx(text: str, values: dict[str, str]) -> str:
    """deploy/nginx/anlan.conf with each placeholder replaced by ``values[placeholder]``."""
    assert set(values) == set(NGINX_PLACEHOLDERS), set(values) ^ set(NGINX_PLACEHOLDERS)
    for placeholder, value in values.items():
        if placeholder not in text:
            raise ValueError(f"deploy/nginx/anlan.conf no longer contains {placeholder!r}")
        text = text.replace(placeholder, value)
    for production_path in ("/srv/anlan", "/etc/anlan", "/run/anlan", "/var/log/nginx"):
        if production_path in text:
            raise ValueError(f"deploy/nginx/anlan.conf has a new {production_path} path")
    return text


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost (its own CA), and its key."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tls.crt", folder / "tls.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def _wait(check, what: str, timeout: float, process: subprocess.Popen | None = None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode}):\n{_tail(log)}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s:\n{_tail(log)}")


def _tail(path: Path | None, lines: int = 40) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def database(folder: Path):
    """A database URL of its own: a SQLite file in ``folder``, or, when DATABASE_URL names a
    PostgreSQL server, a new database there (dropped afterwards)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / 'anlan.sqlite3'}"
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"anlan_stack_{secrets.token_hex(4)}"
    admin = psycopg.connect(
        host=urllib.parse.unquote(parts.hostname or "") or None,
        port=parts.port,
        user=urllib.parse.unquote(parts.username or "") or None,
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
    )
    # The socket folder of scripts/with_postgres.sh is in the host part, %-encoded.
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@dataclass
class Stack:
    folder: Path
    env: dict[str, str]
    https_port: int = 0
    http_port: int = 0
    cert: Path | None = None
    gunicorn: subprocess.Popen | None = None
    nginx: subprocess.Popen | None = None
    processes: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def manage(self, *args: str, input: str | None = None) -> str:
        """Run ``manage.py`` with the stack's environment; its standard output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def gunicorn_workers(self) -> int:
        """How many worker processes the gunicorn master has now."""
        count = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            count += int(fields[1]) == self.gunicorn.pid
        return count


def app_environment(folder: Path, database_url: str, redis_url: str | None) -> dict[str, str]:
    """The settings of a production run (no insecure key, secure cookies) in ``folder``."""
    from cryptography.fernet import Fernet

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANLAN_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "ANLAN_SECRET_KEY": secrets.token_urlsafe(50),
            "ANLAN_IDENTITY_KEYS": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ANLAN_VAR_DIR": str(folder / "var"),
            "ANLAN_STATIC_ROOT": str(folder / "static"),
            "ANLAN_MEDIA_ROOT": str(folder / "media"),
            "ANLAN_TRUST_X_FORWARDED_FOR": "true",
            "ANLAN_STATIC_MANIFEST": "true",
            "ANLAN_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    if redis_url:
        env["ANLAN_REDIS_URL"] = redis_url
    (folder / "var").mkdir(exist_ok=True)
    (folder / "media").mkdir(exist_ok=True)
    return env


@contextmanager
def redis_server(folder: Path):
    """redis-server on a Unix socket in ``folder`` (no TCP, no persistence); its URL."""
    sock = folder / "redis.sock"
    log = folder / "redis.log"
    process = subprocess.Popen(
        [REDIS, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--dir", str(folder), "--logfile", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait(sock.exists, "redis-server", 15, process, log)
        yield f"unix://{sock}?db=0"
    finally:
        _stop(process)


@contextmanager
def production_stack(
    *, workers: int | None = 3, with_redis: bool = True, prepare=None, extra_env=None
):
    """Start the whole stack; yields a ``Stack`` whose ``url`` is nginx's HTTPS address.
    ``prepare(stack)`` runs after the migrations, before gunicorn starts; ``workers=None``
    leaves the number to deploy/gunicorn.conf.py (2 × cores + 1); ``extra_env`` adds settings."""
    with ExitStack() as stack:
        # Short: Unix socket paths are limited to about 100 bytes.
        folder = Path(tempfile.mkdtemp(prefix="anlan-stack-", dir="/tmp"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        folder.chmod(0o755)
        database_url = stack.enter_context(database(folder))
        redis_url = stack.enter_context(redis_server(folder)) if with_redis else None
        run = Stack(folder=folder, env=app_environment(folder, database_url, redis_url))
        run.env.update(extra_env or {})
        run.manage("migrate", "--verbosity", "0")
        run.manage("collectstatic", "--noinput", "--verbosity", "0")
        if prepare is not None:
            prepare(run)

        sock = folder / "gunicorn.sock"
        gunicorn_log = folder / "gunicorn.log"
        env = {
            **run.env,
            "ANLAN_GUNICORN_BIND": f"unix:{sock}",
            "ANLAN_GUNICORN_ACCESS_LOG": "",
        }
        if workers is not None:
            env["ANLAN_GUNICORN_WORKERS"] = str(workers)
        with open(gunicorn_log, "wb") as log:
            run.gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        stack.callback(_stop, run.gunicorn, signal.SIGQUIT)  # quick shutdown
        _wait(sock.exists, "gunicorn", 60, run.gunicorn, gunicorn_log)

        run.cert, key = self_signed_certificate(folder)
        run.http_port, run.https_port = free_port(), free_port()
        site = render_nginx(
            (DEPLOY / "nginx" / "anlan.conf").read_text(),
            {
                "anlan.example.gov.cn": "127.0.0.1",
                "listen 80;": f"listen 127.0.0.1:{run.http_port};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{run.https_port} ssl http2;",
                "/etc/anlan/tls/anlan.crt": str(run.cert),
                "/etc/anlan/tls/anlan.key": str(key),
                "/srv/anlan/var/static/": f"{folder / 'static'}/",
                "unix:/run/anlan/gunicorn.sock": f"unix:{sock}",
                "/var/log/nginx/anlan.": f"{folder}/nginx-anlan.",
            },
        )
        (folder / "anlan.conf").write_text(site)
        temp = folder / "nginx-temp"
        temp.mkdir()
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"""{user}
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/anlan.conf;
}}
"""
        )
        nginx_log = folder / "nginx-error.log"
        run.nginx = subprocess.Popen(
            [NGINX, "-p", str(folder), "-e", str(nginx_log), "-c", str(folder / "nginx.conf"),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        stack.callback(_stop, run.nginx)  # fast shutdown

        context = ssl.create_default_context(cafile=str(run.cert))

        def healthy() -> bool:
            with socket.create_connection(("127.0.0.1", run.https_port), timeout=2) as raw:
                with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                    tls.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    return b" 200 " in tls.recv(200)

        _wait(healthy, "nginx in front of gunicorn", 60, run.nginx, nginx_log)
        yield run
