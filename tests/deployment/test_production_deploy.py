"""docs/deployment.md, run as written, serves every page with every asset.

On a fresh PostgreSQL database and with production settings, in subprocesses: `collectstatic`
into an empty STATIC_ROOT, `migrate`, `check --deploy`, `createsuperuser --noinput`, then
gunicorn, the worker and the scheduler, each the command the guide shows (gunicorn on a free
loopback port). Then, through gunicorn as a browser behind the load balancer: the sign-in page;
the first administrator signs in, proves it is them with the code the worker e-mails (over SMTP,
to a relay on loopback) and sets up two-factor authentication from the key the page shows; adds an
officer, who is e-mailed an invitation, sets a password through it and sets up two-factor
authentication too; the officer's pages.
Every /static/ file each page names (<link href>, <script src>, <img src>), and every file
those name in turn (CSS url(), sourceMappingURL, ES module imports), answers 200. The scheduler
starts the daily digest (DAILY_DUTIES_AT is 00:00) and the worker runs it. Finally every process
stops on SIGTERM with no traceback in its output.

Run by `make test-deployment` (part of `make test`); needs PostgreSQL on 127.0.0.1:5432 and the
built assets (`npm run build`).
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import psycopg
import pytest
from django_otp.oath import totp

from tests.deployment.tools import Answer, Browser, MailSink, Tag, asset_urls, free_port, page_tags, plain_text, referenced_files

pytestmark = pytest.mark.deployment

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deployment.md"
VENV_BIN = Path(sys.executable).parent

# The guide's commands, word for word (the first test checks it still shows each one).
COLLECTSTATIC = ".venv/bin/python manage.py collectstatic --noinput"
MIGRATE = ".venv/bin/python manage.py migrate --noinput"
CHECK_DEPLOY = ".venv/bin/python manage.py check --deploy --fail-level WARNING"
CREATE_ADMIN = ".venv/bin/python manage.py createsuperuser --noinput"
GUNICORN = ".venv/bin/gunicorn config.wsgi --bind 0.0.0.0:8000 --workers 4 --access-logfile -"
WORKER = ".venv/bin/python manage.py db_worker --queue-name '*'"
SCHEDULER = ".venv/bin/python manage.py run_scheduler"
DOCUMENTED = [COLLECTSTATIC, MIGRATE, CHECK_DEPLOY, CREATE_ADMIN, GUNICORN, WORKER, SCHEDULER]

ADMIN = {"email": "first.admin@anytown.gov.uk", "name": "First Administrator", "password": secrets.token_urlsafe(16)}
OFFICER = {"email": "grants.officer@anytown.gov.uk", "name": "Grants Officer", "password": secrets.token_urlsafe(16)}
OFFICER_PAGES = ["/", "/organisations/", "/compact/"]
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")


def test_the_guide_shows_each_command_this_test_runs():
    guide = GUIDE.read_text()
    missing = [command for command in DOCUMENTED if command not in guide]
    assert not missing, f"docs/deployment.md no longer shows: {missing}"


def test_the_documented_deployment_serves_signed_in_pages_with_every_asset(tmp_path):
    started = time.monotonic()
    with fresh_database() as database_url, mail_relay() as relay:
        port = free_port()
        env = production_environment(database_url=database_url, port=port, mail_port=relay.port, tmp=tmp_path)
        run(COLLECTSTATIC, env)
        run(MIGRATE, env)
        assert run(CHECK_DEPLOY, env).strip() == "System check identified no issues (0 silenced)."
        run(CREATE_ADMIN, env)
        with running([GUNICORN, WORKER, SCHEDULER], env, tmp_path, port) as logs:
            wait_until_serving(port, logs)
            check_sign_in_page(Browser(port))
            admin = Browser(port)
            sign_in_with_new_authenticator(admin, ADMIN, relay)
            check_page(admin, "/", signed_in=True)
            add_officer(admin, relay)
            officer = Browser(port)
            accept_invitation(officer, relay)
            for path in OFFICER_PAGES:
                check_page(officer, path, signed_in=True)
            wait_for_digest(database_url, logs)
    print(f"deployment test: {time.monotonic() - started:.1f} s")


# --- The server, its database and its mail ---------------------------------------------------------


def _admin_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else "postgres://postgres@127.0.0.1:5432/postgres"


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database of our own, dropped afterwards."""
    admin_url = _admin_database_url()
    name = f"lightbulb_deploytest_{secrets.token_hex(6)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def mail_relay() -> Iterator[MailSink]:
    relay = MailSink().start()
    try:
        yield relay
    finally:
        relay.stop()


