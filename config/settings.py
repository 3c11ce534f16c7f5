"""Settings: everything from environment variables, parsed strictly, safe local defaults.

A newcomer's first run needs nothing: SQLite, in-process tasks, mail to the console.
Production sets DEBUG=false and must then give SECRET_KEY (or SECRET_KEY_FILE).
"""

import os
import re
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import mail, storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _bool(name: str, default: bool) -> bool:
    """A strict boolean: a typo such as DEBUG=ture fails loudly instead of meaning False."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = env.str(name, default=None)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def _rate(name: str, default: str) -> str:
    """A request rate such as 60/min (s, sec, m, min, h, hour, d, day): DRF's throttle format."""
    raw = env.str(name, default=default).strip()
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", raw):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 60/min or 1000/hour, not {raw!r}"
        )
    return raw


def _secret(name: str, default: str | None = None) -> str | None:
    """A secret from NAME, or from the file that NAME_FILE points to (Docker secrets)."""
    path = env.str(f"{name}_FILE", default=None)
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from None
    return env.str(name, default=default)


DEBUG = _bool("DEBUG", True)
# Under pytest, settings load before any conftest can set TESTING, so detect it here too.
TESTING = _bool("TESTING", "pytest" in sys.modules)

SECRET_KEY = _secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG is off")
    # Only for local development: never used once DEBUG is off.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
# The port `make run` serves on; the site's own address follows it unless SITE_URL is given.
PORT = _int("PORT", 8000, minimum=1)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that it can patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from our own static files
    "axes",
    "csp",
    # The history of every change (core.models.HistoryEntry; see core/history.py).
    "auditlog",
    "core",
    "partners",
    # Two-factor login (issue 13): django-otp's devices, our own pages and rules.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "twofactor",
    # The security log (log-ins, lock-outs, tokens, role changes, two-factor): above partners
    # and twofactor, whose signals it hears; below cooperation, so events and the api record.
    "security",
    "cooperation",
    "events",
    "reviews",
    "reports",
    "portal",
    "api",
    "plandata",
    # A plan's public page (/p/<slug>/), robots.txt and the sitemap: on top, like api.
    "public",
]

