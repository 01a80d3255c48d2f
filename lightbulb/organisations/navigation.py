"""Service navigation and the dashboard panel for the organisation register."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.roles import REGISTER_READERS, Role, role_of
from lightbulb.organisations import selectors

registry.add_nav(NavItem(label="Organisations", url_name="organisations:list", roles=frozenset(REGISTER_READERS), order=20, prefix="/organisations/"))


def duplicates_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Officers see how many possible duplicates wait for a decision."""
    if role_of(request.user) != Role.OFFICER:
        return None
    return {
        "title": "Possible duplicate organisations",
        "template": "organisations/panel_duplicates.html",
        "order": 30,
        "count": selectors.duplicate_count_recent(),
    }


registry.dashboard_panels["organisations_duplicates"] = duplicates_panel

# The portal's own navigation and panels register with the app, not when its URLs first load.
from lightbulb.organisations.portal import navigation as portal_navigation  # noqa: E402

assert portal_navigation