def production_environment(*, database_url: str, port: int, mail_port: int, tmp: Path) -> dict[str, str]:
    """The variables .env.example lists, filled in as a council would, and nothing from the developer's shell."""
    env = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "SYSTEMROOT")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "COUNCIL_NAME": "Anytown Council",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_port),
        # The relay on loopback speaks plain SMTP; production e-mail is encrypted unless told otherwise.
        "EMAIL_USE_TLS": "false",
        "DEFAULT_FROM_EMAIL": "lightbulb@anytown.gov.uk",
        "STATIC_ROOT": str(tmp / "staticfiles"),
        "MEDIA_ROOT": str(tmp / "media"),
        # The daily duties are due as soon as the scheduler starts.
        "DAILY_DUTIES_AT": "00:00",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SUPERUSER_EMAIL": ADMIN["email"],
        "DJANGO_SUPERUSER_FULL_NAME": ADMIN["name"],
        "DJANGO_SUPERUSER_PASSWORD": ADMIN["password"],
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return env


def argv(command: str, port: int) -> list[str]:
    """The guide's command for this machine: this virtualenv, and gunicorn on a free loopback port."""
    words = shlex.split(command)
    words[0] = str(VENV_BIN / Path(words[0]).name)
    if words[0].endswith("gunicorn"):
        words[words.index("--bind") + 1] = f"127.0.0.1:{port}"
        words[words.index("--workers") + 1] = "2"
    return words


