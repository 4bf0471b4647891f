"""Gunicorn settings for Anlan (``gunicorn -c deploy/gunicorn.conf.py anlan.wsgi``).

Every value can be changed from the environment (systemd ``EnvironmentFile=``) without editing
this file; the defaults suit one web machine behind nginx (deploy/nginx/anlan.conf):

  ANLAN_GUNICORN_BIND       unix:/run/anlan/gunicorn.sock   where nginx reaches gunicorn (a Unix
                            socket, or host:port; comma-separated for several)
  ANLAN_GUNICORN_WORKERS    2 × cores + 1                   processes
  ANLAN_GUNICORN_THREADS    1                               threads per process (> 1: gthread)
  ANLAN_GUNICORN_TIMEOUT    60                              seconds a request may take (a
                            200,000-row export streams for about 30 s)
  ANLAN_GUNICORN_MAX_REQUESTS 1000                          recycle a worker after this many
                            requests (plus up to 10 % jitter); 0: never
  ANLAN_GUNICORN_ACCESS_LOG -                               access log file ('-': stdout, i.e.
                            the journal; '' turns it off — nginx keeps one too)
  ANLAN_GUNICORN_PIDFILE    (none)                          write the master's pid here
  ANLAN_LOG_LEVEL           INFO                            as for the application

Sync workers are right behind nginx, which buffers slow clients; each worker (× thread) holds
one database connection at most, so the PostgreSQL ``max_connections`` must exceed the sum over
the web machines (plus the worker and the ingestion consumers).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = [
    address.strip()
    for address in os.environ.get("ANLAN_GUNICORN_BIND", "unix:/run/anlan/gunicorn.sock").split(",")
    if address.strip()
]
workers = _int("ANLAN_GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("ANLAN_GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("ANLAN_GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
max_requests = _int("ANLAN_GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# Each worker imports the application itself, so `systemctl reload` (HUP) brings new code in
# without dropping requests; no database connection is ever shared across a fork.
preload_app = False
# nginx sends X-Forwarded-Proto; requests over the Unix socket are trusted by gunicorn for it
# (request.is_secure() is then true behind TLS). Over TCP, name the proxy's addresses here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request limits: nginx refuses first (client_max_body_size); these only bound headers.
limit_request_line = 8190
limit_request_field_size = 8190

loglevel = os.environ.get("ANLAN_LOG_LEVEL", "INFO").lower()
errorlog = "-"
accesslog = os.environ.get("ANLAN_GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
pidfile = os.environ.get("ANLAN_GUNICORN_PIDFILE") or None
proc_name = "anlan"
wsgi_app = "anlan.wsgi:application"
