"""Creating and changing agreements, their conditions and due-diligence records."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.forms import no_markup
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.rules import allowed, require
from lightbulb.funding.models import Agreement, AgreementStatus, Condition, DueDiligenceRecord
from lightbulb.funding.rules import can_manage_agreements
from lightbulb.funding.selectors.payments import committed_total
from lightbulb.funding.services.tiers import refuse_advance_outside_tier, tier_reporting_every_months
from lightbulb.places.models import Ward

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
    "previous",
)
CONDITION_FIELDS = ("kind", "description", "target", "unit")
REFERENCE_ATTEMPTS = 5
# Above this a figure is almost certainly a typing slip (a council's whole VCS budget is far smaller).
ABSURD_AMOUNT = Decimal("100000000")
REGISTRATION_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-/]*$")
PLAIN_TEXT_FIELDS = {"title": "Title", "department": "Council service or department", "budget_line": "Budget line", "purpose": "Purpose"}
MAY_NOT_MANAGE = "Only council officers create and change agreements."


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


def _markup_errors(obj: Any, fields: dict[str, str]) -> dict[str, str]:
    errors = {}
    for name, label in fields.items():
        value = getattr(obj, name)
        if value is not None and not isinstance(value, str):
            errors[name] = f"Enter the {label.lower()} as text"
            continue
        try:
            no_markup(value or "")
        except ValidationError as error:
            errors[name] = error.messages[0]
    return errors


def _type_errors(agreement: Agreement) -> dict[str, str]:
    """Values of the wrong kind (a caller passing text for a date or a sum) get the form's message, not a TypeError."""
    errors: dict[str, str] = {}
    for name, label in (("start_date", "Start date"), ("end_date", "End date")):
        if getattr(agreement, name) is not None and not isinstance(getattr(agreement, name), datetime.date):
            errors[name] = f"{label} must be a real date"
    if isinstance(agreement.amount, int) and not isinstance(agreement.amount, bool):
        agreement.amount = Decimal(agreement.amount)
    if agreement.amount is not None and not (isinstance(agreement.amount, Decimal) and agreement.amount.is_finite()):
        errors["amount"] = "Total value must be an amount in pounds, like 1250 or £1,250.00"
    if not isinstance(agreement.reporting_every_months, int) or isinstance(agreement.reporting_every_months, bool):
        errors["reporting_every_months"] = "Enter a number of months from 1 to 24"
    return errors


def _figure_errors(agreement: Agreement) -> dict[str, str]:
    errors = _type_errors(agreement)
    if errors:
        return errors
    if agreement.start_date and agreement.end_date and agreement.end_date < agreement.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if agreement.amount is not None and agreement.amount <= 0:
        errors["amount"] = "Total value must be more than £0"
    elif agreement.amount is not None and agreement.amount > ABSURD_AMOUNT:
        errors["amount"] = f"Total value must be £{ABSURD_AMOUNT:,.0f} or less: check the figure"
    if not 1 <= agreement.reporting_every_months <= 24:
        errors["reporting_every_months"] = "Enter a number of months from 1 to 24"
    return errors


def _checked_wards(wards: Iterable[Any]) -> list[Ward]:
    """The wards an agreement serves: ward records only (the form's "Choose wards from the list")."""
    chosen = list(wards)
    if any(not isinstance(ward, Ward) or ward.pk is None for ward in chosen):
        raise ValidationError({"wards": "Choose wards from the list"})
    return chosen


def _previous_errors(agreement: Agreement) -> dict[str, str]:
    """The agreement this one replaces (a recommissioned service) is another agreement that was awarded."""
    previous = agreement.previous if agreement.previous_id else None
    if previous is not None and (previous.pk == agreement.pk or previous.status in BEFORE_AWARD):
        return {"previous": "The agreement this one replaces must be another agreement that was awarded"}
    return {}


def _party_errors(agreement: Agreement) -> dict[str, str]:
    """The organisation is in the register (not archived or merged away); the accountable person is an active officer."""
    errors = _previous_errors(agreement)
    officer = agreement.accountable_officer if agreement.accountable_officer_id else None
    if officer is not None and not allowed(can_manage_agreements, officer):
        errors["accountable_officer"] = "Choose a council officer from the list"
    organisation = agreement.organisation if agreement.organisation_id else None
    if organisation is not None and (organisation.archived_at is not None or organisation.merged_into_id is not None):
        errors["organisation"] = "Choose an organisation from the register"
    number = (agreement.recipient_registration_number or "").strip()
    if number and not REGISTRATION_NUMBER.match(number):
        errors["recipient_registration_number"] = "Enter the registration number using letters, numbers, spaces, hyphens or slashes"
    return errors


def check_agreement(agreement: Agreement) -> None:
    """The agreement form's rules, whoever calls: dates in order, a real amount, an officer accountable, plain text."""
    errors = {**_markup_errors(agreement, PLAIN_TEXT_FIELDS), **_figure_errors(agreement), **_party_errors(agreement)}
    if errors:
        raise ValidationError(errors)


# The terms fixed at award: after it they change only through a recorded variation (services/variations.py).
AWARDED_TERMS = {
    "amount": "value",
    "organisation": "organisation",
    "payment_basis": "payment basis",
    "risk_level": "risk level",
    "start_date": "start date",
    "end_date": "end date",
}
BEFORE_AWARD = (AgreementStatus.PLANNED, AgreementStatus.APPROVED)


