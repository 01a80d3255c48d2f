"""What a person's browser would show as broken on a page: JavaScript errors and assets that did not load.

conftest.py watches every page the browser tests open; assert_accessible (axe.py) and each
test's teardown fail on anything found, so a page that throws, logs an error or misses a
script, stylesheet or image cannot pass the gate however good its markup is.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse
from weakref import WeakKeyDictionary

from django.conf import settings
from playwright.sync_api import ConsoleMessage, Page, Request, Response

# Requests for the page's own furniture: any error answer means part of the page is missing.
ASSET_TYPES = {"script", "stylesheet", "image", "font", "media", "manifest", "texttrack"}
# Background requests (htmx): an error answer is a broken enhancement.
FETCH_TYPES = {"fetch", "xhr"}
# Chromium repeats every error answer on the console as "Failed to load resource: …". The
# network listeners below judge those with the request's type in hand (a test may visit a
# 404 page on purpose), so the console copy is not counted twice.
NETWORK_ECHO = "Failed to load resource:"

_found: WeakKeyDictionary[Page, list[str]] = WeakKeyDictionary()
# Paths a test visits expecting the page itself to answer with an error (the service's own 500 page).
_expected_errors: WeakKeyDictionary[Page, set[str]] = WeakKeyDictionary()


def expect_error_page(page: Page, path: str) -> None:
    """`path` is visited to see the service's own error page: its document's error status is the point, not a problem."""
    _expected_errors.setdefault(page, set()).add(path)


def watch(page: Page) -> None:
    """Start recording `page`'s JavaScript errors, console errors and failed asset requests."""
    if page in _found:
        return
    found: list[str] = []
    _found[page] = found
    answered_badly: set[Request] = set()

    def on_page_error(error: Exception) -> None:
        found.append(f"JavaScript error at {page.url}: {error}")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(NETWORK_ECHO):
            source = message.location.get("url")
            found.append(f"console error at {page.url}{f' (from {source})' if source and source != page.url else ''}: {message.text}")

    def on_request_failed(request: Request) -> None:
        if request in answered_badly:  # Chromium then drops the body: already reported below
            return
        failure = request.failure or "failed"
        # ERR_ABORTED is the browser cancelling a request itself: a navigation that became a
        # download, or a favicon or htmx poll cut short because the test moved to the next page.
        # A missing asset is not hidden by this: it has an error answer, reported below.
        if failure == "net::ERR_ABORTED":
            return
        found.append(f"{request.resource_type} request failed ({failure}) on {page.url}: {request.method} {request.url}")

    def on_response(response: Response) -> None:
        if response.status < 400:
            return
        kind = response.request.resource_type
        if kind == "document" and urlparse(response.url).path in _expected_errors.get(page, ()):
            return
        static = urlparse(response.url).path.startswith(settings.STATIC_URL)
        if kind in ASSET_TYPES or kind in FETCH_TYPES or static or response.status >= 500:
            answered_badly.add(response.request)
            found.append(f"{kind} answered {response.status} on {page.url}: {response.request.method} {response.url}")

    page.on("pageerror", on_page_error)
    page.on("console", on_console)
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)


def browser_problems(page: Page) -> list[str]:
    """Everything recorded on `page` so far (the page must have been watched)."""
    if page not in _found:
        raise AssertionError("this page is not watched: open pages through the browser fixtures, or call tests.browser.problems.watch(page)")
    return list(_found[page])


def assert_no_browser_problems(page: Page, where: str = "") -> None:
    problems = browser_problems(page)
    if problems:
        lines = "\n".join(f"- {problem}" for problem in problems)
        raise AssertionError(f"the browser found {len(problems)} problem(s) on {where or page.url}:\n{lines}")


def unstarted_components(page: Page) -> list[str]:
    """Elements with a data-module that GOV.UK Frontend or MOJ Frontend never started.

    Both libraries mark a component's element `data-<module>-init` once it has started, so a
    leftover is a page whose scripts did not run (or a module neither library provides).
    """
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-module]')]
            .filter((el) => !el.hasAttribute(`data-${el.dataset.module}-init`))
            .map((el) => `<${el.tagName.toLowerCase()} data-module="${el.dataset.module}">`)"""
    )


# htmx elements that ask the server again every few seconds (a progress bar): a page holding one is still working.
POLLING = "[hx-trigger*='every']"


def keeps_polling(page: Page) -> bool:
    """The page asks the server again by itself: a tab showing it is left open to the end of the test (its later
    answers still watched) rather than taken on to the next page, which would cut its polls short unreported."""
    return page.locator(POLLING).count() > 0


class RoleTabs:
    """One tab per role, taken from page to page as a person goes (a new tab is a new Chromium renderer, 0.12 s):
    `tabs(who)` gives the role's tab, opening it with `open_tab(who)` the first time. `checked()` after each page
    leaves a tab that keeps polling open to the end of the test, its later answers still watched, and `broken()`
    after a failure gives every role a fresh tab, so nothing left of a broken page is carried on."""

    def __init__(self, open_tab: Callable[[str], Page]) -> None:
        self.open_tab = open_tab
        self.tabs: dict[str, Page] = {}

    def __call__(self, who: str) -> Page:
        if who not in self.tabs:
            self.tabs[who] = self.open_tab(who)
        return self.tabs[who]

    def checked(self) -> None:
        for who, tab in list(self.tabs.items()):
            if keeps_polling(tab):
                del self.tabs[who]

    def broken(self) -> None:
        self.tabs.clear()
