"""Django settings: the only module that reads the environment."""

from __future__ import annotations

import atexit
import errno
import os
import secrets
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or os.environ.get("TICKETDESK_TESTING") == "1"


def _data_dir() -> Path:
    if path := os.environ.get("TICKETDESK_DATA_DIR"):
        return Path(path).resolve()
    if TESTING:
        # Media, mail files and the secret key of a test run never land in ./var.
        path = tempfile.mkdtemp(prefix="ticketdesk-test-")
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        return Path(path)
    return Path("var").resolve()


class DataDirectoryError(ImproperlyConfigured):
    """The data directory cannot be used; the message names TICKETDESK_DATA_DIR."""


def _usable_data_dir(path: Path) -> Path:
    # Checked once at start-up, so a missing, read-only or full directory gives one clear
    # sentence instead of a traceback from whichever write happens to fail first.
    try:
        path.mkdir(parents=True, exist_ok=True)
        # One probe per process: serve's web workers and the worker start at the same moment.
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-probe-") as probe:
            probe.write(b"ok")
            probe.flush()
    except OSError as error:
        reason = {
            errno.ENOSPC: "the disk is full",
            errno.EDQUOT: "the disk quota is exhausted",
            errno.EROFS: "it is on a read-only file system",
            errno.EACCES: "it is not writable for this user",
            errno.EPERM: "it is not writable for this user",
        }.get(error.errno or 0, error.strerror or str(error))
        raise DataDirectoryError(
            f"The data directory {path} cannot be used: {reason}. Set TICKETDESK_DATA_DIR "
            "to a writable directory with free space (default ./var)."
        ) from error
    return path


DATA_DIR = _usable_data_dir(_data_dir())


def _persistent_secret_key() -> str:
    # Generated once per installation and kept beside the data, so sessions and
    # password-reset links survive restarts without a constant in the code.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Written to a file of this process (mkstemp: mode 600 from its creation), then linked
        # into place in one step: a process starting at the same time sees no file or the
        # whole key, and the first link wins.
        fd, draft = tempfile.mkstemp(dir=DATA_DIR, prefix=".secret_key-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
            os.link(draft, key_file)
        except FileExistsError:
            pass  # another process of the same start-up won; its key counts
        finally:
            os.unlink(draft)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _persistent_secret_key()
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "ticketdesk.core",
    "ticketdesk.accounts",
    "ticketdesk.customers",
    "ticketdesk.sla",
    "ticketdesk.outbox",
    "ticketdesk.tickets",
    "ticketdesk.inbound",
    "ticketdesk.timekeeping",
    "ticketdesk.contracts",
    "ticketdesk.reports",
    "ticketdesk.portal",
    "ticketdesk.api",
    "ticketdesk.api.webhooks",
    "ticketdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but for security headers: a failing database or full disk must still get a page.
    "ticketdesk.core.health.StorageErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ticketdesk.core.middleware.LanguageMiddleware",
    # Customer logins never reach an agent page (sent to the portal, 404 while it is off).
    "ticketdesk.portal.middleware.CustomerLoginMiddleware",
    # After authentication (the cap depends on it), before anything reads the body.
    "ticketdesk.core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ticketdesk.core.middleware.NoStoreForSignedInMiddleware",
    # django-axes wants to be last: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ticketdesk.urls"
WSGI_APPLICATION = "ticketdesk.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "ticketdesk.sqlite3"),
        "OPTIONS": {
            # WAL lets the web process read while the worker writes; IMMEDIATE
            # transactions avoid "database is locked" on lock upgrades.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
    }
_db.setdefault("TEST", {})
if _db["ENGINE"].endswith("sqlite3"):
    _db["TEST"]["NAME"] = str(DATA_DIR / "test.sqlite3") if os.environ.get("TEST_DB_FILE") else None
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 first: memory-hard, and far cheaper in CPU per attempt than PBKDF2 at its default
# iterations (a failed sign-in must not let a few clients starve the web workers). Existing
# PBKDF2 hashes keep working and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

# Sign-in protection (django-axes): after SIGNIN_FAILURE_LIMIT failed sign-ins an account, and
# separately a client address, is locked for SIGNIN_COOLOFF_MINUTES. Locked attempts are
# refused before any password is hashed. Password-reset requests are limited the same way.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SIGNIN_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
SIGNIN_COOLOFF_MINUTES = int(os.environ.get("SIGNIN_COOLOFF_MINUTES", "15"))
PASSWORD_RESET_LIMIT = int(os.environ.get("PASSWORD_RESET_LIMIT", "5"))
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ticketdesk.accounts.views.locked_out"
# Count failures per normalized address whichever form sent them (the Django admin's login
# passes `username`, ours `email`), and per real client address behind the HTTPS=1 proxy.
AXES_USERNAME_CALLABLE = "ticketdesk.accounts.lockout.client_username"
AXES_CLIENT_IP_CALLABLE = "ticketdesk.accounts.lockout.client_address"
# One row per failed attempt is enough; successful sign-ins are not logged by axes.
AXES_DISABLE_ACCESS_LOG = True
# A locked-out attempt writes nothing (axes would otherwise update the attempt row on every
# refused request: one database write per attacker request). The cool-off runs from the last
# counted failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "de")
LANGUAGES = [("de", _("German")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be de or en, not {LANGUAGE_CODE!r}")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
# SLA: warn the assignee (else the team) this many business minutes before a target.
SLA_WARNING_MINUTES = int(os.environ.get("SLA_WARNING_MINUTES", "60"))
# Timer: a heartbeat later than this after the previous one starts a new stretch.
TIMER_IDLE_SECONDS = 120
# Billable default of a manual time segment when the category does not say.
TIMEKEEPING_BILLABLE_DEFAULT = True
# Support contracts: the currency of the price per point (an ISO 4217 code).
POINTS_CURRENCY = os.environ.get("POINTS_CURRENCY", "EUR")
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# whitenoise warns at start-up when the directory is missing (fresh data dirs, tests).
STATIC_ROOT.mkdir(exist_ok=True)
# Project-wide front-end files (base layout CSS/JS, vendored libraries); apps add their own.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- e-mail ---------------------------------------------------------------
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "support@example.com")
DEFAULT_FROM_EMAIL = SUPPORT_EMAIL
SERVER_EMAIL = SUPPORT_EMAIL
EMAIL_URL = os.environ.get("EMAIL_URL", "")


def _mailers(url: str) -> dict[str, dict[str, object]]:
    # Django 6.1 MAILERS (the EMAIL_BACKEND/EMAIL_HOST settings are deprecated).
    if not url:
        # No SMTP configured (the demo): one .eml file per mail under the data directory.
        return {
            "default": {
                "BACKEND": "ticketdesk.outbox.backends.EmlFileBackend",
                "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
            }
        }
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise ValueError(f"EMAIL_URL: unsupported scheme {scheme!r} (smtp, smtp+tls, smtp+ssl)")
    default_port = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[scheme]
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or default_port,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": scheme == "smtp+tls",
                "use_ssl": scheme == "smtp+ssl",
                "timeout": 30,
            },
        }
    }


