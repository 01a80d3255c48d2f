"""The browser gate on the concerns pages, with only the objects they need: axe (WCAG 2.2 A/AA and best
practice), no JavaScript error, no sideways scrolling at 320 px, and the forms' error states too.

The sweep in test_accessibility.py visits the same routes through the whole permission-matrix
world; this checks them with their data filled in (a step taken, notes, an appetite) and their errors shown.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.concerns.risk_services import risk_appetite_set
from lightbulb.core.roles import Role
from tests.browser.axe import assert_accessible
from tests.browser.problems import RoleTabs
from tests.browser.reflow import assert_reflows
from tests.concerns.conftest import STEP, build_concern_world
from tests.concerns.factories import NoteFactory, RiskFactory
from tests.security.routes import ALL
from tests.security.routes_concerns import ROUTES
from tests.security.world import World
from tests.security.world_concerns import _concern_objects

pytestmark = pytest.mark.browser


@pytest.fixture
def concern_world(users, own_organisation, other_organisation):
    world = build_concern_world(users, own_organisation, other_organisation)
    matrix = World(users={**users, "vcs_other": world["outsider"]}, organisation=world["concern"].organisation, other_organisation=None)
    _concern_objects(matrix)
    matrix.extra["concern"] = world["concern"]
    NoteFactory(concern=world["concern"], author=users[Role.INVESTIGATOR])
    risk_appetite_set(acting_user=users[Role.OFFICER], area="innovation", lowest=8, highest=15)
    RiskFactory(area="innovation", likelihood=1, impact=2, owner=users[Role.OFFICER])
    return matrix


def _check(page, label: str) -> None:
    assert_accessible(page, label)
    assert_reflows(page, label)


def test_every_concerns_page_passes_the_gate(concern_world, signed_in_page):
    from lightbulb.concerns.services import concern_step_take

    concern_step_take(acting_user=concern_world.users[Role.INVESTIGATOR], concern=concern_world.extra["concern"], answers={**STEP, "step": "suspend_payments"})
    tabs = RoleTabs(lambda who: signed_in_page(None if who == "anon" else concern_world.users[who]))
    for name, route in sorted(ROUTES.items()):
        who = next((w for w in ALL if route.expect.get(w) == 200), None)
        if who is None or name == "concerns:evidence":
            continue
        page = tabs(who)
        response = page.goto(reverse(name, kwargs=route.kwargs(concern_world) or None))
        assert response is not None and response.status == 200, name
        _check(page, f"{name} as {who}")
        tabs.checked()


def test_forms_in_error_pass_the_gate(concern_world, signed_in_page):
    page = signed_in_page(None)
    page.goto(reverse("concerns:report"))
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    _check(page, "public report with errors")

    page = signed_in_page(concern_world.users[Role.INVESTIGATOR])
    page.goto(reverse("concerns:step", kwargs={"pk": concern_world.extra["concern"].pk}))
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Enter why this step is proportionate and justified" in page.content()
    _check(page, "ladder step with errors")


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.COUNCILLOR, Role.OFFICER])
def test_dashboards_with_concerns_panels_pass_the_gate(concern_world, signed_in_page, role):
    page = signed_in_page(concern_world.users[role])
    page.goto(reverse("core:home"))
    _check(page, f"home as {role}")
