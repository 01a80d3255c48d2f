"""The dashboard panels and organisation-page sections the engagement module contributes (registered in registrations.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from lightbulb.compact.rules import can_read_consultations
from lightbulb.core.rules import allowed
from lightbulb.engagement.rules import (
    can_dismiss_flags,
    can_manage_engagement,
    can_own_actions,
    can_read_engagement,
    can_read_flags,
    can_read_health,
    can_use_portal_surveys,
)
from lightbulb.engagement.selectors import flags as flag_selectors
from lightbulb.engagement.selectors import health as health_selectors
from lightbulb.engagement.selectors import log as log_selectors
from lightbulb.engagement.selectors import surveys as survey_selectors
from lightbulb.engagement.selectors import wards as ward_selectors
from lightbulb.funding.rules import can_read_funding
from lightbulb.places.rules import can_read_places


def actions_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The follow-up actions the signed-in officer or councillor owns and has not yet done."""
    if not allowed(can_own_actions, request.user):
        return None
    today = timezone.localdate()
    actions, counts = log_selectors.open_actions(request.user, today=today, limit=10)
    if not counts["count"]:
        return None
    return {
        "title": "Your follow-up actions",
        "template": "engagement/panel_actions.html",
        "order": 35,
        "actions": actions,
        **counts,
        "today": today,
    }


def heard_section(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The organisation page's "What we've heard": its engagements and the themes that came up."""
    if not allowed(can_read_engagement, request.user):
        return None
    engagements, count = log_selectors.organisation_engagements(organisation.pk)
    return {
        "title": "What we've heard",
        "template": "engagement/organisation_section.html",
        "order": 25,
        "engagements": engagements,
        "count": count,
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


# The ward page: each part asks its own module's predicate, so a reader sees only what they may.


def _ward_part(request: HttpRequest, predicate: Any, title: str, template: str, order: int, **content: Any) -> dict[str, Any] | None:
    if not allowed(predicate, request.user):
        return None
    return {"title": title, "template": f"engagement/ward/{template}.html", "order": order, **content}


def ward_briefing_section(ward: Any, request: HttpRequest) -> dict[str, Any] | None:
    return _ward_part(request, can_read_places, "Briefing pack", "briefing", 1, ward_pk=ward.pk)


def ward_map_section(ward: Any, request: HttpRequest) -> dict[str, Any] | None:
    return _ward_part(request, can_read_places, "Map", "map", 2, map=ward_selectors.ward_map(ward), ward_name=ward.name)


def ward_money_section(ward: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_read_funding, request.user):
        return None
    return _ward_part(
        request, can_read_funding, "Money in", "money", 20, money=ward_selectors.ward_money(ward.pk), active=ward_selectors.ward_active_organisations(ward.pk)
    )


def ward_consultations_section(ward: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_read_consultations, request.user):
        return None
    return _ward_part(
        request,
        can_read_consultations,
        "Consultations open now",
        "consultations",
        30,
        consultations=ward_selectors.ward_consultations(ward.pk),
        today=timezone.localdate(),
    )


def ward_decommissioning_section(ward: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_read_funding, request.user):
        return None
    return _ward_part(request, can_read_funding, "Funding ending", "decommissioning", 40, decommissionings=ward_selectors.ward_decommissioning(ward.pk))


def ward_themes_section(ward: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_read_engagement, request.user):
        return None
    return _ward_part(
        request,
        can_read_engagement,
        "What we've heard here",
        "themes",
        50,
        themes=log_selectors.ward_themes(ward.pk),
        engagements=log_selectors.ward_recent_engagements(ward.pk),
    )


def ward_flags_section(ward: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_read_flags, request.user):
        return None
    return _ward_part(request, can_read_flags, "Flags", "flags", 60, **flag_selectors.ward_flags(ward.pk))


def health_section(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_read_health, request.user):
        return None
    # The section shows the latest quarter beside the one before: only those two are read.
    periods = health_selectors.health(organisation.pk, count=2)
    return {
        "title": "Relationship health",
        "template": "engagement/organisation_health.html",
        "order": 27,
        "latest": periods[-1].index,
        "previous": periods[-2].index,
    }


def surveys_panel(request: HttpRequest) -> dict[str, Any] | None:
    """A member sees the open surveys their organisations have not answered yet."""
    if not allowed(can_use_portal_surveys, request.user):
        return None
    waiting = survey_selectors.waiting_count(request.user)
    if not waiting:
        return None
    return {"title": "Surveys to answer", "template": "engagement/panel_surveys.html", "order": 15, "count": waiting}
