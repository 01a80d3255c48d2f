"""Choosing several wards by searching (core.pickers.MultiPickerField), with the keyboard and without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from lightbulb.core.pickers import ALL_SHOWN
from lightbulb.core.roles import Role
from lightbulb.places.models import Locality
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in_through_form, user_for
from tests.factories import WardFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def wards():
    """More wards than a multi picker lists in full, so they are found by searching."""
    named = {name: WardFactory(name=name, gss_code=f"E0500{number:04d}") for number, name in enumerate(["Abbey", "Abbotsford", "Castle"])}
    for number in range(ALL_SHOWN):
        WardFactory(name=f"Valley {number}", gss_code=f"E0501{number:04d}")
    return named


def _choose_by_keyboard(page: Page, box, typed: str, option: str) -> None:
    """Type into the search box, move down the suggestions with the arrow key to `option`, and press Enter."""
    box.press_sequentially(typed, delay=50)
    expect(page.get_by_role("option", name=option)).to_be_visible()
    for _ in range(10):
        page.keyboard.press("ArrowDown")
        if page.locator(".autocomplete__option--focused").inner_text().startswith(option):
            break
    page.keyboard.press("Enter")


def test_an_officer_adds_and_removes_wards_with_the_keyboard(wards, page_as):
    page = page_as(Role.OFFICER, user_for(Role.OFFICER))
    page.goto(reverse("places:locality_create"))
    page.get_by_label("Locality name").fill("North")
    box = page.get_by_role("combobox", name="Find a ward to add")
    box.focus()
    _choose_by_keyboard(page, box, "abb", "Abbotsford (E05000001)")
    added = page.get_by_role("checkbox", name="Abbotsford (E05000001)")
    expect(added).to_be_checked()
    # The box is emptied for the next ward, and the addition is announced.
    expect(box).to_have_value("")
    expect(page.locator("[data-multi-picker-status]")).to_have_text("Abbotsford (E05000001) added. 1 chosen.")
    _choose_by_keyboard(page, box, "cas", "Castle (E05000002)")
    expect(page.get_by_role("checkbox", name="Castle (E05000002)")).to_be_checked()
    assert_accessible(page, "the locality form with two wards added")
    # Removing one: unticked with the space bar.
    added.focus()
    page.keyboard.press("Space")
    expect(added).not_to_be_checked()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Locality North added")
    locality = Locality.objects.get(name="North")
    assert [ward.name for ward in locality.wards.all()] == ["Castle"]


def test_without_javascript_the_typed_name_is_searched_and_the_matches_ticked(wards, watched):
    page = watched.new_context(java_script_enabled=False).new_page()
    sign_in_through_form(page, user_for(Role.OFFICER))
    page.goto(reverse("places:locality_create"))
    page.get_by_label("Locality name").fill("South")
    page.get_by_label("Find a ward to add").fill("abb")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_contain_text("More than one ward matches “abb”")
    expect(page.get_by_label("Find a ward to add")).to_have_value("abb")
    expect(page.get_by_label("Locality name")).to_have_value("South")
    page.get_by_role("checkbox", name="Abbey (E05000000)").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Locality South added")
    assert [ward.name for ward in Locality.objects.get(name="South").wards.all()] == ["Abbey"]
