"""A real browser against a live server: one Chromium for the run, a fresh context per test.

Every page a test opens is watched (problems.py): a JavaScript error, a console error or an
asset that fails to load fails the test, whether or not the test runs axe on that page.

Run through `make test-browser`. Chromium is Debian's (/usr/bin/chromium), since
Playwright cannot download its own build here; axe-core comes from npm.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from lightbulb.accounts.models import User
from tests.browser.problems import browser_problems, watch
from tests.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

CHROMIUM = os.environ.get("LIGHTBULB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BUILT_CSS = Path(settings.BASE_DIR) / "lightbulb" / "static" / "dist" / "main.css"
RESULTS = Path(settings.BASE_DIR) / "test-results"
TWO_FACTOR_ROLES = {"officer", "investigator", "admin"}


def totp_code(device: TOTPDevice, *, ahead: int = 0) -> str:
    """The code an authenticator app would show now (or `ahead` steps later) for `device`."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + ahead * device.step
    return str(totp.token()).zfill(device.digits)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not BUILT_CSS.exists():
        pytest.fail(f"{BUILT_CSS} is missing: run `npm ci && npm run build` (or `make assets`) before the browser tests", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps`", pytrace=False)
    # Playwright's sync API keeps an event loop in this thread, which Django's
    # guard against async ORM use would otherwise refuse; the tests are synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # launch() gives every run a fresh temporary profile (user data dir) of its own.
    with tempfile.TemporaryDirectory(prefix="lightbulb-chromium-") as downloads, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, downloads_path=downloads)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class WatchedContexts:
    """Browser contexts whose every page is watched for JavaScript errors and failed assets (problems.py)."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self.pages: list[Page] = []

    def new_context(self, **options: Any) -> BrowserContext:
        ctx = self.browser.new_context(base_url=self.base_url, locale="en-GB", viewport={"width": 1280, "height": 900}, **options)
        ctx.set_default_timeout(15_000)
        ctx.on("page", self._watch)
        self.contexts.append(ctx)
        return ctx

    def _watch(self, page: Page) -> None:
        watch(page)
        self.pages.append(page)

    def close(self) -> None:
        """Close every context, then fail if any page met a problem the test itself did not check for."""
        problems = [problem for page in self.pages for problem in browser_problems(page)]
        for ctx in self.contexts:
            ctx.close()
        if problems:
            lines = "\n".join(f"- {problem}" for problem in dict.fromkeys(problems))
            pytest.fail(f"the browser found {len(problems)} problem(s) during the test:\n{lines}", pytrace=False)


@pytest.fixture
def watched(browser: Browser, live_server) -> Iterator[WatchedContexts]:
    contexts = WatchedContexts(browser, live_server.url)
    yield contexts
    contexts.close()


@pytest.fixture
def context(watched: WatchedContexts) -> BrowserContext:
    return watched.new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def new_page(watched: WatchedContexts) -> Callable[[], Page]:
    """Pages in contexts of their own (separate cookies), closed after the test."""
    return lambda: watched.new_context().new_page()


def user_for(role: str, **kwargs: Any) -> User:
    """A user of `role` who signs in with tests.factories.PASSWORD; staff roles get a confirmed authenticator."""
    user = UserFactory(role=role, email=kwargs.pop("email", f"{role}@browser.example"), full_name=kwargs.pop("full_name", f"{role.title()} Browser"), **kwargs)
    if user.needs_two_factor:
        TOTPDevice.objects.get_or_create(user=user, name="Phone", defaults={"confirmed": True})
    return user


def sign_in_through_form(page: Page, user: User, *, password: str = PASSWORD) -> None:
    """Sign in as a person does: the sign-in form, then the code from the authenticator app."""
    page.goto(reverse("accounts:sign_in"))
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if user.needs_two_factor:
        assert "/account/two-factor" in page.url, f"{user.email} was not asked for a code (at {page.url})"
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        page.get_by_label("Code from your authenticator app").fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    assert "/account/sign-in" not in page.url and "/account/two-factor" not in page.url, f"{user.email} could not sign in (at {page.url})"


@pytest.fixture
def page_as(new_page) -> Callable[..., Page]:
    """page_as(role, user=None): a page in its own context, signed in through the real forms ("anon": signed out).

    Without `user`, a new user of `role` is made (see user_for).
    """

    def make(role: str, user: User | None = None) -> Page:
        page = new_page()
        if role != "anon":
            sign_in_through_form(page, user or user_for(role))
        return page

    return make


@pytest.fixture
def signed_in_page(new_page, live_server) -> Callable[[User | None], Page]:
    """A page already signed in as a user through a session the test client made (two-factor passed).

    The page sweep visits every route; signing in through the forms for each would
    triple its time, and test_journeys covers those forms.
    """

    def make(user: User | None) -> Page:
        page = new_page()
        if user is not None:
            cookie = sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME]
            page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
        return page

    return make


def screenshot(page: Page, name: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
