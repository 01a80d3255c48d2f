"""People using the service in a real browser: signing in and out, two-factor, lockout, keyboard only."""

from __future__ import annotations

import base64
import re
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from lightbulb.core.registry import registry
from lightbulb.core.roles import Role
from lightbulb.core.rules import allowed
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot, sign_in_through_form, user_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def navigation_for(role: str) -> list[str]:
    """The service navigation labels the registry gives `role` (whatever modules exist today)."""
    # Navigation predicates are about roles, so a stand-in with the role is enough.
    user = SimpleNamespace(is_authenticated=True, is_active=True, role=role, pk=None)
    labels = []
    for item in registry.navigation:
        if not allowed(item.permission, user):
            continue
        # Some sections show only when switched on (for example the Compact).
        if item.visible is not None and not item.visible(user):
            continue
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            continue
        labels.append(item.label)
    return labels


def nav_labels(page: Page) -> list[str]:
    links = page.locator(".govuk-service-navigation__list .govuk-service-navigation__item a")
    return [text.strip() for text in links.all_inner_texts()]


def focused(page: Page) -> str:
    """What has the keyboard focus, as `tag#id.classes "text"`."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return '';
            return `${el.tagName.toLowerCase()}#${el.id}.${[...el.classList].join('.')} "${(el.innerText || el.value || '').trim().slice(0, 40)}"`;
        }"""
    )


def test_the_council_stylesheet_loads(page):
    """The page is styled: built CSS served, Arial (not GDS Transport), the generic black header with the council's name."""
    response = page.request.get("/static/dist/main.css")
    assert response.status == 200, "main.css is not served: run `npm run build`"
    page.goto(reverse("core:home"))
    assert "arial" in page.get_by_role("heading", level=1).evaluate("el => getComputedStyle(el).fontFamily").lower()
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("link", name="Anytown Council")).to_be_visible()
    assert page.locator(".lb-header").evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(11, 12, 12)"
    assert banner.locator("svg, img, [class*='crown']").count() == 0, "a council service must not show the crown or any GOV.UK logo"
    screenshot(page, "start-page")


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_signs_in_and_sees_its_dashboard_and_navigation(role, page_as):
    page = page_as(role)
    assert urlparse(page.url).path == reverse("core:home"), f"not on the start page: {page.url}"
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Dashboard")
    expect(heading).to_contain_text(Role(role).label.lower())
    expected = navigation_for(role)
    labels = nav_labels(page)
    assert labels == expected, f"{role} sees {labels}, expected {expected}"
    # The account links sit in the header: the person's name (to their account) and sign out.
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link")).to_contain_text(user_for(role).display_name)
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    if role == Role.ADMIN:
        assert "Users" in labels
    else:
        assert "Users" not in labels
    if role == Role.OFFICER:
        # The register's sections, once their modules add them to the navigation.
        assert [item for item in ("Organisations", "Wards") if item in expected] == [item for item in ("Organisations", "Wards") if item in labels]
        screenshot(page, "officer-dashboard")


def test_admin_walks_to_the_user_list(page_as):
    page = page_as(Role.ADMIN)
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith(reverse("accounts:user_list"))
    expect(page.locator("table")).to_contain_text("admin@browser.example")
    screenshot(page, "admin-user-list")


