"""The dashboard panels and organisation-page sections the engagement module contributes (registered in registrations.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from lightbulb.core.rules import allowed
from lightbulb.engagement.rules import can_dismiss_flags, can_manage_engagement, can_own_actions, can_read_engagement, can_read_flags
from lightbulb.engagement.selectors import flags as flag_selectors
from lightbulb.engagement.selectors import log as log_selectors


def actions_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The follow-up actions the signed-in officer or councillor owns and has not yet done."""
    if not allowed(can_own_actions, request.user):
        return None
    actions = log_selectors.open_actions(request.user)
    today = timezone.localdate()
    count = actions.count()
    if not count:
        return None
    return {
        "title": "Your follow-up actions",
        "template": "engagement/panel_actions.html",
        "order": 35,
        "actions": list(actions[:10]),
        "count": count,
        "overdue": actions.filter(due_date__lt=today).count(),
        "today": today,
    }


def heard_section(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The organisation page's "What we've heard": its engagements and the themes that came up."""
    if not allowed(can_read_engagement, request.user):
        return None
    return {
        "title": "What we've heard",
        "template": "engagement/organisation_section.html",
        "order": 25,
        "engagements": log_selectors.organisation_engagements(organisation.pk),
        "count": log_selectors.organisation_engagement_count(organisation.pk),
        "themes": log_selectors.organisation_themes(organisation.pk),
        "may_write": allowed(can_manage_engagement, request.user),
    }


def flags_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Officers see the open flags by rule on their dashboard."""
    if not allowed(can_dismiss_flags, request.user):
        return None
    counts = flag_selectors.open_counts()
    total = sum(row["count"] for row in counts)
    if not total:
        return None
    return {"title": "Open flags", "template": "engagement/panel_flags.html", "order": 36, "counts": counts, "total": total}


def flags_section(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_read_flags, request.user):
        return None
    return {"title": "Flags", "template": "engagement/organisation_flags.html", "order": 26, **flag_selectors.organisation_flags(organisation.pk)}