def run(command: str, env: dict[str, str]) -> str:
    began = time.monotonic()
    done = subprocess.run(argv(command, 0), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    print(f"{command}: {time.monotonic() - began:.1f} s")
    return done.stdout


class Logs(dict[str, Path]):
    """Each long-running process's output, to show when something fails."""

    def tails(self) -> str:
        return "\n".join(f"--- {name}:\n{path.read_text()[-2500:]}" for name, path in self.items())


@contextmanager
def running(commands: list[str], env: dict[str, str], tmp: Path, port: int) -> Iterator[Logs]:
    """Start each command; on the way out stop each with SIGTERM, as systemd would, and insist on a clean stop."""
    logs = Logs()
    processes: dict[str, subprocess.Popen[bytes]] = {}
    files: list[IO[bytes]] = []
    try:
        for command in commands:
            words = shlex.split(command)
            name = Path(words[0]).name if "gunicorn" in command else words[2]
            logs[name] = tmp / f"{name}.log"
            files.append(log := logs[name].open("wb"))
            processes[name] = subprocess.Popen(argv(command, port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        yield logs
        for name, process in processes.items():
            assert process.poll() is None, f"{name} stopped early ({process.returncode}):\n{logs.tails()}"
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in files:
            log.close()
    assert "Traceback" not in logs.tails(), logs.tails()


def wait_until_serving(port: int, logs: Logs) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            answer = Browser(port).get("/healthz")
        except OSError:
            time.sleep(0.25)
            continue
        assert answer.status == 200, f"/healthz answered {answer.status}: {answer.text}\n{logs.tails()}"
        return
    raise AssertionError(f"gunicorn did not answer within 60 s:\n{logs.tails()}")


def wait_for_digest(database_url: str, logs: Logs) -> None:
    """The scheduler started the daily digest and a worker ran it."""
    deadline = time.monotonic() + 30
    status = None
    while time.monotonic() < deadline:
        with psycopg.connect(database_url) as connection:
            row = connection.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = 'lightbulb.core.tasks.send_daily_digests'"
            ).fetchone()
        status = row[0] if row else None
        if status in ("SUCCESSFUL", "FAILED"):
            break
        time.sleep(0.5)
    assert status == "SUCCESSFUL", f"the daily digest task is {status}:\n{logs.tails()}"


# --- A person's steps ---------------------------------------------------------------------------------


def sign_in_with_new_authenticator(browser: Browser, person: dict[str, str], relay: MailSink) -> None:
    """Sign in; prove it is you with the code the worker e-mails; set up the authenticator from the key the page shows."""
    answer = browser.submit("/account/sign-in", {"email": person["email"], "password": person["password"]})
    assert answer.status == 302, f"signing in as {person['email']} answered {answer.status}"
    prove = browser.follow(answer)
    assert "Check it is you" in prove.text, f"a password alone reached the authenticator set-up:\n{prove.text[:1500]}"
    code = emailed_code(relay, person["email"])
    answer = browser.post(browser.last_path, {"code": code}, prove)
    assert answer.status == 302, f"the e-mailed code was refused:\n{answer.text[:2000]}"
    set_up_authenticator(browser, browser.follow(answer))


def emailed_code(relay: MailSink, address: str) -> str:
    """The code in the newest e-mail to `address`: the worker sends it, so wait for it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for message in reversed(relay.messages):
            found = re.search(r"Your code is (\d{6})", plain_text(message)) if message["To"] == address else None
            if found:
                return found.group(1)
        time.sleep(0.25)
    raise AssertionError(f"no code was e-mailed to {address}: {[message['Subject'] for message in relay.messages]}")


def set_up_authenticator(browser: Browser, setup: Answer) -> None:
    """Set up two-factor authentication from the key the page shows, as with a phone; ten recovery codes follow."""
    key = re.search(r'id="totp-secret">\s*([A-Z2-7]+)\s*<', setup.text)
    assert key, "the two-factor set-up page shows no key"
    secret = key.group(1)
    code = totp(base64.b32decode(secret + "=" * (-len(secret) % 8)), step=30, t0=0, digits=6)
    answer = browser.post(browser.last_path, {"code": f"{code:06d}", "next": "/"}, setup)
    assert answer.status == 302, f"the two-factor code was refused:\n{answer.text[:2000]}"
    codes = browser.follow(answer)
    assert codes.status == 200 and "Recovery codes" in codes.text, "no recovery codes were offered"
    assert browser.get("/").status == 200


def add_officer(admin: Browser, relay: MailSink) -> None:
    fields = {"full_name": OFFICER["name"], "email": OFFICER["email"], "role": "officer", "is_active": "on", "job_title": "", "service_area": ""}
    answer = admin.submit("/account/users/add", fields)
    assert answer.status == 302, f"adding the officer answered {answer.status}:\n{answer.text[:2000]}"
    deadline = time.monotonic() + 30
    while OFFICER["email"] not in [message["To"] for message in relay.messages] and time.monotonic() < deadline:
        time.sleep(0.25)  # the worker sends the invitation
    assert OFFICER["email"] in [message["To"] for message in relay.messages], "the officer was not sent an invitation"


def accept_invitation(officer: Browser, relay: MailSink) -> None:
    """The invitation's link sets the password and is the proof for the first authenticator."""
    invitation = next(message for message in reversed(relay.messages) if message["To"] == OFFICER["email"])
    link = re.search(r"https://\S+/account/invitation/\S+", plain_text(invitation))
    assert link, "the invitation has no link"
    assert link.group(0).startswith(officer.origin + "/"), f"the e-mailed link is not on the site: {link.group(0)}"
    path = urlsplit(link.group(0)).path
    answer = officer.submit(path, {"new_password": OFFICER["password"]})
    assert answer.status == 302, f"accepting the invitation answered {answer.status}:\n{answer.text[:2000]}"
    set_up_authenticator(officer, officer.follow(answer))


# --- What every page must be ---------------------------------------------------------------------------


def check_sign_in_page(browser: Browser) -> None:
    check_page(browser, "/account/sign-in", signed_in=False)


def check_page(browser: Browser, path: str, *, signed_in: bool) -> None:
    answer = browser.get(path)
    assert answer.status == 200, f"{path} answered {answer.status}"
    check_headers(path, answer, signed_in=signed_in)
    tags = page_tags(answer.text)
    check_script_nonces(path, answer, tags)
    assets = asset_urls(tags)
    assert any(url.endswith(".css") for url in assets) and any(url.endswith(".js") for url in assets), f"{path} names no stylesheet or script"
    unhashed = [url for url in assets if not HASHED.search(url)]
    assert not unhashed, f"{path} names static files without a hashed name (manifest storage not in use?): {unhashed}"
    check_assets(browser, path, assets)


def check_headers(path: str, answer: Answer, *, signed_in: bool) -> None:
    assert "includeSubDomains" in answer.headers.get("strict-transport-security", ""), f"{path}: no HSTS with subdomains"
    cache = answer.headers.get("cache-control", "")
    if signed_in:
        assert "no-store" in cache, f"{path} signed in: Cache-Control is {cache!r}"
    else:
        assert "no-store" not in cache, f"{path} signed out should stay cacheable: Cache-Control is {cache!r}"


def check_script_nonces(path: str, answer: Answer, tags: list[Tag]) -> None:
    policy = answer.headers.get("content-security-policy", "")
    directives = {name: value for name, _, value in (part.strip().partition(" ") for part in policy.split(";") if part.strip())}
    script_src = directives.get("script-src", "")
    assert "'unsafe-inline'" not in script_src and "'unsafe-inline'" not in directives.get("style-src", "x"), policy
    nonce = re.search(r"'nonce-([^']+)'", script_src)
    assert nonce, f"{path}: no nonce in script-src: {policy!r}"
    scripts = [tag for tag in tags if tag.name == "script"]
    assert scripts and all(tag.attrs.get("nonce") == nonce.group(1) for tag in scripts), f"{path}: a <script> without the page's nonce"


def check_assets(browser: Browser, page: str, urls: list[str]) -> None:
    """Each file answers 200, and so does each file it names in turn."""
    seen: set[str] = set()
    queue = list(urls)
    failed = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        answer = browser.get(url)
        if answer.status != 200 or not answer.body:
            failed.append(f"{url} ({answer.status})")
            continue
        if HASHED.search(url):
            assert "immutable" in answer.headers.get("cache-control", ""), f"{url}: a hashed file should be cached for ever"
        queue += referenced_files(url, answer)
    assert not failed, f"{page} names files that do not load: {failed}"
    print(f"{page}: {len(seen)} static files load")
