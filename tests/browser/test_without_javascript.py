"""Pages work without JavaScript: scripts only enhance (ENGINEERING §1, "pages work without JavaScript first")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lightbulb.core.roles import Role
from tests.browser.conftest import user_for
from tests.browser.problems import assert_no_browser_problems
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_signing_in_and_a_form_with_errors_work_without_javascript(watched):
    page = watched.new_context(java_script_enabled=False).new_page()
    page.goto(reverse("accounts:sign_in"))
    # The GOV.UK template marks the body js-enabled only from a script.
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("Error: ")

    user = user_for(Role.STAFF)
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(page.get_by_role("navigation", name="Your account").get_by_role("button", name="Sign out")).to_be_visible()
    assert_no_browser_problems(page, "signing in without JavaScript")