def test_keyboard_alone_signs_in(page):
    user = user_for(Role.STAFF)
    page.goto(reverse("accounts:sign_in"))
    page.keyboard.press("Tab")
    first = focused(page)
    assert "govuk-skip-link" in first, f"the first Tab stop is {first}, not the skip link"

    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1].startswith("button") and '"Sign in"' in stops[-1]:
            break
    email = next((i for i, stop in enumerate(stops) if stop.startswith("input#id_email")), None)
    password = next((i for i, stop in enumerate(stops) if stop.startswith("input#id_password")), None)
    button = next((i for i, stop in enumerate(stops) if stop.startswith("button") and '"Sign in"' in stop), None)
    assert email is not None and password is not None and button is not None, f"Tab did not reach every control: {stops}"
    assert email < password < button, f"Tab order is wrong: {stops}"

    # Back to the e-mail field by keyboard, type, and submit with Enter.
    for _ in range(button - email):
        page.keyboard.press("Shift+Tab")
    assert focused(page).startswith("input#id_email"), focused(page)
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    assert focused(page).startswith("input#id_password"), focused(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")


def test_the_skip_link_moves_focus_to_the_main_content(page):
    page.goto(reverse("accounts:sign_in"))
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    expect(page.locator(".govuk-skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    # The next Tab goes into the page, past the header and navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main-content').contains(document.activeElement)"), focused(page)


def test_five_wrong_passwords_lock_the_account(page):
    user = user_for(Role.STAFF)
    for _ in range(5):
        page.goto(reverse("accounts:sign_in"))
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password", exact=True).fill("not-the-password")
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state()
    page.goto(reverse("accounts:sign_in"))
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")
    assert_accessible(page, "the locked-account page")
    # Still locked: the home page shows no dashboard.
    page.goto(reverse("core:home"))
    expect(page.get_by_role("link", name="Sign in", exact=True).first).to_be_visible()


def test_wrong_password_shows_the_error_and_keeps_the_email(page):
    user = user_for(Role.STAFF)
    page.goto(reverse("accounts:sign_in"))
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The e-mail address or password is not right")
    expect(summary).to_be_focused()
    expect(page.get_by_label("E-mail address")).to_have_value(user.email)
    screenshot(page, "sign-in-error")


def test_new_officer_sets_up_two_factor(page):
    user = UserFactory(role=Role.OFFICER, email="new-officer@browser.example", full_name="New Officer")
    page.goto(reverse("accounts:sign_in"))
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # A password alone does not set up an authenticator: first the code e-mailed to the account.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check it is you")
    emailed = re.search(r"Your code is (\d{6})", mail.outbox[-1].body).group(1)
    page.get_by_label("Code from the e-mail we sent you").fill(emailed)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")

    qr = page.locator("main img")
    alt = qr.get_attribute("alt") or ""
    assert "QR code" in alt, f"the QR image's alt text is {alt!r}"
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR image did not render"
    secret = page.locator("#totp-secret").inner_text().strip()
    assert len(secret) >= 16, f"the key to type in is {secret!r}"
    screenshot(page, "two-factor-setup")

    # What an authenticator app would do with the key shown on the page.
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    right = str(TOTP(key).token()).zfill(6)
    wrong = "000000" if right != "000000" else "111111"

    page.get_by_label("Code from your authenticator app").fill(wrong)
    page.get_by_role("button", name="Continue").click()
    code_error = page.locator(".govuk-error-message")
    expect(code_error).to_contain_text("The code is not right or has expired")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "two-factor set-up with a wrong code")

    # django-otp refuses another try for a second after a wrong code.
    page.wait_for_timeout(1200)
    page.get_by_label("Code from your authenticator app").fill(right)
    page.get_by_role("button", name="Continue").click()
    # Ten recovery codes, shown once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    user.refresh_from_db()
    assert user.totpdevice_set.filter(confirmed=True).count() == 1


def test_officer_must_pass_two_factor_before_any_page(page):
    user = user_for(Role.OFFICER)
    page.goto(reverse("accounts:sign_in"))
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    page.goto(reverse("accounts:account"))
    assert "/account/two-factor" in page.url


def test_sign_out(page):
    user = user_for(Role.INVESTIGATOR)
    sign_in_through_form(page, user)
    page.get_by_role("navigation", name="Your account").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    expect(page.get_by_role("navigation", name="Your account").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(reverse("accounts:account"))
    assert "/account/sign-in" in page.url, f"signed-out browser reached {page.url}"
