"""`make run`: one machine, SQLite by default, console e-mail, demo help on."""

import os

os.environ.setdefault("DEMO_MODE", "true")

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "") or "local-development-only-not-secret"
DEMO_MODE = env_bool("DEMO_MODE", True)
# E-mail stays on this machine: short messages on the console, every message under var/mail.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "lightbulb.core.mail.DevelopmentEmailBackend")
