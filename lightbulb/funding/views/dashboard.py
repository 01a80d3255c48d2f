"""The officer's dashboard panels, the organisation page's returns-and-payments section, and the
registrations that feed deadlines to the dashboard, the daily digest and the calendar.

Imported from the app's ready() so the registrations exist in every process, the scheduler included.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.roles import Role, role_of
from lightbulb.funding import tasks
from lightbulb.funding.selectors import dashboard as selectors
from lightbulb.funding.selectors import payments as payment_selectors
from lightbulb.funding.selectors import returns as return_selectors

FUNDING_READERS = frozenset(return_selectors.READERS)


def _officer(request: HttpRequest) -> Any | None:
    return request.user if role_of(request.user) == Role.OFFICER else None


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


def deadlines_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Every module's deadlines for the next two weeks (notices running, returns, payments, reviews…)."""
    role = role_of(request.user)
    if role is None or role == Role.VCS:
        return None
    overdue, upcoming = selectors.upcoming_and_overdue(request.user)
    if role != Role.OFFICER and not (overdue or upcoming):
        return None
    return {
        "title": f"Your deadlines in the next {selectors.DIGEST_DAYS} days",
        "template": "funding/dashboard/panel_deadlines.html",
        "order": 29,
        "overdue": overdue,
        "upcoming": upcoming,
    }


def portal_returns_panel(request: HttpRequest) -> dict[str, Any] | None:
    if role_of(request.user) != Role.VCS:
        return None
    returns = return_selectors.portal_returns_due(return_selectors.request_user(request))
    return {"title": "Returns due", "template": "funding/dashboard/panel_portal_returns.html", "order": 15, "returns": returns}


def organisation_section(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    if role_of(request.user) not in FUNDING_READERS:
        return None
    return {
        "title": "Monitoring returns and payments",
        "template": "funding/dashboard/organisation_section.html",
        "order": 30,
        "returns": return_selectors.organisation_returns_summary(organisation.pk),
        "payments": payment_selectors.organisation_payments_summary(organisation.pk),
    }


registry.add_nav(NavItem(label="Returns", url_name="funding:return_list", roles=FUNDING_READERS, order=42, prefix="/funding/returns/"))
registry.add_nav(NavItem(label="Payments", url_name="funding:payment_list", roles=FUNDING_READERS, order=43, prefix="/funding/payments/"))
registry.add_nav(NavItem(label="Returns", url_name="funding:portal_returns", roles=frozenset({Role.VCS}), order=12, prefix="/funding/portal/"))

registry.dashboard_panels["funding_deadlines"] = deadlines_panel
registry.dashboard_panels["funding_my_agreements"] = my_agreements_panel
registry.dashboard_panels["funding_returns"] = returns_panel
registry.dashboard_panels["funding_payments"] = payments_panel
registry.dashboard_panels["funding_reviews"] = reviews_panel
registry.dashboard_panels["funding_portal_returns"] = portal_returns_panel

registry.organisation_sections["returns_payments"] = organisation_section

registry.deadlines["returns"] = return_selectors.return_deadlines
registry.deadlines["payments"] = payment_selectors.payment_deadlines
registry.deadlines["reviews"] = selectors.review_deadlines

registry.daily_duties["digest"] = tasks.digest_enqueue
