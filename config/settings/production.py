"""Production: every secret from the environment, nothing defaulted."""

from config.env import ConfigurationError, env_bool
from config.settings.base import *  # noqa: F403
from config.settings.base import DEMO_MODE, SECRET_KEY

if not SECRET_KEY or len(SECRET_KEY) < 40:
    raise ConfigurationError("SECRET_KEY must be set to at least 40 random characters in production")
if DEMO_MODE:
    raise ConfigurationError("DEMO_MODE must not be set in production")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