MIDDLEWARE = [
    # First: bodies under /api/ bounded before they are read, every answer there JSON.
    "api.middleware.ApiEdgeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which door a request came through, and who came (read when a change is recorded).
    "core.doors.DoorMiddleware",
    "partners.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who must have a second factor and has not given it this session sees only its pages.
    "twofactor.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # axes after the others: it turns a locked-out login into a clear page, not an error.
    "axes.middleware.AxesMiddleware",
    # Hands the innermost handler to ApiEdgeMiddleware: a token's short way (api.middleware).
    "api.middleware.ApiTailMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "partners.context_processors.membership",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = _int("CONN_MAX_AGE", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when two people save together; IMMEDIATE
    # takes the write lock when a transaction starts, so two racing saves queue instead of
    # one failing with "database is locked" halfway.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
# The API's per-request query is a prepared statement on PostgreSQL (core.prepared). Off for
# a connection pooler in transaction mode (PgBouncer without max_prepared_statements).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        # 0: prepared at first use; only core.prepared's cursors can be (Django's bind on
        # the client). None: never.
        "prepare_threshold",
        0 if DATABASE_PREPARED_STATEMENTS else None,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; Argon2's deliberate cost would dominate their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = _int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures are counted under the user name as the login form reads it, bounded (a name of any
# length is counted and locked out, never a 500); the second step counts under the same name.
AXES_USERNAME_CALLABLE = "partners.throttle.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = _bool("AXES_ENABLED", True)
# The security log keeps its records this long; `manage.py prune_security_log` deletes older
# ones (run it from the scheduler). Two years: enough to investigate an incident found late.
SECURITY_LOG_RETENTION_DAYS = _int("SECURITY_LOG_RETENTION_DAYS", 730, minimum=1)

# Two-factor login (the twofactor app): coordinators and /admin/ users must have it, on
# whenever DEBUG is off (`make run`'s demo turns it off and says so). The second step counts
# against AXES_FAILURE_LIMIT like a wrong password. Making an API token or new recovery codes
# needs a second factor given within TWO_FACTOR_RECENT_MINUTES.
TWO_FACTOR_REQUIRED = _bool("TWO_FACTOR_REQUIRED", not DEBUG)
TWO_FACTOR_RECENT_MINUTES = _int("TWO_FACTOR_RECENT_MINUTES", 15, minimum=1)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Sister-city portal")
# django-axes throttles wrong codes (with wrong passwords, per user name and address);
# django-otp's own growing delay would refuse a right code typed just after a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Database sessions that record whose they are (twofactor.models.PersonSession): a reset of a
# person's second factor ends all their sessions.
SESSION_ENGINE = "twofactor.sessions"
SESSION_COOKIE_AGE = _int("SESSION_HOURS", 8, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("fi", _("Finnish")),
]
# Content is kept in English and Chinese; the interface also speaks Finnish.
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans")
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# In Finnish, content shows in English (modeltranslation falls back to its default).
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans")}
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded evidence is never served from MEDIA_URL: a view checks membership first.
MEDIA_URL = "/media-not-served/"
# Several machines (web and worker replicas) must see the same files: object storage then.
_default_storage = storage.default_storage(
    storage_url=env.str("STORAGE_URL", default=""),
    bucket=env.str("AWS_STORAGE_BUCKET_NAME", default=""),
    endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
    region=env.str("AWS_S3_REGION_NAME", default=""),
    access_key=env.str("AWS_ACCESS_KEY_ID", default=""),
    secret_key=_secret("AWS_SECRET_ACCESS_KEY", default="") or "",
    signed_url_seconds=_int("STORAGE_SIGNED_URL_SECONDS", 60, minimum=1),
)
# Downloads pass the permission check either way; "signed" then redirects to the object.
STORAGE_DOWNLOADS = storage.download_mode(
    env.str("STORAGE_DOWNLOADS", default="stream"), _default_storage
)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

MAX_UPLOAD_MB = _int("MAX_UPLOAD_MB", 10, minimum=1)
# Let Django stream large uploads to disk; the form enforces MAX_UPLOAD_MB itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
# The API refuses (413, before reading it) a body longer than this: JSON and forms. Far above
# any real write (a description of tens of thousands of characters in both languages).
API_MAX_BODY_BYTES = _int("API_MAX_BODY_BYTES", 1_048_576, minimum=1024)
# Evidence uploads (multipart): 0 is a file of MAX_UPLOAD_MB and 64 KiB for the form around
# it (a file a little over the limit still gets the service's clear 400 about its size).
API_MAX_UPLOAD_BYTES = _int("API_MAX_UPLOAD_BYTES", 0)

DEMO_PASSWORD = _secret("DEMO_PASSWORD")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
if env.str("EMAIL_URL", default="").startswith("filemail://"):
    # As written: filemail:///var/mail is /var/mail (django-environ would make it var/mail).
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = mail.mail_folder(env.str("EMAIL_URL"), BASE_DIR)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")

# The history of every change: django-auditlog's machinery, our own entry (it also records
# the door and the object an entry belongs with). Values are kept as JSON (numbers, text).
AUDITLOG_LOGENTRY_MODEL = "core.HistoryEntry"
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = True
# auditlog's own migrations create its stock table even when the entry is swapped out; an
# unused table that points at content types only stops PostgreSQL test flushes (TRUNCATE).
MIGRATION_MODULES = {"auditlog": None}

# Progress reports: the worker processes that lay out a report's theme chapters side by side
# (1: one WeasyPrint document in the calling process), by default the CPUs this process may
# use, at most 4; and how long the workers of one report may take before it fails.
REPORT_RENDER_PROCESSES = env.int(
    "REPORT_RENDER_PROCESSES",
    default=min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1),
)
if REPORT_RENDER_PROCESSES < 1:
    raise ImproperlyConfigured("REPORT_RENDER_PROCESSES must be at least 1")
REPORT_RENDER_TIMEOUT = env.int("REPORT_RENDER_TIMEOUT", default=600)
# Progress reports are tagged PDF/UA-1 (the EU Web Accessibility Directive), a large one laid
# out in parts too (their structure trees merged: reports.structure_merge). False: untagged.
REPORT_TAGGED = env.bool("REPORT_TAGGED", default=True)


