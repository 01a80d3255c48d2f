"""The browser gate can fail: deliberate faults on made-up pages, caught by the same helpers.

Every other browser test passes only if these helpers stay strict; each fault here is one a
product page once had (an ES module loaded as a classic script, content outside a landmark).
The pages are made up (page.set_content, or a route answered by the test), never product pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from playwright.sync_api import Browser, Page

from lightbulb.core.tables import stacked_table
from tests.browser.axe import assert_accessible
from tests.browser.conftest import WatchedContexts
from tests.browser.problems import assert_no_browser_problems, browser_problems
from tests.browser.reflow import assert_reflows

pytestmark = pytest.mark.browser

CLEAN = """<!DOCTYPE html><html lang="en-GB"><head><title>Gate check</title></head>
<body>
  <header><p>A header</p></header>
  <main id="main-content"><h1>Gate check</h1>{main}</main>
  <footer><p>A footer</p></footer>
  {after}
</body></html>"""

# A page built like the base template: its classes, and the scripts it loads.
LIKE_BASE = """<!DOCTYPE html><html lang="en-GB" class="govuk-template"><head><title>Gate check</title>
  <meta name="htmx-config" content='{"includeIndicatorStyles": false}'></head>
<body class="govuk-template__body js-enabled govuk-frontend-supported">
  <main id="main-content"><h1>Gate check</h1>
    <table class="govuk-table" data-module="moj-sortable-table">
      <caption class="govuk-table__caption">Organisations</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header" aria-sort="ascending">Name</th>
        <th scope="col" class="govuk-table__header" aria-sort="none">Ward</th>
      </tr></thead>
      <tbody class="govuk-table__body">
        <tr class="govuk-table__row"><td class="govuk-table__cell">Anytown Food Bank</td><td class="govuk-table__cell">Riverside</td></tr>
        <tr class="govuk-table__row"><td class="govuk-table__cell">Brook Lane Allotments</td><td class="govuk-table__cell">Abbey</td></tr>
      </tbody>
    </table>
    <button type="button" class="govuk-button" data-module="govuk-button">Save</button>
  </main>
  <script src="/static/dist/js/accessible-autocomplete.min.js" nonce="gate-check"></script>
  <script src="/static/dist/js/htmx.min.js" nonce="gate-check"></script>
  <script type="module" src="/static/dist/js/lightbulb.js" nonce="gate-check"></script>
</body></html>"""
# What django-csp would send with nonces: only scripts carrying the page's nonce may run, so the
# module's own imports must be allowed through the nonce, and nothing may fall back to inline code.
NONCE_ONLY_POLICY = "default-src 'self'; script-src 'nonce-gate-check'; object-src 'none'; base-uri 'none'"


@pytest.fixture
def watched_here(browser: Browser, live_server) -> Iterator[WatchedContexts]:
    """Watched contexts that this module closes itself, so the deliberate faults fail only where asserted."""
    contexts = WatchedContexts(browser, live_server.url)
    yield contexts
    for ctx in contexts.contexts:
        ctx.close()


def serve(page: Page, html: str, path: str = "/gate-check/", headers: dict[str, str] | None = None) -> None:
    """Answer `path` on the live server with `html`, so relative asset URLs hit the real static files."""
    page.route(f"**{path}", lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html, headers=headers))
    page.goto(path)


def fails_with(page: Page, *expected: str) -> str:
    with pytest.raises(AssertionError) as caught:
        assert_accessible(page, "the gate check")
    message = str(caught.value)
    for text in expected:
        assert text in message, f"expected {text!r} in the gate's report:\n{message}"
    return message


def test_a_clean_page_passes(watched_here):
    """The control: without a fault the helpers find nothing, so the failures below are the faults'."""
    page = watched_here.new_context().new_page()
    page.set_content(CLEAN.format(main="<p>Nothing wrong here.</p>", after=""))
    assert_accessible(page, "a clean page")


def test_a_javascript_error_fails(watched_here):
    page = watched_here.new_context().new_page()
    page.set_content(CLEAN.format(main="", after="<script>undefinedFunction()</script>"))
    fails_with(page, "JavaScript error", "undefinedFunction is not defined")


def test_an_es_module_loaded_as_a_classic_script_fails(watched_here):
    """The fault this gate was built for: `export` in a classic <script>."""
    page = watched_here.new_context().new_page()
    serve(page, CLEAN.format(main="", after='<script src="/static/dist/js/moj-frontend.min.js"></script>'))
    fails_with(page, "JavaScript error", "export")


def test_a_console_error_fails(watched_here):
    page = watched_here.new_context().new_page()
    page.set_content(CLEAN.format(main="", after='<script>console.error("deliberate console error")</script>'))
    fails_with(page, "console error", "deliberate console error")


def test_a_missing_asset_fails(watched_here):
    page = watched_here.new_context().new_page()
    missing = (
        '<link rel="stylesheet" href="/static/dist/no-such.css">'
        '<img src="/static/dist/no-such.png" alt="A picture">'
        '<script src="/static/dist/js/no-such.js"></script>'
    )
    serve(page, CLEAN.format(main=missing, after=""))
    # The status is the server's business (404 here); the gate must name each file that failed.
    fails_with(page, "stylesheet answered", "no-such.css", "image answered", "no-such.png", "script answered", "no-such.js")


def test_a_request_that_never_answers_fails(watched_here):
    page = watched_here.new_context().new_page()
    page.route("**/static/dist/js/cut-off.js", lambda route: route.abort("connectionrefused"))
    serve(page, CLEAN.format(main="", after='<script src="/static/dist/js/cut-off.js"></script>'))
    fails_with(page, "script request failed", "cut-off.js")


