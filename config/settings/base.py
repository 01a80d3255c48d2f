"""Settings shared by every environment. Values come from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from config.env import ConfigurationError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The council this installation serves. Shown in the header of every page.
COUNCIL_NAME = env_str("COUNCIL_NAME", "Anytown Council")
SERVICE_NAME = "Lightbulb"
# Demo mode shows demo sign-in help (never set in production).
DEMO_MODE = env_bool("DEMO_MODE", False)
# True only in config.settings.production: commands that load invented data refuse to run there.
PRODUCTION = False

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "lightbulb.core",
    "lightbulb.places",
    "lightbulb.accounts",
    "lightbulb.organisations",
    "lightbulb.funding",
    "lightbulb.compact",
    "lightbulb.grants",
    "lightbulb.directory",
    "lightbulb.engagement",
    "lightbulb.concerns",
    "lightbulb.imports",
    "lightbulb.opendata",
    "lightbulb.api",
    "lightbulb.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lightbulb.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lightbulb.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lightbulb.core.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lightbulb.core.middleware.NoStoreWhenSignedInMiddleware",
    "lightbulb.accounts.middleware.DeviceMiddleware",
    "lightbulb.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "autoescape": True,
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "lightbulb.core.context_processors.layout",
            ],
        },
    },
    {
        # Django's own templates (password reset e-mail subjects, third-party apps).
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

# Unset or empty: SQLite under var/ (one-command evaluation). The production settings refuse that.
DATABASE_URL = env_str("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'lightbulb.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True)}
except ValueError as exc:
    raise ConfigurationError(f"DATABASE_URL is not a database URL such as postgres://user@host:5432/name ({exc})") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web process share the file; IMMEDIATE
    # transactions avoid "database is locked" on write upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }

# Signed-in pages kept between changes, on PostgreSQL only (lightbulb/core/page_cache.py,
# docs/adr/0012-page-cache.md). PAGE_CACHE=false builds every page afresh.
PAGE_CACHE = env_bool("PAGE_CACHE", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's password check, refusing a self-made account until its e-mail address is confirmed.
    "lightbulb.accounts.backends.VerifiedEmailBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Sessions: an idle session ends after SESSION_IDLE_MINUTES; none lasts past the browser. Django's
# database sessions, read by SQL compiled once per process (docs/adr/0009-sign-in-reads.md).
SESSION_ENGINE = "lightbulb.core.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60) * 60
# Not saved on every request: IdleSessionMiddleware restarts the idle clock at most once a minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Lockout: AXES_FAILURE_LIMIT failed sign-ins for one account from one address
# lock it for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lightbulb.accounts.views.locked_out"
# Which address counts as the client's, for lockout and the limits below: with TRUSTED_PROXY_COUNT
# proxies of the council's own in front (load balancer, reverse proxy), the address that many entries
# from the right of X-Forwarded-For; 0 (no proxy) uses the connection's address. Set it to exactly
# the number of proxies: too high lets a client choose its address, too low makes everyone one client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "lightbulb.accounts.protection.client_ip"
# Sign-up, password reset and two-factor enrolment codes: at most ACCOUNT_EMAIL_PER_ADDRESS
# messages to one address, and ACCOUNT_EMAIL_PER_CLIENT requests from one client, per window.
ACCOUNT_EMAIL_PER_ADDRESS = env_int("ACCOUNT_EMAIL_PER_ADDRESS", 5)
ACCOUNT_EMAIL_PER_CLIENT = env_int("ACCOUNT_EMAIL_PER_CLIENT", 20)
ACCOUNT_EMAIL_WINDOW_MINUTES = env_int("ACCOUNT_EMAIL_WINDOW_MINUTES", 60)
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

OTP_TOTP_ISSUER = COUNCIL_NAME

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where `collectstatic` puts the files WhiteNoise serves (or a CDN picks up).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "lightbulb" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The counting handler goes first: past REQUEST_MAX_BYTES it stops the upload before the others store it.
FILE_UPLOAD_HANDLERS = [
    "lightbulb.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "lightbulb@anytown.example")
# GOV.UK Notify: with an API key, every e-mail goes through Notify's one generic template
# (`((subject))`, `((body))`, `((link_to_file))`; docs/deployment.md) instead of SMTP.
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = env_str("NOTIFY_TEMPLATE_ID", "")
NOTIFY_REPLY_TO_ID = env_str("NOTIFY_REPLY_TO_ID", "")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
if NOTIFY_API_KEY:
    EMAIL_BACKEND = "lightbulb.core.mail.NotifyEmailBackend"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# OpenID Connect sign-in for council staff, used only when configured.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
# The provider's issuer (the ID token's `iss` must be this); the groups claim and which group gives
# which role ("admin=<group>,officer=<group>,…", first match wins). Without OIDC_ROLE_GROUPS only
# existing council accounts sign in, keeping the role an administrator gave (docs/deployment.md).
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
OIDC_ROLE_GROUPS = env_str("OIDC_ROLE_GROUPS", "")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_RP_SCOPES = "openid email profile"
LOGIN_REDIRECT_URL_FAILURE = "/account/sign-in"
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_OP_AUTHORIZATION_ENDPOINT)
OIDC_CREATE_USER = False
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("lightbulb.accounts.oidc.CouncilOIDCBackend")

# The largest file an import accepts.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# The largest request body accepted at all, checked before any of it is read: the largest import and
# room for the form around it. Set the reverse proxy's limit (client_max_body_size) to the same.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", IMPORT_MAX_BYTES + 1024 * 1024)

# Register duplicate detection: names at least this similar (0-100) at one postcode.
DUPLICATE_NAME_SIMILARITY = env_int("DUPLICATE_NAME_SIMILARITY", 88)

# Daily duties (digest e-mails, date-driven checks) start at this local time ("HH:MM").
DAILY_DUTIES_AT = env_str("DAILY_DUTIES_AT", "07:00")
# The address people use to reach this service, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
# The council's Open Contracting Data Standard prefix, registered with the Open Contracting Partnership:
# "ocds-" and six letters or digits. Every contract notice's ocid begins with it; until the council has
# one, the stand-in ocds-lghtbl is used (docs/data-standards.md).
OCDS_OCID_PREFIX = env_str("OCDS_OCID_PREFIX", "ocds-lghtbl").strip()
if not re.fullmatch(r"ocds-[a-z0-9]{6}", OCDS_OCID_PREFIX):
    raise ConfigurationError(
        f"OCDS_OCID_PREFIX must be ocds- and six lower-case letters or digits, as registered with the Open Contracting Partnership, not {OCDS_OCID_PREFIX!r}"
    )
# A monitoring return is due this many months after its period ends.
RETURN_DUE_AFTER_MONTHS = env_int("RETURN_DUE_AFTER_MONTHS", 1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): scripts only from this site and only with the request's
# nonce (the base template puts it on every <script>, GOV.UK Frontend's inline one included), so
# injected markup cannot run script. Stylesheets and <style> only from this site. Images may be
# data: URIs (the two-factor QR code). Nothing may frame the service.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # No style="" attributes either: every look is a class in frontend/scss.
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "lightbulb.core.views.error_csrf"
