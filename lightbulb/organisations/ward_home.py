"""A ward councillor's home: their own ward(s), and what changed there since their last visit.

What changed is read from the audit trail of the organisations based in the ward, limited to
steps a councillor may know about (never who took them, nor anything about a concern).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from lightbulb.core.models import AuditAction, AuditEvent
from lightbulb.core.rules import allowed, is_councillor
from lightbulb.core.visits import home_since
from lightbulb.organisations.models import Organisation
from lightbulb.places.models import Ward
from lightbulb.places.selectors import councillor_wards

# What a councillor is told about, in their words.
CHANGES = {
    AuditAction.ORGANISATION_CREATE: "added to the register",
    AuditAction.ORGANISATION_UPDATE: "details changed",
    AuditAction.ORGANISATION_ARCHIVE: "archived",
    AuditAction.AGREEMENT_TRANSITION: "an agreement's status changed",
    AuditAction.AGREEMENT_VARY: "an agreement was varied",
    AuditAction.RETURN_ACCEPT: "a monitoring return was accepted",
    AuditAction.DECOMMISSIONING_ISSUE_NOTICE: "was given notice that funding will end",
}
SHOWN = 12


def ward_changes(wards: list[Ward], since: Any) -> list[dict[str, Any]]:
    """The latest changes to organisations based in `wards` since `since`, newest first, one query each."""
    names = dict(Organisation.objects.filter(ward__in=wards).values_list("pk", "name"))
    if not names:
        return []
    events = AuditEvent.objects.filter(organisation_id__in=list(names), action__in=list(CHANGES), occurred_at__gte=since).order_by("-occurred_at", "-id")
    return [
        {"when": event.occurred_at, "organisation_id": event.organisation_id, "name": names[event.organisation_id], "what": CHANGES[AuditAction(event.action)]}
        for event in events[:SHOWN]
        if event.organisation_id in names
    ]


def your_wards_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(is_councillor, request.user):
        return None
    wards = councillor_wards(request.user)
    since, last_visit = home_since(request)
    counted = Ward.objects.filter(pk__in=[ward.pk for ward in wards]).annotate(
        organisations=Count("organisations_based", filter=Q(organisations_based__archived_at__isnull=True), distinct=True),
        new=Count("organisations_based", filter=Q(organisations_based__created_at__gte=since), distinct=True),
    )
    return {
        "title": "Your ward" if len(wards) == 1 else "Your wards",
        "template": "organisations/panel_your_wards.html",
        "order": 5,
        "wards": list(counted.order_by("name")),
        "changes": ward_changes(wards, since) if wards else [],
        "since": since,
        "last_visit": last_visit,
    }
