"""Creating and changing agreements, their conditions and due-diligence records."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.funding.models import Agreement, Condition, DueDiligenceRecord

AGREEMENT_FIELDS = (
    "title",
    "kind",
    "organisation",
    "accountable_officer",
    "department",
    "budget_line",
    "purpose",
    "amount",
    "start_date",
    "end_date",
    "procurement_route",
    "risk_level",
    "payment_basis",
    "reporting_every_months",
    "recipient_is_vcse",
    "recipient_is_sme",
    "recipient_registration_number",
    "full_cost_recovery",
    "long_term_need",
)
CONDITION_FIELDS = ("kind", "description", "target", "unit")
REFERENCE_ATTEMPTS = 5


def _next_reference(year: int) -> str:
    prefix = f"AGR-{year}-"
    last = Agreement.objects.filter(reference__startswith=prefix).order_by("-reference").values_list("reference", flat=True).first()
    number = int(last.removeprefix(prefix)) + 1 if last and last.removeprefix(prefix).isdigit() else 1
    return f"{prefix}{number:04d}"


def _save_with_new_reference(agreement: Agreement) -> None:
    """Give the agreement the next free AGR-<year>-NNNN, retrying if another request took it first."""
    year = timezone.localdate().year
    for _attempt in range(REFERENCE_ATTEMPTS):
        agreement.reference = _next_reference(year)
        try:
            with transaction.atomic():
                agreement.save()
            return
        except IntegrityError:
            if Agreement.objects.filter(reference=agreement.reference).exists():
                continue
            raise
    raise ValidationError("A reference number could not be given to the agreement just now: try again")


def _check_dates_and_amount(agreement: Agreement) -> None:
    errors: dict[str, str] = {}
    if agreement.start_date and agreement.end_date and agreement.end_date < agreement.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if agreement.amount is not None and agreement.amount <= 0:
        errors["amount"] = "The total value must be more than £0"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_create(*, acting_user: Any, wards: Iterable[Any] = (), **values: Any) -> Agreement:
    unknown = set(values) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agreement fields: {sorted(unknown)}")
    agreement = Agreement(**values, reference="AGR-PENDING")
    _check_dates_and_amount(agreement)
    agreement.full_clean(exclude=["reference"])
    _save_with_new_reference(agreement)
    agreement.wards.set(list(wards))
    audit_event_record(
        actor=acting_user,
        action="agreement_create",
        obj=agreement,
        changes=snapshot(agreement, AGREEMENT_FIELDS),
        summary=f"Agreement {agreement.reference} ({agreement.get_kind_display().lower()}) created: {agreement.title}",
        organisation_id=agreement.organisation_id,
    )
    return agreement


@transaction.atomic
def agreement_update(*, acting_user: Any, agreement: Agreement, wards: Iterable[Any] | None = None, **values: Any) -> Agreement:
    unknown = set(values) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agreement fields: {sorted(unknown)}")
    before = snapshot(agreement, AGREEMENT_FIELDS)
    wards_before = sorted(str(ward) for ward in agreement.wards.all())
    for name, value in values.items():
        setattr(agreement, name, value)
    _check_dates_and_amount(agreement)
    agreement.full_clean()
    agreement.save()
    changes: dict[str, Any] = diff(before, snapshot(agreement, AGREEMENT_FIELDS))
    if wards is not None:
        agreement.wards.set(list(wards))
        wards_after = sorted(str(ward) for ward in agreement.wards.all())
        if wards_after != wards_before:
            changes["wards"] = [wards_before, wards_after]
    if changes:
        audit_event_record(
            actor=acting_user,
            action="agreement_update",
            obj=agreement,
            changes=changes,
            summary=f"Agreement {agreement.reference} changed",
            organisation_id=agreement.organisation_id,
        )
    return agreement


@transaction.atomic
def condition_add(*, acting_user: Any, agreement: Agreement, kind: str, description: str, target: Any = None, unit: str = "") -> Condition:
    condition = Condition(agreement=agreement, kind=kind, description=description, target=target, unit=unit)
    condition.full_clean()
    condition.save()
    audit_event_record(
        actor=acting_user,
        action="condition_add",
        obj=agreement,
        changes={"condition": [None, str(condition)]},
        summary=f"{condition.get_kind_display()} added to {agreement.reference}: {condition}",
        organisation_id=agreement.organisation_id,
    )
    return condition


@transaction.atomic
def condition_update(*, acting_user: Any, condition: Condition, **values: Any) -> Condition:
    unknown = set(values) - set(CONDITION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown condition fields: {sorted(unknown)}")
    before = snapshot(condition, CONDITION_FIELDS)
    for name, value in values.items():
        setattr(condition, name, value)
    condition.full_clean()
    condition.save()
    changes = diff(before, snapshot(condition, CONDITION_FIELDS))
    if changes:
        agreement = condition.agreement
        audit_event_record(
            actor=acting_user,
            action="condition_update",
            obj=agreement,
            changes=changes,
            summary=f"Condition of {agreement.reference} changed: {condition}",
            organisation_id=agreement.organisation_id,
        )
    return condition


@transaction.atomic
def condition_remove(*, acting_user: Any, condition: Condition) -> None:
    agreement = condition.agreement
    if condition.figures.exists():
        raise ValidationError("This condition has figures reported against it in monitoring returns, so it cannot be removed")
    label = str(condition)
    condition.delete()
    audit_event_record(
        actor=acting_user,
        action="condition_remove",
        obj=agreement,
        changes={"condition": [label, None]},
        summary=f"Condition removed from {agreement.reference}: {label}",
        organisation_id=agreement.organisation_id,
    )


@transaction.atomic
def due_diligence_record(*, acting_user: Any, agreement: Agreement, check_code: str, completed_on: datetime.date, note: str = "") -> DueDiligenceRecord:
    """Record (or re-record) that a due-diligence check was done."""
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date the check was done must be today or in the past"})
    record = DueDiligenceRecord.objects.filter(agreement=agreement, check_code=check_code).first()
    if record is None:
        record = DueDiligenceRecord(agreement=agreement, check_code=check_code)
    record.completed_by = acting_user
    record.completed_on = completed_on
    record.note = note
    record.full_clean(validate_unique=False)
    record.save()
    audit_event_record(
        actor=acting_user,
        action="due_diligence_record",
        obj=agreement,
        changes={record.check_code: [None, completed_on.isoformat()]},
        summary=f"Due diligence for {agreement.reference}: {record.get_check_code_display()} done on {completed_on:%-d %B %Y}",
        organisation_id=agreement.organisation_id,
    )
    return record
