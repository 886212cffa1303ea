"""Settings for Wijkportaal: one module, configured by environment variables.

Every variable is listed with its default in `.env.example` and the README. The embedded
defaults (SQLite in the project folder, a filesystem Celery broker) let `make run` work on
a fresh machine; production sets `DJANGO_ENV=production`, which refuses an insecure key
and DEBUG.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"

INSECURE_KEY = "insecure-development-key-change-me"
SECRET_KEY = env("SECRET_KEY", INSECURE_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

if PRODUCTION:
    if SECRET_KEY == INSECURE_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 40 characters.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "partners",
    "signals.apps.SignalsConfig",
    "cases",
    "notifications",
    "privacy",
    "accounts",
]

MIDDLEWARE = [
    # Outermost, so it also sees server errors raised in the middleware below it.
    "wijkportaal.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.security.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.security.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "privacy.middleware.RequestIdMiddleware",
    "wijkportaal.middleware.PortalNotFoundPageMiddleware",
    # Last, so it sees the lockout raised by the authentication backend.
    "axes.middleware.AxesMiddleware",
]
# The benchmark's split of each request's time (SQL, templates, access log, Python) in a
# response header; only for `make bench`, never in production (bench/profile.py).
BENCH_PROFILE = env_bool("BENCH_PROFILE", False) and not PRODUCTION
if BENCH_PROFILE:
    MIDDLEWARE.insert(0, "bench.profile.ProfileMiddleware")

ROOT_URLCONF = "wijkportaal.urls"
WSGI_APPLICATION = "wijkportaal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "libraries": {"tables": "core.table_tags"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "privacy.context_processors.permissions",
                "notifications.context_processors.unread_notifications",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database: PostgreSQL in production and CI via DATABASE_URL; SQLite file otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'wijkportaal.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not USING_POSTGRES:
    # Web, worker and beat share the SQLite file in `make run`: wait for locks, use WAL.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Covering indexes (INCLUDE) only speed PostgreSQL up; SQLite builds them without
    # the extra columns, which is all the embedded database needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username+address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Guardian: no anonymous user object; object permissions only through our own models.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Sessions live in the database so any web process can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 15 * 60)
# The idle timeout is renewed at most once a minute, not written on every request
# (accounts.security.SessionIdleMiddleware): sessions end 14-15 idle minutes after the
# last request.
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Security: two-factor sign-in, brute-force lockout, CSP, API throttling ---------------
# With REQUIRE_2FA every signed-in user must confirm a TOTP device (or use a backup code)
# before any other page; the demo world (`make run`, development) runs without it.
REQUIRE_2FA = env_bool("REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Wijkportaal")
TWO_FACTOR_BACKUP_CODES = 10

# django-axes: lock a username on one address after AXES_FAILURE_LIMIT failed sign-ins for
# AXES_COOLOFF_MINUTES; the admin unlocks under "Axes" (or `manage.py axes_reset`).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
# Number of trusted reverse proxies in front of the app that append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0)

# Content-Security-Policy (django-csp 4): no inline code without the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# E-mail, configured by one URL: smtp://user:pass@host:587?tls=1, console://, locmem://.
EMAIL_URL = env("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Wijkportaal <noreply@wijkportaal.local>")


def _email_settings(url: str) -> dict:
    parsed = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parsed.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {parsed.scheme!r} is not supported.")
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    return {
        "EMAIL_BACKEND": backends[parsed.scheme],
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": options.get("tls") in {"1", "true"},
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
    }


globals().update(_email_settings(EMAIL_URL))
# A mail server that hangs must give up well within the 5-minute lease a worker holds on a
# reminder while sending it (notifications/delivery.py), or another worker would
# send the same e-mail.
EMAIL_TIMEOUT = 30

# Celery: Redis in production and CI; a filesystem broker for the embedded `make run`.
CELERY_DATA_DIR = Path(env("CELERY_DATA_DIR", str(BASE_DIR / ".celery")))
CELERY_BROKER_URL = env("CELERY_BROKER_URL", env("REDIS_URL", "filesystem://"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("queue", "processed", "control"):
        (CELERY_DATA_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
else:
    # A task that is not acknowledged within the visibility timeout is handed to another
    # worker. Tasks are acknowledged late (after they ran), so the timeout must outlast the
    # longest task (the hard time limit below) and the longest retry countdown (10 minutes),
    # and be short enough that a batch lost with its worker is redelivered within minutes.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "1200")),
        "socket_connect_timeout": 5,
        "socket_timeout": 10,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (a reminder round over a national database, a 50 000-row import) takes
# about a minute; a task still running after 15 minutes is stuck and is stopped. Imports
# resume where they stopped, reminders wait in the outbox, so nothing is lost by it.
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Publishing while the broker is down fails within about a second instead of hanging a
# web request: the work waits in the database and a periodic sweep queues it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_IGNORE_RESULT = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.HashedTokenAuthentication",
        "accounts.security.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "wijkportaal.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "wijkportaal.schema.PortalAutoSchema",
    # JSON only: the browsable API is not offered (the OpenAPI docs describe the API), so
    # `Accept: text/html` alone gets a 406 in JSON instead of an HTML page.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "wijkportaal.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "wijkportaal.api.exception_handler",
    # OPTIONS answers 405: the OpenAPI schema is the one description of the API.
    "DEFAULT_METADATA_CLASS": None,
    # Per process (local-memory cache); an empty THROTTLE_* value switches that limit off.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", "120/minute") or None,
        "user": env("THROTTLE_USER", "3000/minute") or None,
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wijkportaal API",
    "DESCRIPTION": "Signals, cases, agreements and insights between housing corporations "
    "and social district teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One named enum per choice set, so clients get stable type names.
    "ENUM_NAME_OVERRIDES": {
        "SignalKindEnum": "core.kinds.SignalKind",
        "OrganisationKindEnum": "partners.choices.OrganisationKind",
        "AgreementStatusEnum": "partners.choices.AgreementStatus",
        "SignalStatusEnum": "signals.models.SignalStatus",
        "UrgencyEnum": "signals.models.Urgency",
        "OutcomeEnum": "signals.models.Outcome",
        "DeclineReasonCategoryEnum": "signals.models.DeclineReason",
        "ImportStatusEnum": "signals.models.ImportStatus",
        "CaseStateEnum": "cases.models.CaseState",
        "CaseEventKindEnum": "cases.models.CaseEventKind",
        "HelpResponseEnum": "cases.models.HelpResponse",
        "ReminderKindEnum": "notifications.models.ReminderKind",
        "PurposeEnum": "privacy.models.Purpose",
        "AccessActionEnum": "privacy.models.AccessAction",
    },
    # Swagger UI's inline bootstrap script carries the CSP nonce (templates/drf_spectacular).
}

# Domain settings.
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 365)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
DEFAULT_TRIAGE_DAYS = env_int("DEFAULT_TRIAGE_DAYS", 5)
DEFAULT_FEEDBACK_DAYS = env_int("DEFAULT_FEEDBACK_DAYS", 10)
WORKDAY_END_HOUR = env_int("WORKDAY_END_HOUR", 17)
RETENTION_SIGNAL_DAYS = env_int("RETENTION_SIGNAL_DAYS", 183)
RETENTION_CASE_DAYS = env_int("RETENTION_CASE_DAYS", 548)
RETENTION_ACCESS_LOG_DAYS = env_int("RETENTION_ACCESS_LOG_DAYS", 5 * 365)
CASE_REOPEN_DAYS = env_int("CASE_REOPEN_DAYS", 90)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
# A complex list is a building's addresses: small. A whole-city upload is refused.
COMPLEX_IMPORT_MAX_ROWS = env_int("COMPLEX_IMPORT_MAX_ROWS", 5_000)
COMPLEX_IMPORT_MAX_BYTES = env_int("COMPLEX_IMPORT_MAX_BYTES", 512 * 1024)
# API imports up to this many rows are filed within the request; larger ones run in the
# background (202 + status URL), so no request nears gunicorn's timeout.
IMPORT_SYNC_MAX_ROWS = env_int("IMPORT_SYNC_MAX_ROWS", 2_000)
# An uploaded file that was not processed within this many hours is cleared by the daily
# retention task (the import is marked failed): the file holds personal data.
IMPORT_FILE_MAX_HOURS = env_int("IMPORT_FILE_MAX_HOURS", 24)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
SHARE_MAX_DAYS = env_int("SHARE_MAX_DAYS", 90)
TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
