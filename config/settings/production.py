"""Production: every secret and address from the environment, nothing defaulted.

A missing or unsafe value stops the process at start-up with one line naming the variable
(`manage.py` prints just that line; a gunicorn worker fails to boot with it), never a silent
fallback to SQLite under var/, localhost or unencrypted e-mail. `.env.example` lists them all.
"""

import os

from whitenoise.compress import Compressor

from config.env import ConfigurationError, env_bool, env_int
from config.settings.base import *  # noqa: F403
from config.settings.base import ALLOWED_HOSTS, DATABASES, DEMO_MODE, SECRET_KEY, SITE_URL

PRODUCTION = True

# Django's test and development mail backends: each loses every message in production.
_NOT_FOR_PRODUCTION_MAIL = ("console", "locmem", "dummy", "filebased", "lightbulb.core.mail")


def _notify_problem() -> str | None:
    key = os.environ.get("NOTIFY_API_KEY", "")
    # Notify's keys end with the service's id and the secret, each a 36-character UUID.
    if len(key) < 73 or key[-37] != "-":
        return "NOTIFY_API_KEY is not a GOV.UK Notify API key (name-serviceid-secret, from Notify's API integration page)"
    if not os.environ.get("NOTIFY_TEMPLATE_ID"):
        return "NOTIFY_TEMPLATE_ID is not set (the id of the generic e-mail template in GOV.UK Notify, see docs/deployment.md)"
    return None


def _mail_problem() -> str | None:
    if os.environ.get("NOTIFY_API_KEY"):
        return _notify_problem()
    backend = os.environ.get("EMAIL_BACKEND", "")
    if any(name in backend for name in _NOT_FOR_PRODUCTION_MAIL):
        return f"EMAIL_BACKEND {backend} keeps e-mail on the machine: leave it unset to send over SMTP"
    smtp = backend in ("", "django.core.mail.backends.smtp.EmailBackend")
    if smtp and not os.environ.get("EMAIL_HOST"):
        return "EMAIL_HOST is not set (the SMTP server that sends Lightbulb's e-mail; or set EMAIL_BACKEND to another mail backend)"
    return None


def _problems() -> list[str]:
    """Everything wrong with the environment, each naming its variable."""
    problems = []
    if not os.environ.get("DATABASE_URL"):
        problems.append("DATABASE_URL is not set (the PostgreSQL database, e.g. postgres://lightbulb@db.internal:5432/lightbulb)")
    elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point at PostgreSQL in production (postgres://…)")
    if not os.environ.get("ALLOWED_HOSTS") or not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is not set (the host names the service answers to, comma-separated)")
    if not os.environ.get("SITE_URL"):
        problems.append("SITE_URL is not set (the service's https:// address, used in e-mailed links)")
    elif not SITE_URL.startswith("https://"):
        problems.append(f"SITE_URL must be an https:// address in production, not {SITE_URL}")
    # Django's own deployment check asks for 50 characters, 5 of them different.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("SECRET_KEY must be set to at least 50 random characters in production")
    if DEMO_MODE:
        problems.append("DEMO_MODE must not be set in production")
    mail = _mail_problem()
    if mail:
        problems.append(mail)
    return problems


_found = _problems()
if _found:
    raise ConfigurationError("Lightbulb's production settings cannot start: " + "; ".join(_found) + ". See .env.example.")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The load balancer terminates TLS and says so in X-Forwarded-Proto (it must set or strip it).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A year of HTTPS only, for this host and any under it. `preload` only allows a later request to
# the browsers' preload list; nothing is enrolled by sending it.
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# E-mail is encrypted unless the environment says otherwise: STARTTLS on 587 by default, or
# implicit TLS with EMAIL_USE_SSL=true (port 465). EMAIL_USE_TLS=false is for a relay that
# cannot do either, and has to be said.
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_PORT = env_int("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.smtp.EmailBackend"
if os.environ.get("NOTIFY_API_KEY"):
    # GOV.UK Notify sends every message (base settings); SMTP is not used.
    EMAIL_BACKEND = "lightbulb.core.mail.NotifyEmailBackend"

# Source maps (about two thirds of the bytes) are fetched only by a developer's browser tools:
# leave them uncompressed rather than spend most of collectstatic on Brotli for them.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed file names: collectstatic fails on any url() or sourceMappingURL that
    # names a file it does not have, rather than shipping a page with a broken asset.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
