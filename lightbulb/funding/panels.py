"""The dashboard panels and organisation-page sections funding contributes (registered in registrations.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lightbulb.core.rules import allowed
from lightbulb.funding.models import Decommissioning
from lightbulb.funding.rules import can_manage_agreements, can_read_decommissioning, can_read_funding, can_use_portal_notices, can_use_portal_returns
from lightbulb.funding.selectors import dashboard as selectors
from lightbulb.funding.selectors import decommissioning as decommissioning_selectors
from lightbulb.funding.selectors import payments as payment_selectors
from lightbulb.funding.selectors import returns as return_selectors


def _officer(request: HttpRequest) -> Any | None:
    """The officer whose own agreements the panel shows."""
    return request.user if allowed(can_manage_agreements, request.user) else None


def my_agreements_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = _officer(request)
    if user is None:
        return None
    rows = selectors.my_agreements_by_status(user)
    return {
        "title": "My agreements",
        "template": "funding/dashboard/panel_my_agreements.html",
        "order": 30,
        "rows": rows,
        "total": sum(row["count"] for row in rows),
        "more": any(row["more"] for row in rows),
    }


def returns_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = _officer(request)
    if user is None:
        return None
    return {
        "title": "Returns due and overdue",
        "template": "funding/dashboard/panel_returns.html",
        "order": 31,
        **return_selectors.officer_returns_summary(user),
    }


def payments_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = _officer(request)
    if user is None:
        return None
    return {
        "title": "Payments due in the next 30 days",
        "template": "funding/dashboard/panel_payments.html",
        "order": 32,
        **payment_selectors.officer_payments_due(user),
    }


def reviews_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = _officer(request)
    if user is None:
        return None
    agreements, count = selectors.reviews_due(user)
    return {"title": "Reviews due", "template": "funding/dashboard/panel_reviews.html", "order": 33, "agreements": agreements, "count": count}


def portal_returns_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_use_portal_returns, request.user):
        return None
    returns = return_selectors.portal_returns_due(return_selectors.request_user(request))
    return {"title": "Returns due", "template": "funding/dashboard/panel_portal_returns.html", "order": 15, "returns": returns}


def organisation_section(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_read_funding, request.user):
        return None
    return {
        "title": "Monitoring returns and payments",
        "template": "funding/dashboard/organisation_section.html",
        "order": 30,
        "returns": return_selectors.organisation_returns_summary(organisation.pk),
        "payments": payment_selectors.organisation_payments_summary(organisation.pk),
    }


def portal_notices_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Organisations see notices that their funding will end on their dashboard."""
    if not allowed(can_use_portal_notices, request.user):
        return None
    notices = list(decommissioning_selectors.notices_for_member(request.user).filter(stage=Decommissioning.Stage.NOTICE_ISSUED))
    if not notices:
        return None
    return {"title": "Notices that funding will end", "template": "funding/decommissioning/panel_portal_notices.html", "order": 12, "notices": notices}


def decommissioning_section(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_read_decommissioning, request.user):
        return None
    items = decommissioning_selectors.organisation_decommissionings(organisation.pk)
    if not items:
        return None
    return {"title": "Decommissioning", "template": "funding/decommissioning/organisation_section.html", "order": 60, "decommissionings": items}
