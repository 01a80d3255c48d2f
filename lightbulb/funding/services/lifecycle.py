"""Moving an agreement through its life-cycle: each step recorded with who, when and why."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record
from lightbulb.core.registry import registry
from lightbulb.core.rules import require
from lightbulb.funding.lifecycle import can_move, next_statuses
from lightbulb.funding.models import Agreement, AgreementStatus, AgreementTransition
from lightbulb.funding.rules import can_manage_agreements
from lightbulb.funding.services.winding_down import agreement_wind_down

# Checks a step must pass before it happens live in the registry under "agreement", registered
# from each app's ready() by the areas that own them (award needs the tier's due diligence;
# decommissioned needs a complete decommissioning). Each guard takes (agreement, to_status)
# and returns a list of reasons it may not happen.
GUARD_LIFECYCLE = "agreement"


def transition_blockers(*, agreement: Agreement, to_status: str) -> list[str]:
    if not can_move(agreement.status, to_status):
        allowed = ", ".join(AgreementStatus(status).label.lower() for status in next_statuses(agreement.status)) or "nothing (it is closed)"
        return [f"An agreement that is {agreement.get_status_display().lower()} can move only to: {allowed}"]
    blockers: list[str] = []
    for guard in registry.guards_for(GUARD_LIFECYCLE):
        blockers.extend(guard(agreement, to_status))
    return blockers


@transaction.atomic
def agreement_transition(*, agreement: Agreement, to_status: str, acting_user: Any, reason: str) -> AgreementTransition:
    """Move `agreement` to `to_status`, or raise ValidationError saying why it cannot."""
    require(can_manage_agreements, acting_user, agreement, message="Only council officers move an agreement through its life-cycle.")
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Say why the agreement is moving on"})
    blockers = transition_blockers(agreement=locked, to_status=to_status)
    if blockers:
        raise ValidationError({"to_status": blockers})
    transition = AgreementTransition.objects.create(agreement=locked, from_status=locked.status, to_status=to_status, by=acting_user, reason=reason.strip())
    before = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    agreement.status = to_status
    audit_event_record(
        actor=acting_user,
        action="agreement_transition",
        obj=locked,
        changes={"status": [before, to_status]},
        summary=f"{locked.reference} moved from {AgreementStatus(before).label.lower()} to {AgreementStatus(to_status).label.lower()}: {reason.strip()[:200]}",
        organisation_id=locked.organisation_id,
    )
    if to_status == AgreementStatus.CLOSED:
        agreement_wind_down(
            agreement=locked, last_day=timezone.localdate(), acting_user=acting_user, reason=f"Agreement closed: {reason.strip()[:150]}", closing=True
        )
    return transition
