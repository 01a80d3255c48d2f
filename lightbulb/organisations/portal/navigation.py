"""Navigation and dashboard panels for the portal and for officers who verify claims."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.roles import Role, role_of
from lightbulb.organisations.portal import selectors

registry.add_nav(
    NavItem(label="Your organisations", url_name="organisations:portal_home", roles=frozenset({Role.VCS}), order=10, prefix="/organisations/portal/")
)
registry.add_nav(NavItem(label="Claims", url_name="organisations:claims_list", roles=frozenset({Role.OFFICER}), order=80, prefix="/organisations/portal/"))


def claims_panel(request: HttpRequest) -> dict[str, Any] | None:
    if role_of(request.user) != Role.OFFICER:
        return None
    count, oldest = selectors.pending_claim_summary()
    return {"title": "Claims waiting", "template": "organisations/portal/panel_claims.html", "order": 20, "count": count, "oldest": oldest}


def profile_changes_panel(request: HttpRequest) -> dict[str, Any] | None:
    if role_of(request.user) != Role.OFFICER:
        return None
    count = selectors.unreviewed_profile_change_count()
    return {"title": "Profile changes to review", "template": "organisations/portal/panel_profile_changes.html", "order": 21, "count": count}


def your_organisations_panel(request: HttpRequest) -> dict[str, Any] | None:
    if role_of(request.user) != Role.VCS:
        return None
    summary = selectors.portal_organisation_summary(selectors.request_user(request))
    return {"title": "Your organisations", "template": "organisations/portal/panel_vcs.html", "order": 10, **summary}


registry.dashboard_panels["portal_claims"] = claims_panel
registry.dashboard_panels["portal_profile_changes"] = profile_changes_panel
registry.dashboard_panels["portal_organisations"] = your_organisations_panel
