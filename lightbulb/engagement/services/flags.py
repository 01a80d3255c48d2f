"""Recomputing flags and dismissing one with a reason."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record
from lightbulb.core.checks import FieldChecks
from lightbulb.core.rules import require
from lightbulb.engagement.flags.engine import flags_refresh
from lightbulb.engagement.models import Flag
from lightbulb.engagement.rules import can_dismiss_flags, can_recompute_flags

DISMISS_MESSAGE = "Only council officers dismiss flags."


def flags_recompute(*, acting_user: Any, organisation_ids: Collection[int] | None = None) -> dict[str, Any]:
    """Run every rule for the organisations given (None: all of them) and store what they find.

    Flags are derived from records that are audited themselves; a dismissal is what a person
    decides, and that is what the audit trail records.
    """
    require(can_recompute_flags, acting_user, message="Only council officers, or the daily duty, recompute flags.")
    return flags_refresh(organisation_ids)


@transaction.atomic
def flag_dismiss(*, acting_user: Any, flag: Flag, reason: str) -> Flag:
    """Dismiss a flag with a reason: it stays dismissed until its evidence changes."""
    require(can_dismiss_flags, acting_user, flag, message=DISMISS_MESSAGE)
    checks = FieldChecks()
    reason = checks.text(
        "reason", reason, required="Enter why you are dismissing the flag", max_length=2_000, too_long="Reason must be 2,000 characters or fewer"
    )
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != Flag.Status.OPEN:
        checks.add("reason", "This flag is not open: only an open flag can be dismissed")
    checks.raise_if_any()
    now = timezone.now()
    flag.status, flag.dismissed_at, flag.dismissed_by = Flag.Status.DISMISSED, now, acting_user
    flag.dismiss_reason, flag.dismissed_fingerprint, flag.updated_at = reason, flag.fingerprint, now
    flag.save(update_fields=["status", "dismissed_at", "dismissed_by", "dismiss_reason", "dismissed_fingerprint", "updated_at"])
    audit_event_record(
        actor=acting_user,
        action="flag_dismiss",
        obj=flag,
        summary=f"Flag dismissed ({flag.get_rule_display()}): {reason}",
        changes={"reason": flag.reason, "evidence": flag.fingerprint},
        organisation_id=flag.organisation_id,
    )
    return flag
