"""The thresholds flags are raised at, kept by an administrator; a change recomputes every organisation's flags."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from lightbulb.core.audit import audit_event_record
from lightbulb.core.checks import FieldChecks
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.rules import require
from lightbulb.engagement.models import FlagThresholds
from lightbulb.engagement.rules import can_manage_flag_thresholds
from lightbulb.engagement.tasks import recompute_flags

THRESHOLD_FIELDS = ("dependency_percent", "new_organisation_months", "large_award", "cost_per_person_floor")
# field: (least, most, message): the form shows the same words.
LIMITS: dict[str, tuple[Decimal, Decimal, str]] = {
    "dependency_percent": (Decimal(1), Decimal(100), "Enter a whole percentage from 1 to 100, or leave it empty for the default"),
    "new_organisation_months": (Decimal(1), Decimal(120), "Enter a whole number of months from 1 to 120, or leave it empty for the default"),
    "large_award": (Decimal(1), Decimal(100_000_000), "Enter an amount from £1 to £100,000,000, or leave it empty for the default"),
    "cost_per_person_floor": (Decimal("0.01"), Decimal(100_000), "Enter an amount from £0.01 to £100,000, or leave it empty for the default"),
}
WHOLE = ("dependency_percent", "new_organisation_months")
LABELS = {
    "dependency_percent": "council funding share of latest income",
    "new_organisation_months": "months a new organisation counts as newly registered",
    "large_award": "large award",
    "cost_per_person_floor": "least income per person claimed",
}


def thresholds_row(*, lock: bool = False) -> FlagThresholds:
    """The one row of thresholds, made empty (every default) the first time it is asked for."""
    row = (FlagThresholds.objects.select_for_update() if lock else FlagThresholds.objects).order_by("pk").first()
    return row or FlagThresholds.objects.create()


def _number(checks: FieldChecks, field: str, value: Any) -> Decimal | int | None:
    """Empty (the default), or a number within the field's limits; whole where it counts percent or months."""
    if value is None or value == "":
        return None
    least, most, message = LIMITS[field]
    try:
        number = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not least <= number <= most or (field in WHOLE and number != number.to_integral_value()):
        checks.add(field, message)
        return None
    return int(number) if field in WHOLE else number.quantize(Decimal("0.01"))


def thresholds_checked(data: dict[str, Any]) -> dict[str, Any]:
    """FlagThresholdsForm's rules: each threshold empty or a number within its limits."""
    checks = FieldChecks()
    values = {field: _number(checks, field, data.get(field)) for field in THRESHOLD_FIELDS}
    checks.raise_if_any()
    return values


@transaction.atomic
def flag_thresholds_update(*, acting_user: Any, data: dict[str, Any], expected_version: int | None = None) -> FlagThresholds:
    """Set the thresholds (empty: the setting's default); every organisation's flags are recomputed once this commits."""
    require(can_manage_flag_thresholds, acting_user, message="Only administrators change the thresholds flags are raised at.")
    row = thresholds_row(lock=True)
    lock_for_edit(row, expected_version, data)
    values = thresholds_checked(data)
    before = {field: getattr(row, field) for field in THRESHOLD_FIELDS}
    changes = {field: [str(before[field]) if before[field] is not None else "", str(value) if value is not None else ""] for field, value in values.items()}
    changes = {field: pair for field, pair in changes.items() if pair[0] != pair[1]}
    if not changes:
        return row
    for field, value in values.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    version_advance(row)
    audit_event_record(
        actor=acting_user,
        action="flag_thresholds_update",
        obj=row,
        changes=changes,
        summary=f"Flag thresholds changed: {', '.join(LABELS[field] for field in changes)}"[:500],
    )
    transaction.on_commit(lambda: recompute_flags.enqueue(None))
    return row
