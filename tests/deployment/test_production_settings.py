"""config.settings.production refuses to start without what a council's production needs.

Each check is a real process start (`manage.py`, gunicorn) with production settings and one
variable missing or wrong: it must exit non-zero with one line naming the variable, instead of
falling back to SQLite under var/, localhost or unencrypted e-mail.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.deployment

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

# The documented production variables, as .env.example describes them.
DOCUMENTED = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgres://lightbulb@db.internal:5432/lightbulb",
    "ALLOWED_HOSTS": "lightbulb.example.gov.uk",
    "SITE_URL": "https://lightbulb.example.gov.uk",
    "EMAIL_HOST": "smtp.example.gov.uk",
}


def production_env(**changes: str | None) -> dict[str, str]:
    """This machine's PATH and locale, the documented variables, then `changes` (None removes one)."""
    env = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "LC_ALL", "TZ")}
    env |= DOCUMENTED | {"PYTHONDONTWRITEBYTECODE": "1"}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args: str, **changes: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=production_env(**changes), capture_output=True, text=True, timeout=120, check=False)


def assert_refused_naming(done: subprocess.CompletedProcess[str], variable: str) -> None:
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0, f"started without a good {variable}: {done.stdout}"
    assert len(lines) == 1, f"expected one line naming {variable}, got:\n{done.stderr}"
    assert re.search(rf"\b{variable}\b", lines[0]), lines[0]


@pytest.mark.parametrize("variable", ["DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL", "EMAIL_HOST", "SECRET_KEY"])
def test_refuses_to_start_without(variable):
    assert_refused_naming(manage("check", **{variable: None}), variable)


@pytest.mark.parametrize("variable", ["DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL", "EMAIL_HOST", "SECRET_KEY"])
def test_an_empty_value_is_missing_too(variable):
    assert_refused_naming(manage("check", **{variable: ""}), variable)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "sqlite:///var/lightbulb.sqlite3"),
        ("DATABASE_URL", "db.internal:5432/lightbulb"),
        ("SITE_URL", "http://lightbulb.example.gov.uk"),
        ("SECRET_KEY", "too-short"),
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        ("DEMO_MODE", "true"),
    ],
)
def test_refuses_an_unsafe_value(variable, value):
    assert_refused_naming(manage("check", **{variable: value}), variable)


def test_names_every_missing_variable_on_its_one_line():
    done = manage("check", DATABASE_URL=None, SITE_URL=None)
    assert_refused_naming(done, "DATABASE_URL")
    assert "SITE_URL" in done.stderr


def test_another_mail_backend_needs_no_smtp_host():
    done = manage("check", EMAIL_HOST=None, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    assert_refused_naming(done, "EMAIL_HOST")
    assert manage("check", EMAIL_HOST=None, EMAIL_BACKEND="anymail.backends.amazon_ses.EmailBackend").returncode == 0


def test_gunicorn_does_not_boot_without_a_database():
    done = subprocess.run(
        [GUNICORN, "config.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
        cwd=ROOT,
        env=production_env(DATABASE_URL=None),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "DATABASE_URL is not set" in done.stderr


def test_check_deploy_with_the_documented_variables_prints_no_warning():
    done = manage("check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "System check identified no issues (0 silenced).", done.stdout + done.stderr
    assert done.stderr == ""


def test_encrypted_email_and_hsts_with_subdomains_by_default():
    code = "from django.conf import settings as s; print(s.EMAIL_USE_TLS, s.EMAIL_PORT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG)"
    done = manage("shell", "-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].split() == ["True", "587", "31536000", "True", "False"]


def test_seed_demo_refuses_to_run_under_production_settings():
    done = manage("seed_demo", "--scale", "tiny")
    assert done.returncode != 0
    assert "refuses to run under production settings" in done.stderr


def _variables_read() -> set[str]:
    pattern = re.compile(r"""(?:env_(?:str|int|bool|list)\(|os\.environ(?:\.get)?[\[(]|getenv\()\s*["']([A-Z][A-Z0-9_]+)["']""")
    names: set[str] = set()
    for folder in ("config", "lightbulb"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(pattern.findall(path.read_text()))
    return names


def test_env_example_lists_every_variable_read():
    listed = set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = _variables_read()
    assert {"DATABASE_URL", "SITE_URL", "STATIC_ROOT"} <= read  # the pattern still finds them
    assert not read - listed, f".env.example does not list: {sorted(read - listed)}"