MAILERS = _mailers(EMAIL_URL)

# Outbox: attempts before a mail is marked failed; how long a worker may hold a
# claimed batch before other workers may take it over (and resend it).
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "600"))
# Retry after base * 2^(attempt-1) seconds, at most the cap.
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))

# Webhooks: network timeout of one delivery; attempts before a delivery is marked failed;
# how long a worker may hold a claimed batch; retry after base * 2^(attempt-1) seconds, at
# most the cap; consecutive failed attempts after which a subscription is switched off;
# whether receivers on loopback, private and other non-public addresses are allowed (SSRF).
WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_LEASE_SECONDS = int(os.environ.get("WEBHOOK_LEASE_SECONDS", "300"))
WEBHOOK_RETRY_BASE_SECONDS = int(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "30"))
WEBHOOK_RETRY_MAX_SECONDS = int(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", "3600"))
WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_AFTER_FAILURES", "10"))
WEBHOOK_ALLOW_PRIVATE_URLS = env_bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False)
# Finished webhook deliveries (delivered or failed) stay in the log this many days.
WEBHOOK_LOG_KEEP_DAYS = int(os.environ.get("WEBHOOK_LOG_KEEP_DAYS", "30"))

# IMAP mailboxes: how often the background task fetches them; how long a fetcher may hold a
# folder without progress before another takes over; the network timeout of one IMAP command.
INBOUND_FETCH_INTERVAL_SECONDS = int(os.environ.get("INBOUND_FETCH_INTERVAL_SECONDS", "60"))
INBOUND_FETCH_LEASE_SECONDS = int(os.environ.get("INBOUND_FETCH_LEASE_SECONDS", "300"))
INBOUND_IMAP_TIMEOUT_SECONDS = int(os.environ.get("INBOUND_IMAP_TIMEOUT_SECONDS", "60"))
# Raw mail up to this size is kept in the database row; larger mail in a file beside it.
INBOUND_RAW_IN_DB_MAX_BYTES = int(os.environ.get("INBOUND_RAW_IN_DB_MAX_BYTES", str(10 << 20)))
# A sender writing this many messages to one ticket within the minutes is a mail loop
# (an autoresponder without auto-reply headers); later ones notify no one.
INBOUND_LOOP_MESSAGES = int(os.environ.get("INBOUND_LOOP_MESSAGES", "10"))
INBOUND_LOOP_MINUTES = int(os.environ.get("INBOUND_LOOP_MINUTES", "10"))

# --- background tasks -----------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if REDIS_URL:
    # django-tasks-rq runs django.tasks tasks on RQ; `ticketdesk worker` starts its worker.
    # A queue added to TASKS must be added to RQ_QUEUES as well.
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}

