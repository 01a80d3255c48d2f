"""Dashboard panels and deadlines from concerns and the risk register."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from lightbulb.concerns import selectors
from lightbulb.concerns.rules import can_manage_risks, can_read_concerns, can_read_risks, can_see_concern_counts
from lightbulb.core.registry import Deadline
from lightbulb.core.rules import allowed


def investigator_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The investigator's queue with the triage clock: overdue triage first, then due, then under investigation."""
    if not allowed(can_read_concerns, request.user):
        return None
    today = timezone.localdate()
    queue = selectors.concern_queue()
    rows = [{"concern": c, "days_left": (c.triage_due - today).days} for c in queue[:15]]
    return {
        "title": "Concerns",
        "template": "concerns/panel_queue.html",
        "order": 20,
        "rows": rows,
        "count": len(queue),
        "overdue": sum(1 for c in queue if c.status == "received" and c.triage_due < today),
    }


def counts_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Councillors see how many concerns there are by status: no names, no organisations."""
    if not allowed(can_see_concern_counts, request.user) or allowed(can_read_concerns, request.user):
        return None
    return {"title": "Concerns about organisations", "template": "concerns/panel_counts.html", "order": 60, "counts": selectors.concern_counts()}


def risks_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The risks a person owns whose review is due within 30 days or overdue."""
    if not allowed(can_read_risks, request.user):
        return None
    today = timezone.localdate()
    risks = selectors.risks_due_for_review(request.user, today - datetime.timedelta(days=3650), today + datetime.timedelta(days=30))
    if not risks and not allowed(can_manage_risks, request.user):
        return None
    return {"title": "Risks to review", "template": "concerns/panel_risks.html", "order": 40, "risks": risks, "today": today}


def triage_deadlines(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Deadline]:
    """Every concern awaiting triage is every investigator's: the deadline says only its reference."""
    if not allowed(can_read_concerns, user):
        return []
    today = timezone.localdate()
    return [
        Deadline(
            date=c.triage_due,
            title=f"Triage concern {c.reference}",
            url=reverse("concerns:detail", kwargs={"pk": c.pk}),
            kind="Concern",
            overdue=c.triage_due < today,
        )
        for c in selectors.concern_queue()
        if c.status == "received" and c.triage_due <= end and (c.triage_due >= start or c.triage_due < today)
    ]


def risk_review_deadlines(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Deadline]:
    if not allowed(can_read_risks, user):
        return []
    today = timezone.localdate()
    return [
        Deadline(
            date=r.review_date,
            title=f"Review risk: {r.title}",
            url=reverse("concerns:risk_edit", kwargs={"pk": r.pk}) if allowed(can_manage_risks, user) else reverse("concerns:risk_list"),
            kind="Risk review",
            overdue=r.review_date < today,
        )
        for r in selectors.risks_due_for_review(user, start, end, everyone=everyone)
        if r.review_date >= start or r.review_date < today
    ]


def organisation_section(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    """Investigators see the concerns about an organisation on its page (and that seeing them is logged); nobody else sees the section."""
    if not allowed(can_read_concerns, request.user):
        return None
    concerns = selectors.organisation_concerns(organisation.pk)
    if concerns:
        from lightbulb.concerns.services import access_log_list_viewed

        access_log_list_viewed(acting_user=request.user, what=f"the concerns about {organisation.name}"[:500])
    return {"title": "Concerns", "template": "concerns/organisation_section.html", "order": 90, "concerns": concerns}


def suspended_payment_guard(payment: Any, action: str) -> list[str]:
    """A payment held by a concern's suspension stays held while that concern is open: no officer releases it."""
    from lightbulb.concerns.models import Concern, Status, Step

    if action != "release":
        return []
    suspending = (
        Concern.objects.filter(agreement_id=payment.agreement_id, steps__step=Step.SUSPEND_PAYMENTS)
        .exclude(status=Status.CLOSED)
        .values_list("reference", flat=True)
        .first()
    )
    if suspending is None:
        return []
    return [f"Payments to this agreement are suspended while concern {suspending} is investigated: they can be released once it is closed."]
