"""`make run`: one machine, SQLite by default, console e-mail, demo help on."""

import os

os.environ.setdefault("DEMO_MODE", "true")

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool, env_str

# The demo shows the service's own error pages, as a council's users would see them; Django's
# debug pages are a developer's choice (DEBUG=true).
DEBUG = env_bool("DEBUG", False)
# Static files from the apps and lightbulb/static as they are, without collectstatic, whether or
# not DEBUG is on (runserver serves them itself only with DEBUG on).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = env_str("SECRET_KEY", "") or "local-development-only-not-secret"
DEMO_MODE = env_bool("DEMO_MODE", True)
# E-mail stays on this machine: short messages on the console, every message under var/mail.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "lightbulb.core.mail.DevelopmentEmailBackend")