# --- serving (`ticketdesk serve` and `ticketdesk demo`) -------------------
SERVE_HOST = os.environ.get("HOST", "127.0.0.1")
SERVE_PORT = int(os.environ.get("PORT", "8000"))
SERVE_WORKERS = int(os.environ.get("WEB_CONCURRENCY", "2"))

# --- security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
_https = env_bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https
# HTTPS=1 means a TLS-terminating reverse proxy in front of gunicorn, which must set this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https else None
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SILENCED_SYSTEM_CHECKS = (
    []
    if _https
    else [
        # Plain HTTP on loopback is the demo and behind-a-proxy case; HTTPS=1 turns these on.
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
    ]
)

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- ticketdesk -----------------------------------------------------------
TICKET_NUMBER_PREFIX = os.environ.get("TICKET_NUMBER_PREFIX", "T-")
# Requests per minute and API token, counted across all web processes (429 beyond).
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "600"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
ATTACHMENT_MAX_FILES = int(os.environ.get("ATTACHMENT_MAX_FILES", "20"))
# Request bodies are refused (413) before parsing above these sizes: anonymous requests (the
# sign-in and password-reset forms) tightly, signed-in ones at the attachment limit times the
# file count plus room for the form's text.
ANONYMOUS_REQUEST_MAX_BYTES = int(os.environ.get("ANONYMOUS_REQUEST_MAX_BYTES", str(64 * 1024)))
TEXT_MAX_BYTES = 4 * 1024 * 1024
REQUEST_MAX_BYTES = ATTACHMENT_MAX_BYTES * ATTACHMENT_MAX_FILES + TEXT_MAX_BYTES
# Django's own limits answer a bare 400 and lose the typed text, so they sit above ours: forms
# check text length and file count and re-render with a message.
DATA_UPLOAD_MAX_MEMORY_SIZE = TEXT_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = ATTACHMENT_MAX_FILES * 10

# Incoming mail. Unknown senders open tickets on this customer (created on demand),
# or wait in the incoming-mail inbox when INBOUND_REVIEW_UNKNOWN_SENDERS is on.
INBOUND_UNKNOWN_CUSTOMER_NUMBER = os.environ.get("INBOUND_UNKNOWN_CUSTOMER_NUMBER", "UNKNOWN")
INBOUND_REVIEW_UNKNOWN_SENDERS = env_bool("INBOUND_REVIEW_UNKNOWN_SENDERS", default=False)
# A customer's reply to a closed ticket: "reopen" it, or open a "new" one that links it.
INBOUND_CLOSED_TICKET_REPLY = os.environ.get("INBOUND_CLOSED_TICKET_REPLY", "reopen")
# A sender opening more than this many tickets within the minutes is held in the inbox.
INBOUND_THROTTLE_TICKETS = int(os.environ.get("INBOUND_THROTTLE_TICKETS", "10"))
INBOUND_THROTTLE_MINUTES = int(os.environ.get("INBOUND_THROTTLE_MINUTES", "60"))
# Discarded incoming messages are kept this many days, then purged.
INBOUND_DISCARD_KEEP_DAYS = int(os.environ.get("INBOUND_DISCARD_KEEP_DAYS", "30"))
# Repeat deliveries (the same mail through another MTA) are kept this long for tracing.
INBOUND_REPEAT_KEEP_DAYS = int(os.environ.get("INBOUND_REPEAT_KEEP_DAYS", "30"))
# Mail filter patterns (regular expressions) stop after this many seconds per match.
INBOUND_FILTER_REGEX_TIMEOUT_SECONDS = float(
    os.environ.get("INBOUND_FILTER_REGEX_TIMEOUT_SECONDS", "0.2")
)

# Housekeeping: finished task results and sent outgoing mail are pruned after these many days.
TASK_RESULT_KEEP_DAYS = int(os.environ.get("TASK_RESULT_KEEP_DAYS", "14"))
OUTBOX_SENT_KEEP_DAYS = int(os.environ.get("OUTBOX_SENT_KEEP_DAYS", "90"))
# Key for secrets stored in the database (IMAP passwords). Empty: derived from SECRET_KEY, so
# changing SECRET_KEY then means entering the mailbox passwords again.
ENCRYPTION_KEY = os.environ.get("ENCRYPTION_KEY", "")

# Health (/healthz and the supervisor): the worker's heartbeat file is stale after this many
# seconds (0: the worker is not checked, for web-only machines); the data directory counts as
# full below this many free bytes.
WORKER_HEARTBEAT_STALE_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_STALE_SECONDS", "120"))
DATA_DIR_MIN_FREE_BYTES = int(os.environ.get("DATA_DIR_MIN_FREE_BYTES", str(16 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Refused requests (403 and other 4xx) are logged with their status line, no traceback.
        "no_client_error_tracebacks": {"()": "ticketdesk.core.logs.NoTracebackForClientErrors"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs every sign-in at INFO; lockouts (WARNING) are what an operator needs.
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["no_client_error_tracebacks"]},
    },
}