def test_content_outside_a_landmark_fails(watched_here):
    page = watched_here.new_context().new_page()
    page.set_content(CLEAN.format(main="", after="<p>A banner nobody put in a landmark.</p>"))
    assert_no_browser_problems(page)
    fails_with(page, "region")


def test_a_best_practice_fault_fails(watched_here):
    """best-practice rules run beside WCAG: a page without an <h1>, headings skipping a level."""
    page = watched_here.new_context().new_page()
    page.set_content(CLEAN.format(main="<h4>Skipped a level</h4>", after="").replace("<h1>Gate check</h1>", "<h2>No h1</h2>"))
    fails_with(page, "page-has-heading-one", "heading-order")


def test_a_component_that_never_started_fails(watched_here):
    """Markup asks for a GOV.UK component but no script started it (the page's scripts did not run)."""
    page = watched_here.new_context().new_page()
    page.set_content(CLEAN.format(main='<button type="button" class="govuk-button" data-module="govuk-button">Save</button>', after=""))
    fails_with(page, "components never started", 'data-module="govuk-button"')


def test_a_problem_no_assertion_looked_at_still_fails_the_test(watched_here):
    """A journey that never calls assert_accessible still fails when its page throws: at teardown."""
    page = watched_here.new_context().new_page()
    page.set_content(CLEAN.format(main="", after="<script>throw new Error('unseen')</script>"))
    assert any("unseen" in problem for problem in browser_problems(page))
    with pytest.raises(pytest.fail.Exception, match="unseen"):
        watched_here.close()


def test_the_bundle_starts_govuk_and_moj_components(watched_here):
    """lightbulb.js, loaded as the base template loads it, starts GOV.UK Frontend and MOJ Frontend,
    under a nonce-only Content-Security-Policy."""
    page = watched_here.new_context().new_page()
    serve(page, LIKE_BASE, headers={"Content-Security-Policy": NONCE_ONLY_POLICY})
    assert_accessible(page, "a page like the base template")
    # MOJ's sortable table turns each heading into a button and sorts on a click.
    page.get_by_role("button", name="Ward").click()
    assert page.locator("tbody tr").first.inner_text().startswith("Brook Lane Allotments")
    assert page.locator("[data-govuk-button-init]").count() == 1


def test_a_script_without_the_nonce_is_refused(watched_here):
    """The control for the policy above: it does bite, and the gate reports the refusal."""
    page = watched_here.new_context().new_page()
    serve(page, LIKE_BASE.replace(' nonce="gate-check"', ""), headers={"Content-Security-Policy": NONCE_ONLY_POLICY})
    fails_with(page, "Content Security Policy")


@pytest.mark.django_db
def test_every_script_carries_the_requests_csp_nonce(rf):
    """Base-template scripts and a page's extra_scripts carry django-csp's nonce when the request has one."""
    template = engines["jinja2"].from_string(
        '{% extends "core/base.html" %}{% block extra_scripts %}<script src="/static/extra.js"'
        '{% if cspNonce %} nonce="{{ cspNonce }}"{% endif %}></script>{% endblock %}'
    )
    request = rf.get("/")
    request.user = AnonymousUser()
    request.csp_nonce = "n0nce"
    scripts = re.findall(r"<script[^>]*>", template.render({}, request))
    assert len(scripts) == 5, scripts
    assert all('nonce="n0nce"' in script for script in scripts), scripts
    del request.csp_nonce
    assert all("nonce" not in script for script in re.findall(r"<script[^>]*>", template.render({}, request)))


WIDE_TABLE = """<table class="govuk-table"><thead class="govuk-table__head"><tr class="govuk-table__row">
  <th scope="col" class="govuk-table__header">Organisation</th><th scope="col" class="govuk-table__header">Identifiers</th>
  <th scope="col" class="govuk-table__header">Legal form</th><th scope="col" class="govuk-table__header">Ward</th></tr></thead>
  <tbody class="govuk-table__body"><tr class="govuk-table__row">
  <td class="govuk-table__cell">Anytown Community Transport Association</td><td class="govuk-table__cell">GB-CHC-1234567 GB-COH-01234567</td>
  <td class="govuk-table__cell">Charitable incorporated organisation</td><td class="govuk-table__cell">Riverside and Old Town</td></tr></tbody></table>"""


def styled(main: str) -> str:
    return CLEAN.format(main=main, after="").replace("<title>", '<link rel="stylesheet" href="/static/dist/main.css"><title>')


def test_a_page_wider_than_a_phone_fails(watched_here):
    """A table of four long columns is wider than 320 px: the reflow check names what sticks out."""
    page = watched_here.new_context().new_page()
    serve(page, styled(WIDE_TABLE))
    with pytest.raises(AssertionError) as caught:
        assert_reflows(page, "the gate check")
    assert "scrolls sideways" in str(caught.value) and "govuk-table" in str(caught.value)


def test_the_same_table_stacked_reflows(watched_here):
    """The control: the `stacked` filter's output fits 320 px, each value beside its label."""
    page = watched_here.new_context().new_page()
    serve(page, styled(str(stacked_table(WIDE_TABLE))))
    assert_reflows(page, "a stacked table")
    page.set_viewport_size({"width": 320, "height": 800})
    cell = page.locator("td", has_text="Riverside")
    assert page.evaluate("(cell) => getComputedStyle(cell, '::before').content", cell.element_handle()) == '"Ward: "'
    assert_accessible(page, "a stacked table at 320 px")
