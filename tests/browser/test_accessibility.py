"""The browser gate on every page, as a role that can see it: no JavaScript or console error, no
asset that fails to load, every component started, zero axe-core violations of WCAG 2.2 A/AA
and axe's best practices (tests/browser/axe.py), and no sideways scrolling at 320 CSS pixels
(tests/browser/reflow.py); test_browser_gate.py shows each check can fail.

The page list comes from the URLconf; tests/security/routes.py says which role
gets a 200 and the World gives the URL kwargs, so new routes are swept as soon
as they have their row in the permission matrix.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Error as PlaywrightError

from lightbulb.core.roles import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import user_for
from tests.browser.problems import RoleTabs, expect_error_page
from tests.browser.reflow import assert_reflows, keep_screenshots
from tests.security.routes import ALL, ROUTES
from tests.security.world import build_world

pytestmark = pytest.mark.browser

# Mounted only when configured, and not ours to style.
THIRD_PARTY_NAMESPACES = {"oidc"}


def _names(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _names(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


ROUTE_NAMES = sorted({name for name in _names(get_resolver().url_patterns) if name.split(":")[0] not in THIRD_PARTY_NAMESPACES})


def first_role_with_page(name: str) -> str | None:
    """The first role (anonymous first) that the permission matrix says gets a 200 for this route."""
    expect = ROUTES[name].expect
    return next((who for who in ALL if expect.get(who) == 200), None)


def _batches(names: list[str], size: int = 12) -> dict[str, list[str]]:
    """The routes in batches of up to `size`, each within one URL namespace, named after it.

    A batch shares one World: building it takes longer than checking a page, and the sweep only
    reads (GET), so a page sees the same objects whichever batch it is in.
    """
    by_namespace: dict[str, list[str]] = {}
    for name in names:
        by_namespace.setdefault(name.split(":")[0] if ":" in name else "root", []).append(name)
    batches = {}
    for namespace, members in by_namespace.items():
        for start in range(0, len(members), size):
            batches[f"{namespace}-{start // size + 1}"] = members[start : start + size]
    return batches


BATCHES = _batches(ROUTE_NAMES)


def _check_page(name: str, world, page_for) -> str | None:
    """Visit one route as the first role the matrix lets see it; None when checked, else why it was not a page."""
    if name not in ROUTES:
        raise AssertionError(f"{name} has no row in tests/security/routes.py, so the sweep cannot tell who may see it")
    who = first_role_with_page(name)
    if who is None:
        return f"never answers 200 to a GET (expected outcomes: {sorted(set(map(str, ROUTES[name].expect.values())))})"
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(world) or None) + route.query
    page = page_for(who)
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return "answers with a file to download, not a page"
        raise
    assert response is not None
    assert response.status == 200, f"{url} as {who} answered {response.status}; the permission matrix expects 200"
    if "text/html" not in response.headers.get("content-type", ""):
        return f"answers {response.headers.get('content-type')}, not a page"
    # htmx partials are HTML without a document around them: their markup is still checked.
    fragment = "<html" not in response.text()[:2000].lower()
    assert_accessible(page, f"{name} ({url}) as {who}", fragment=fragment)
    if not fragment:
        assert_reflows(page, f"{name} ({url}) as {who}")
    return None


@pytest.mark.parametrize("batch", list(BATCHES))
def test_every_page_has_no_axe_violations(batch, signed_in_page):
    """Every route in the batch, each visited as its role in that role's own browser context (signed in as it), the
    way a person goes from page to page. Opening a tab costs Chromium a new renderer (0.12 s), more than a tenth of
    checking a page. After a failure the role gets a fresh one, so nothing left of a broken page is carried on, and a
    page that keeps polling (a progress bar) keeps its tab to the end of the batch, its later answers still watched."""
    world = build_world()
    failures, notes = [], []  # notes: routes that are not pages (files, redirects), said in -rA output
    tabs = RoleTabs(lambda who: signed_in_page(None if who == "anon" else world.users[who]))
    for name in BATCHES[batch]:
        try:
            note = _check_page(name, world, tabs)
        except (AssertionError, PlaywrightError) as error:
            failures.append(f"{name}: {error}")
            tabs.broken()
            continue
        if note:
            notes.append(f"{name}: {note}")
        tabs.checked()
    print("\n".join(notes))
    assert not failures, f"{len(failures)} of {len(BATCHES[batch])} pages failed the gate:\n" + "\n".join(failures)


def test_the_sweep_covers_every_route_once():
    swept = [name for names in BATCHES.values() for name in names]
    assert sorted(swept) == ROUTE_NAMES


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_dashboard_has_no_axe_violations(role, signed_in_page):
    """The start page differs by role: each module adds its own dashboard panels."""
    page = signed_in_page(user_for(role))
    page.goto(reverse("core:home"))
    assert page.get_by_role("heading", level=1).inner_text().endswith("Dashboard")
    assert_accessible(page, f"the dashboard as {role}")
    assert_reflows(page, f"the dashboard as {role}")
    keep_screenshots(page, f"{role}-dashboard")


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_roles_main_pages_reflow_and_are_kept_as_screenshots(role, signed_in_page):
    """Every page in a role's menu opens for that role, reflows at 320px, and is kept at 320px and
    1280px under var/screenshots/ for a person to look through after the run."""
    page = signed_in_page(user_for(role))
    page.goto(reverse("core:home"))
    links = page.eval_on_selector_all(
        ".govuk-service-navigation__item a", "(links) => links.map((link) => [link.textContent.trim(), link.getAttribute('href')])"
    )
    for label, href in links:
        response = page.goto(href)
        assert response is not None and response.status == 200, f"{role}'s menu item {label} ({href}) answered {response.status if response else None}"
        assert_reflows(page, f"{label} ({href}) as {role}")
        keep_screenshots(page, f"{role}-{label}")


def test_sign_in_errors_have_no_axe_violations(signed_in_page):
    page = signed_in_page(None)
    page.goto(reverse("accounts:sign_in"))
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator(".govuk-error-message").count() == 2
    assert page.title().startswith("Error: ")
    assert_accessible(page, "the sign-in form with errors")


def test_user_form_errors_have_no_axe_violations(signed_in_page):
    page = signed_in_page(user_for(Role.ADMIN))
    page.goto(reverse("accounts:user_create"))
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert summary.get_by_role("link").count() >= 1
    assert page.locator(".govuk-error-message").count() >= 1
    assert_accessible(page, "the add-a-user form with errors")


def test_error_pages_have_no_axe_violations(signed_in_page):
    page = signed_in_page(user_for(Role.STAFF))
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page, "the 404 page")
    assert_reflows(page, "the 404 page")
    response = page.goto(reverse("accounts:user_list"))
    assert response is not None and response.status == 403
    assert_accessible(page, "the 403 page")
    assert page.get_by_role("link", name="Go to your dashboard").is_visible()


def test_failure_pages_have_no_axe_violations(signed_in_page, settings):
    """A forced failure and a bad request, as a person sees them: the service's pages with a way back."""
    settings.ROOT_URLCONF = "tests.core.error_urls"
    page = signed_in_page(None)
    expect_error_page(page, "/broken/")
    for path, status, heading in (
        ("/broken/", 500, "Sorry, there is a problem with the service"),
        ("/bad-request/", 400, "Sorry, the service could not read that request"),
    ):
        response = page.goto(path)
        assert response is not None and response.status == status
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.get_by_role("link", name="Go to the start page").is_visible()
        assert_accessible(page, f"the {status} page")
        assert_reflows(page, f"the {status} page")


def test_password_reset_pages_have_no_axe_violations(signed_in_page):
    """The matrix only probes a spoilt reset link; a good link's form and its errors are pages too."""
    user = user_for(Role.STAFF)
    good = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}
    )
    page = signed_in_page(None)
    response = page.goto(good)
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    assert_accessible(page, "choosing a new password")
    page.get_by_role("button", name="Save password").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-message").count() == 1
    assert_accessible(page, "choosing a new password, with errors")
    response = page.goto(reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "spoilt"}))
    assert response is not None and response.status == 400
    assert_accessible(page, "a spoilt password reset link")