def _refuse_term_changes(agreement: Agreement, values: dict[str, Any]) -> None:
    if agreement.status in BEFORE_AWARD:
        return
    errors = {
        name: f"The {label} of an awarded agreement changes only through a variation (Vary this agreement)"
        for name, label in AWARDED_TERMS.items()
        if name in values and values[name] != getattr(agreement, name)
    }
    if errors:
        raise ValidationError(errors)


def refuse_value_below_payments(agreement: Agreement) -> None:
    """Money never escapes its agreement: the value cannot fall below what is scheduled and paid."""
    if agreement.pk is None or agreement.amount is None:
        return
    committed = committed_total(agreement.pk)
    if agreement.amount < committed:
        raise ValidationError(
            {"amount": f"Payments of £{committed:,.2f} are already scheduled or paid: the value cannot be less (cancel or reduce payments first)"}
        )


def _check_condition(condition: Condition) -> None:
    errors = _markup_errors(condition, {"description": "Description", "unit": "Unit"})
    if not isinstance(condition.description, str) or not condition.description.strip():
        errors["description"] = "Describe the condition"
    problem = _target_error(condition)
    if problem:
        errors["target"] = problem
    if errors:
        raise ValidationError(errors)


def _target_error(condition: Condition) -> str | None:
    """Why a condition's target is not acceptable (the condition form's messages), or None."""
    if isinstance(condition.target, int) and not isinstance(condition.target, bool):
        condition.target = Decimal(condition.target)
    target = condition.target
    if target is None:
        return "Enter the target the unit refers to, or leave the unit empty" if condition.unit else None
    if not (isinstance(target, Decimal) and target.is_finite()):
        return "Enter the target as a number, like 250"
    if target < 0:
        return "The target cannot be negative"
    if target > ABSURD_AMOUNT:
        return "The target is too large: check the figure"
    return None


@transaction.atomic
def agreement_create(*, acting_user: Any, wards: Iterable[Any] = (), **values: Any) -> Agreement:
    require(can_manage_agreements, acting_user, message=MAY_NOT_MANAGE)
    unknown = set(values) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agreement fields: {sorted(unknown)}")
    agreement = Agreement(**values, reference="AGR-PENDING")
    tier_reporting_every_months(agreement, values)
    check_agreement(agreement)
    agreement.full_clean(exclude=["reference"])
    _save_with_new_reference(agreement)
    agreement.wards.set(_checked_wards(wards))
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
def agreement_update(
    *, acting_user: Any, agreement: Agreement, wards: Iterable[Any] | None = None, expected_version: int | None = None, **values: Any
) -> Agreement:
    """Change an agreement's details; with `expected_version`, one changed since the officer opened it is refused (StaleEdit)."""
    require(can_manage_agreements, acting_user, agreement, message=MAY_NOT_MANAGE)
    unknown = set(values) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown agreement fields: {sorted(unknown)}")
    # The row is locked so a payment scheduled at the same moment sees the value this change leaves.
    lock_for_edit(agreement, expected_version, values if wards is None else {**values, "wards": wards})
    _refuse_term_changes(agreement, values)
    before = snapshot(agreement, AGREEMENT_FIELDS)
    wards_before = sorted(str(ward) for ward in agreement.wards.all())
    for name, value in values.items():
        setattr(agreement, name, value)
    check_agreement(agreement)
    refuse_value_below_payments(agreement)
    refuse_advance_outside_tier(agreement, before)
    agreement.full_clean()
    agreement.save()
    changes: dict[str, Any] = diff(before, snapshot(agreement, AGREEMENT_FIELDS))
    if wards is not None:
        agreement.wards.set(_checked_wards(wards))
        wards_after = sorted(str(ward) for ward in agreement.wards.all())
        if wards_after != wards_before:
            changes["wards"] = [wards_before, wards_after]
    if changes:
        version_advance(agreement)
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
    require(can_manage_agreements, acting_user, agreement, message=MAY_NOT_MANAGE)
    condition = Condition(agreement=agreement, kind=kind, description=description, target=target, unit=unit or "")
    _check_condition(condition)
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
def condition_update(*, acting_user: Any, condition: Condition, expected_version: int | None = None, **values: Any) -> Condition:
    """Change a condition; with `expected_version`, one changed since the officer opened it is refused (StaleEdit)."""
    require(can_manage_agreements, acting_user, condition.agreement, message=MAY_NOT_MANAGE)
    unknown = set(values) - set(CONDITION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown condition fields: {sorted(unknown)}")
    lock_for_edit(condition, expected_version, values)
    before = snapshot(condition, CONDITION_FIELDS)
    for name, value in values.items():
        setattr(condition, name, value)
    _check_condition(condition)
    condition.full_clean()
    condition.save()
    changes = diff(before, snapshot(condition, CONDITION_FIELDS))
    if changes:
        version_advance(condition)
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
    require(can_manage_agreements, acting_user, agreement, message=MAY_NOT_MANAGE)
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
    require(can_manage_agreements, acting_user, agreement, message=MAY_NOT_MANAGE)
    if not isinstance(completed_on, datetime.date):
        raise ValidationError({"completed_on": "Enter the date the check was done"})
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
