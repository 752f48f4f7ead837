"""Django settings, read from the environment in this one place.

Environment variables:
    BOKSLUT_DATA_DIR       where the embedded database and uploads live (default ./data)
    BOKSLUT_DATABASE_URL   database URL (default sqlite:///<data dir>/bokslut.sqlite3);
                           PostgreSQL as postgres://user@host:port/name
    BOKSLUT_SECRET_KEY     Django secret key (a development key is generated into the data dir)
    BOKSLUT_DEBUG          "1" for debug mode
    BOKSLUT_ALLOWED_HOSTS  comma-separated host names (default localhost,127.0.0.1)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Lets typed generics such as ModelAdmin[Client] work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("BOKSLUT_DATA_DIR", Path.cwd() / "data")).resolve()


def _secret_key() -> str:
    configured = os.environ.get("BOKSLUT_SECRET_KEY")
    if configured:
        return configured
    # A self-hosted install without configuration still gets a stable, private key.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("BOKSLUT_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("BOKSLUT_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "bokslut.firms",
    "bokslut.ledger",
    "bokslut.registers",
    "bokslut.integrations",
    "bokslut.sync",
    "bokslut.automation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bokslut.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "bokslut.wsgi.application"


def _database_url() -> str:
    return os.environ.get("BOKSLUT_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'bokslut.sqlite3'}"


DATABASES = {"default": dj_database_url.parse(_database_url(), conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes; a long timeout rides out
    # a worker's write transaction instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Background work. Embedded default: the database-backed queue on the same database
# (SQLite or PostgreSQL). Scale-out: BOKSLUT_TASKS_BACKEND=rq with Redis at BOKSLUT_REDIS_URL.
REDIS_URL = os.environ.get("BOKSLUT_REDIS_URL", "redis://127.0.0.1:6379/0")
_TASKS_BACKEND = os.environ.get("BOKSLUT_TASKS_BACKEND", "db")
if _TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif _TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ValueError(f"BOKSLUT_TASKS_BACKEND must be 'db' or 'rq', not {_TASKS_BACKEND!r}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BOKSLUT_LOG_LEVEL", "WARNING")},
}

# --- Fortnox integration (bokslut.integrations) -------------------------------------------
# App credentials and endpoints. The defaults are the local sandbox's (`bokslut sandbox`,
# port 8765, its documented test client); production sets the real Fortnox values.
BOKSLUT_FORTNOX_CLIENT_ID = os.environ.get("BOKSLUT_FORTNOX_CLIENT_ID", "bokslut-sandbox")
BOKSLUT_FORTNOX_CLIENT_SECRET = os.environ.get("BOKSLUT_FORTNOX_CLIENT_SECRET", "sandbox-secret")
BOKSLUT_FORTNOX_API_URL = os.environ.get("BOKSLUT_FORTNOX_API_URL", "http://127.0.0.1:8765/3/")
BOKSLUT_FORTNOX_OAUTH_URL = os.environ.get(
    "BOKSLUT_FORTNOX_OAUTH_URL", "http://127.0.0.1:8765/oauth-v1/"
)
BOKSLUT_FORTNOX_REDIRECT_URI = os.environ.get(
    "BOKSLUT_FORTNOX_REDIRECT_URI", "http://127.0.0.1:8000/integrations/fortnox/callback"
)
# Token encryption keys, comma-separated Fernet keys: the first encrypts, all decrypt.
# Empty: one key derived from SECRET_KEY (the embedded install).
BOKSLUT_FERNET_KEYS = [
    k.strip() for k in os.environ.get("BOKSLUT_FERNET_KEYS", "").split(",") if k.strip()
]
# The per-tenant Fortnox rate limiter must be one bucket for every process that talks to a
# tenant (web, worker, scheduler, `bokslut sync`). It lives in Redis when Redis is configured
# (BOKSLUT_REDIS_URL set, or the task queue runs on it): shared across machines. Otherwise it
# is a locked file per tenant under the data dir: shared by the processes of this machine
# only, with no service to run. Workers on several machines therefore need Redis; the
# integrations app's system check warns when PostgreSQL (the multi-machine database) runs
# without it (see docs/architecture.md).
BOKSLUT_FORTNOX_REDIS_URL = (
    REDIS_URL if ("BOKSLUT_REDIS_URL" in os.environ or _TASKS_BACKEND == "rq") else None
)
BOKSLUT_FORTNOX_RATE_LIMIT_DIR = DATA_DIR / "ratelimit"
# Plans: a JSON object replacing the default catalogue (see bokslut.integrations.plans).
import json as _json  # noqa: E402 - kept inside this block so it stays self-contained

BOKSLUT_PLANS = (
    _json.loads(os.environ["BOKSLUT_PLANS"]) if os.environ.get("BOKSLUT_PLANS") else None
)

# --- Web app (bokslut.web), audit log (bokslut.audit), sign-in protection, static files ---
# Pages are Django templates + HTMX; django-axes locks an account+address pair out after
# repeated failed sign-ins; WhiteNoise serves collected static files in production, so
# `bokslut serve` needs no separate web server for them.
INSTALLED_APPS += ["django_htmx", "axes", "bokslut.audit", "bokslut.web"]
# WhiteNoise right after SecurityMiddleware (its documented place), HTMX anywhere after
# sessions, and axes last so it sees the outcome of authentication.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1,
    "django_htmx.middleware.HtmxMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("BOKSLUT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out pair may try again after 15 minutes
# Lock the (user name, address) pair: a guesser cannot lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"
AXES_VERBOSE = False
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:client_list"
LOGOUT_REDIRECT_URL = "web:login"
LOCALE_PATHS = [BASE_DIR / "locale"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed (gzip/brotli) copies made by collectstatic; no manifest, so templates
    # render in tests and development without a collectstatic run.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("BOKSLUT_HTTPS", "") == "1"

# Automation (bokslut.automation): how long a client's sync lease lives without a heartbeat
# (a SIGKILLed worker blocks its client at most this long), and who is mailed about clients
# that need attention (comma-separated; empty = the firm's members with an e-mail address).
BOKSLUT_SYNC_LEASE_SECONDS = int(os.environ.get("BOKSLUT_SYNC_LEASE_SECONDS", "120"))
#: Days between full comparisons (deletions in Fortnox are found only by them); 0 = never.
BOKSLUT_FULL_COMPARE_DAYS = int(os.environ.get("BOKSLUT_FULL_COMPARE_DAYS", "7"))
BOKSLUT_NOTIFY_EMAILS = [
    a.strip() for a in os.environ.get("BOKSLUT_NOTIFY_EMAILS", "").split(",") if a.strip()
]

# --- Avstämning (bokslut.avstamning): checks, reconciliations, underlag, reports ---
# Its receiver runs the checks after every sync. Uploaded underlag is stored under
# MEDIA_ROOT/avstamning/firm-<id>/ and only ever served through the app's own views,
# which check access; these limits are what an upload may be.
INSTALLED_APPS += ["bokslut.avstamning"]
BOKSLUT_UPLOAD_MAX_BYTES = int(os.environ.get("BOKSLUT_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# How many accounts the after-sync check may ask Fortnox about (one request each).
BOKSLUT_FORTNOX_CHECK_BUDGET = int(os.environ.get("BOKSLUT_FORTNOX_CHECK_BUDGET", "5"))

# --- JSON API (bokslut.api) and the one-command demo (bokslut.launcher) -------------------
# django-ninja serves the API at /api/ (OpenAPI at /api/openapi.json, docs at /api/docs);
# "ninja" is listed for its bundled Swagger UI files, so the docs need no CDN. Clients
# authenticate with personal API tokens (bokslut.api.models.ApiToken, stored as SHA-256).
INSTALLED_APPS += ["ninja", "bokslut.api", "bokslut.launcher"]

# --- Error reports (DEBUG pages and error mails) ---------------------------------------------
# Django's default filter hides only the session cookie among the cookies and locals only in
# decorated functions; ours also hides every cookie, the session object, and locals named like
# a secret, so no report carries a bearer token, a Fortnox token or a pending OAuth state.
DEFAULT_EXCEPTION_REPORTER_FILTER = "bokslut.web.error_reports.BokslutExceptionReporterFilter"
