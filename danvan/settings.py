"""Settings for the Dân vận project, read from the environment.

Nothing needs to be set to run on a developer's machine with ``DEBUG=1``
(``.env.example`` shows every variable); production refuses to start while a
required value is missing rather than fall back to an unsafe default. A value
that cannot be read (``DEBUG=ture``, ``EMAIL_PORT=25a``) stops the start too,
naming the variable, rather than quietly meaning something else. Every setting
the code reads is declared here, and read without a fallback of the caller's own
(tests/test_settings.py checks both, and that .env.example lists every variable).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A local .env (see .env.example) fills in what the real environment leaves unset.
load_dotenv(BASE_DIR / ".env", override=False)


def envbool(name: str, default: bool = False) -> bool:
    """1/0, true/false, yes/no, on/off in any case; unset or empty gives ``default``."""
    value = os.getenv(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(
        f"{name}={os.getenv(name)!r} is neither yes nor no: write 1 or 0 "
        "(true/false, yes/no and on/off are read too)."
    )


def envint(name: str, default: int) -> int:
    """A whole number; unset or empty gives ``default``."""
    value = os.getenv(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envints(name: str, default: str) -> list[int]:
    """Whole numbers separated by commas, such as 7,3,1."""
    try:
        return [int(item) for item in envlist(name, default)]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={os.getenv(name)!r} is not a list of whole numbers such as 7,3,1."
        ) from None


DEBUG = envbool("DEBUG")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(copy .env.example); only DEBUG=1 may run without one."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set; list the site's host names.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "danvan.lockouts.LockoutsConfig",  # django-axes
    # Two-factor sign-in (accounts.two_factor): codes from an authenticator app, and
    # recovery codes each good once.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "danvan",
    "accounts",
    "reports",
    "directives",
    "notifications",
    "quarters",
    "structure",
    "sampledata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (its files are compressed when collected), before what writes pages.
    "danvan.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # A form sent on an expired session: after signing in, back to the form's page.
    "danvan.kept.SignInReturnsToFormMiddleware",
    "danvan.security.SessionRefreshMiddleware",
    "danvan.security.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The steps of signing in left to take (the second factor, a password an
    # administrator chose) come before anything else.
    "accounts.middleware.SignInStepsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "danvan.urls"
WSGI_APPLICATION = "danvan.wsgi.application"

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
                "danvan.context_processors.navigation",
            ],
        },
    },
]

# SQLite next to the code unless DATABASE_URL names another database
# (postgres://user:password@host:port/name in production).
# An empty DATABASE_URL (as in a copied .env.example) counts as unset.
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Development and the demo: a transaction takes the write lock when it begins and
    # waits for another's, rather than failing "database is locked" (two clicks at once).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the register's statements (a status worked out in dozens of
    # subqueries) are estimated costly enough for PostgreSQL to compile them, 200 ms
    # of compiling for 8 ms of work (tools/bench/findings.md). Each connection says so
    # itself; behind PgBouncer, which refuses it unless told to ignore it, set
    # ``jit = off`` on the database instead (README, "More than one app server").
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (options.setdefault("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The covering index on reports (UnitReport.Meta.indexes, "report_unit_covering") is
# for PostgreSQL, the production database; SQLite builds it without its INCLUDE
# columns, which is all this warning says.
SILENCED_SYSTEM_CHECKS = [
    "models.W040",
    # HSTS preload is left to the operator (SECURE_HSTS_PRELOAD, above).
    "security.W021",
]

# The caches hold the province's indicator sums per quarter (reports.aggregation):
# each server process's memory, then a table every process shares (common.caching).
# Their keys change with the data, so neither is ever stale; no cache server to run.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    # What every worker and server shares (common.caching): the quarters' indicator sums,
    # worked out once per change of the figures rather than once per process. Its table
    # is made by a migration (reports 0028) and emptied by every ``migrate`` (a new
    # release may sum otherwise). Entries of figures since changed are never read
    # again: they go after two days, or when there are too many. At national scale an
    # entry is up to some 400 KB (the country's filed units of a quarter).
    # What a process keeps of the pages it drew for a while (directives.selectors.kept,
    # reports.aggregation.figures.quarter_figures, the quarter page's indicator tables):
    # under keys that change with what they read, so never stale; apart from the sums
    # above, so that many users' pages never push those out. Entries are 1–200 KB (a
    # register page 35 KB, a meeting's up to 140 KB, measured): at most some 50 MB a
    # process; the least recently read go first.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
    "shared": {
        "BACKEND": "common.caching.DatabaseCache",
        "LOCATION": "danvan_shared_cache",
        "TIMEOUT": 2 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000, "CULL_FREQUENCY": 3},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A reset link works this long, and once (Django's token changes with the password).
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT_MINUTES", 60) * 60
# Password resets asked in an hour, from one address and for one e-mail, before the
# next are answered the same but mail nothing (accounts.services).
RESET_LIMIT_PER_ADDRESS = envint("RESET_LIMIT_PER_ADDRESS", 5)
RESET_LIMIT_PER_EMAIL = envint("RESET_LIMIT_PER_EMAIL", 3)
# Two-factor sign-in (accounts.two_factor): required of reviewers, leadership and
# administrators unless turned off here (a demo without a phone; check --deploy warns),
# optional for unit staff. The issuer names the site in the authenticator app.
TWO_FACTOR_REQUIRED = envbool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER") or "Dân vận"
# The secret keys are never shown in the admin (its device pages are not used anyway).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["danvan.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Front-end packages come from the npm registry (package-lock.json) into
# node_modules/ and are served from there: nothing is fetched from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded evidence is private: kept outside the static root and served only
# through views that check who may see it (never by URL alone).
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = None

# Widgets drawn by Jinja2, the rest by the template language (common/renderers.py).
FORM_RENDERER = "common.renderers.WidgetsByJinja2"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.getenv("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
# Seconds a mail server may take to answer: mail at once is sent as a change is
# saved, so a server that hangs must not hold the page (the mail is retried).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "danvan@localhost")

# HTTPS only, secure cookies and HSTS: on by default in production (DEBUG=0), off in
# development; an operator turns one off explicitly (a trial on plain HTTP, README).
# Behind a proxy that ends TLS, BEHIND_PROXY=1 tells the redirect that the request
# came over HTTPS.
HTTPS_BY_DEFAULT = not DEBUG
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", HTTPS_BY_DEFAULT)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", HTTPS_BY_DEFAULT)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS_BY_DEFAULT)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS_BY_DEFAULT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS_BY_DEFAULT)
# Preload (browsers ship the domain as HTTPS-only) is a commitment hard to take back:
# only when asked. Django's deploy check warns of it (security.W021), silenced below.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD")
# Behind nginx (BEHIND_PROXY=1) the proxy terminates HTTPS and says so in
# X-Forwarded-Proto, and names the client in X-Forwarded-For. Only trust these
# headers when a proxy that overwrites them is really in front.
BEHIND_PROXY = envbool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# The load balancer's health probe may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A refused CSRF check answers in Vietnamese that the typed text is safe in the browser.
CSRF_FAILURE_VIEW = "danvan.views.csrf_failure"
# No script of ours reads the CSRF cookie (forms carry the token).
CSRF_COOKIE_HTTPONLY = True
# Sessions end after SESSION_COOKIE_AGE seconds without a request and when
# the browser closes. A request renews the session at most once every
# SESSION_REFRESH_SECONDS (danvan.security.SessionRefreshMiddleware), rather
# than writing it on every request. Changing a password ends the user's other
# sessions (Django's session auth hash).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 30 * 60)
SESSION_REFRESH_SECONDS = envint("SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# Content-Security-Policy (django-csp), in every environment so that a
# violation shows during development: no inline scripts or styles, nothing
# from another origin, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

# Sign-in lockout (django-axes): AXES_FAILURE_LIMIT failed sign-ins for the
# same user name from the same address lock that pair out for
# AXES_COOLOFF_MINUTES; a successful sign-in clears the count. And
# AXES_ADDRESS_FAILURE_LIMIT failures from one address, whatever the user names,
# lock the address out (danvan.security.address_locked): password spraying.
AUTHENTICATION_BACKENDS = [
    "danvan.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = envint("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A sign-in refused during a lockout is not counted again: the lockout ends after the
# cool-off, however many people of a shared address keep trying meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "danvan.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "common.http.client_ip"
# Lockouts are logged as warnings; every sign-in and sign-out only when asked.
AXES_VERBOSE = envbool("AXES_VERBOSE")
# The admin of lockouts is ours (danvan/admin.py: in Vietnamese, lifting on record);
# the command line unlocks too (manage.py axes_reset_username NAME, axes_reset_ip IP).
AXES_ENABLE_ADMIN = False

# Where links in emails point to.
# Unset in production: https:// and the first of ALLOWED_HOSTS (a reset link, a
# notification's link must not point at the developer's machine).
SITE_URL = os.getenv("SITE_URL") or (
    "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0] if ALLOWED_HOSTS else ''}"
)
# Report reminders: days before the due date, then every N days after it.
REMINDER_DAYS_BEFORE = envints("REMINDER_DAYS_BEFORE", "7,3,1")
REMINDER_EVERY_DAYS_AFTER = envint("REMINDER_EVERY_DAYS_AFTER", 3)
# Directive reminders (directives.services.directive_reminders): a unit is told an
# assignment is due this many days ahead, told once it is overdue (within as many
# days after), and told its progress is missing this many days before a briefing.
DIRECTIVE_DUE_DAYS_BEFORE = envint("DIRECTIVE_DUE_DAYS_BEFORE", 7)
PROGRESS_DAYS_BEFORE_BRIEFING = envint("PROGRESS_DAYS_BEFORE_BRIEFING", 5)
# Evidence attached to progress updates.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# What an uploaded .docx or .xlsx may unpack to, read from its listing before it is
# opened (common/uploads.py): a real report is a few megabytes; a zip bomb is refused.
OFFICE_MAX_UNPACKED_BYTES = envint("OFFICE_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
# An uploaded picture (evidence, an annex) decodes to at most this many pixels: a
# phone's photo is 12 to 50 million; a small file claiming more is refused.
IMAGE_MAX_PIXELS = envint("IMAGE_MAX_PIXELS", 60_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

# PDF downloads: LibreOffice's command (common/documents/pdf.py) and how long a
# conversion may take before the reader is told to download the .docx instead.
LIBREOFFICE = os.getenv("LIBREOFFICE") or "soffice"
PDF_TIMEOUT_SECONDS = envint("PDF_TIMEOUT_SECONDS", 20)  # below gunicorn's 30 s

# The issuer of each document (header, symbol, place, signer, "Nơi nhận") is kept
# in the data, per issuing unit (reports.DocumentIssuer, in the admin), not here.

# django-simple-history records every change; a restore (danvan.backup) switches it
# off while it loads the archive's own history.
SIMPLE_HISTORY_ENABLED = True

# Logs go to stdout: readable lines in development, one JSON object per line
# in production (LOG_FORMAT=json) for the log collector.
LOG_FORMAT = os.getenv("LOG_FORMAT") or ("text" if DEBUG else "json")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: write text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Lockouts are warnings; every sign-in is already recorded in axes' access log.
        "axes": {"level": os.getenv("AXES_LOG_LEVEL", "WARNING")},
    },
}
