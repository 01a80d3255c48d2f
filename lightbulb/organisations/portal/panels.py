"""Dashboard panels for the portal and for officers who verify claims (registered in ../registrations.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lightbulb.core.rules import allowed
from lightbulb.organisations.portal import selectors
from lightbulb.organisations.rules import can_review_profile_changes, can_use_portal, can_verify_claims


def claims_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_verify_claims, request.user):
        return None
    count, oldest = selectors.pending_claim_summary()
    return {"title": "Claims waiting", "template": "organisations/portal/panel_claims.html", "order": 20, "count": count, "oldest": oldest}


def profile_changes_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_review_profile_changes, request.user):
        return None
    count = selectors.unreviewed_profile_change_count()
    return {"title": "Profile changes to review", "template": "organisations/portal/panel_profile_changes.html", "order": 21, "count": count}


def your_organisations_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_use_portal, request.user):
        return None
    summary = selectors.portal_organisation_summary(selectors.request_user(request))
    return {"title": "Your organisations", "template": "organisations/portal/panel_vcs.html", "order": 10, **summary}