def _caches(url: str, *, testing: bool) -> dict:
    """The cache: Redis at ``url`` (redis:// or rediss://), shared by every worker process and
    machine, so that request rates and cached pages hold across them; without one, each
    process keeps its own in local memory. The test suite keeps local memory whatever is
    set (each test starts with an empty cache, and xdist's processes share nothing):
    tests/api/test_cache.py checks Redis itself."""
    if url and not testing:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ImproperlyConfigured(f"REDIS_URL must be a redis:// address, not {url!r}")
        return {
            "default": {
                "BACKEND": "core.cache.RedisCache",
                "LOCATION": url,
                # Beside Celery's keys when the two share a database.
                "KEY_PREFIX": "portal",
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# REDIS_URL (the Redis Celery may use too: keys apart by their prefix), else local memory
# per process.
CACHES = _caches(env.str("REDIS_URL", default="").strip(), testing=TESTING)

# What the portal makes at run time on this machine (git-ignored): the embedded broker's
# folders, beat's schedule, and in `make run` the generated SECRET_KEY and the mail folder.
RUN_DIR = Path(env.str("RUN_DIR", default=str(BASE_DIR / "var")))


def _broker(url: str, *, testing: bool, run_dir: Path) -> tuple[str, dict, bool]:
    """Celery's broker, its transport options, and whether tasks run in-process.

    A broker URL (CELERY_BROKER_URL, else REDIS_URL) is used as given. Without one, the test
    suite runs tasks in-process; everything else queues them in files under RUN_DIR/broker
    (kombu's filesystem transport: no server), where the worker of `make run` picks them up.
    """
    if url:
        return url, {}, False
    if testing:
        return "", {}, True
    folder = run_dir / "broker"
    return (
        "filesystem://localhost/",
        {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        },
        False,
    )


CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_TASK_ALWAYS_EAGER = _broker(
    env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default="")).strip(),
    testing=TESTING,
    run_dir=RUN_DIR,
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Where beat remembers when each schedule entry last ran (a --schedule option wins).
CELERY_BEAT_SCHEDULE_FILENAME = str(RUN_DIR / "celerybeat-schedule")
# The reminder sweep runs daily at 08:00 Helsinki time (the sweep itself is idempotent, so a
# second beat process or a restart cannot send anything twice).
CELERY_BEAT_SCHEDULE = {
    "review-reminders": {
        "task": "reviews.tasks.send_review_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # The monthly digest of stale activities, on the 1st at 09:00 (once per recipient and
    # month, however often it runs).
    "monthly-digest": {
        "task": "reviews.tasks.send_monthly_digests",
        "schedule": crontab(day_of_month=1, hour=9, minute=0),
    },
}
# A reminder whose delivery was claimed but never recorded is retried after this lease.
REMINDER_CLAIM_MINUTES = _int("REMINDER_CLAIM_MINUTES", 15, minimum=1)

# The IATI 2.03 export (api.iati): who publishes it and how its activities are identified.
# Set the reference to the publisher's IATI organisation identifier; the default only says
# that none was given. Activities are "<prefix>-<plan code>[-<activity id>]".
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="XX-SISTERCITY").strip()
IATI_REPORTING_ORG_TYPE = env.str("IATI_REPORTING_ORG_TYPE", default="11").strip()
IATI_REPORTING_ORG_NAME = env.str("IATI_REPORTING_ORG_NAME", default="").strip()
IATI_ACTIVITY_PREFIX = env.str("IATI_ACTIVITY_PREFIX", default="").strip() or IATI_REPORTING_ORG_REF
if not IATI_REPORTING_ORG_REF:
    raise ImproperlyConfigured("IATI_REPORTING_ORG_REF cannot be empty")

# The REST API (/api/v1/, the api app). Who may do what is still decided by partners.access;
# these only say how clients sign in and how lists, errors and request rates behave.
REST_FRAMEWORK = {
    # Bearer first: an unauthenticated request gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Bounded in size (API_MAX_BODY_BYTES) and, JSON, in depth: api/parsers.py.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Page numbers over a stable order (every list ends its ordering with the id).
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StablePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.IdleFilterBackend",
        "api.filters.StableOrderingFilter",
        "api.filters.SafeSearchFilter",
    ],
    # Requests per client, refused with 429 beyond: anonymous ones (and bad tokens) by address,
    # signed-in ones by user. API_THROTTLE_ANON and API_THROTTLE_USER, e.g. 60/min, 1200/hour.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.AnonThrottle", "api.throttles.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _rate("API_THROTTLE_ANON", "60/min"),
        "user": _rate("API_THROTTLE_USER", "1200/hour"),
    },
    # Structured 400 bodies ({"errors": {"field": ["message"]}}); known failures never 500.
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.openapi.BoundedAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sister-city cooperation portal API",
    # The long description (sign-in, permissions, ETags, errors, rates) is api/schema.py's.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe",
        "api.schema.shared_answers",
    ],
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from drf-spectacular-sidecar: our own static files, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {"ActivityStatusEnum": "cooperation.models.ActivityStatus"},
}

# Security. Always on: these cost nothing locally.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if not DEBUG:
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
    # The load balancer's health check speaks plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Only for trying the stack over plain http on one machine: never in production.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # pikepdf says at import that its C++ logger is bridged: noise in `make run`'s output.
        "pikepdf": {"level": "WARNING"},
        "portal.security": {"level": "INFO"},
    },
}
