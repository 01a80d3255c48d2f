"""Varying an awarded agreement: the only way its value, organisation, payment basis, risk or dates change.

A variation records what changes, why, who approved it and when, and sends the organisation a letter.
A reduction (less money, or a term ending sooner) counts as ending funding in part (PRODUCT.md §2.3,
§2.4): it needs an impact assessment, is given as written notice dated the day it is recorded with 28
days to respond, takes effect no sooner than 3 calendar months later unless a reason is recorded, and
winds down the payments and returns that fall after a shortened term. A variation that moves the
agreement into a tier with more due diligence waits until that tier's checks are recorded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.dates import is_short_notice
from lightbulb.core.locking import version_advance
from lightbulb.core.outbox import organisation_message_send
from lightbulb.core.rules import require
from lightbulb.funding.lifecycle import FUNDED
from lightbulb.funding.models import Agreement, Variation
from lightbulb.funding.rules import can_manage_agreements
from lightbulb.funding.selectors.decommissioning import RESPONSE_DAYS, describe_gap, text_error
from lightbulb.funding.selectors.tiers import check_label, missing_checks, tier_for
from lightbulb.funding.services.agreements import AWARDED_TERMS, check_agreement, refuse_value_below_payments
from lightbulb.funding.services.tiers import ADVANCE_TERMS, advance_payment_errors
from lightbulb.funding.services.winding_down import agreement_wind_down
from lightbulb.organisations.selectors import message_recipients


@dataclass(frozen=True)
class VariationRequest:
    """What an officer asks to change, and the record of its approval."""

    changes: dict[str, Any]
    reason: str
    approved_by: str
    approved_on: Any
    impact_assessment: str = ""
    effective_date: Any = None
    short_notice_reason: str = ""


def _approval_errors(request: VariationRequest, today: datetime.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, missing, label in (
        ("reason", "Say why the agreement is being varied", "The reason"),
        ("approved_by", "Say who approved the variation", "Who approved it"),
    ):
        problem = text_error(getattr(request, field), missing, label)
        if problem:
            errors[field] = problem
    if not isinstance(request.approved_on, datetime.date):
        errors["approved_on"] = "Enter the date the variation was approved"
    elif request.approved_on > today:
        errors["approved_on"] = "The date the variation was approved must be today or in the past"
    unknown = set(request.changes) - set(AWARDED_TERMS)
    if unknown:
        raise TypeError(f"Not terms of an agreement: {sorted(unknown)}")
    return errors


def _is_reduction(before: Agreement, after: Agreement) -> bool:
    less_money = isinstance(after.amount, Decimal) and after.amount < before.amount
    sooner = isinstance(after.end_date, datetime.date) and after.end_date < before.end_date
    return less_money or sooner


def _reduction_errors(request: VariationRequest, today: datetime.date) -> dict[str, str]:
    """A reduction's impact assessment and notice: the same rules as ending funding."""
    errors: dict[str, str] = {}
    problem = text_error(request.impact_assessment, "Enter the impact assessment and mitigations", "The impact assessment")
    if problem:
        errors["impact_assessment"] = problem
    effective = request.effective_date
    if not isinstance(effective, datetime.date):
        errors["effective_date"] = "Enter the date the reduction takes effect"
    elif effective <= today:
        errors["effective_date"] = "The reduction must take effect after today, the date of its notice"
    elif is_short_notice(today, effective) and not (request.short_notice_reason or "").strip():
        errors["short_notice_reason"] = (
            f"The reduction takes effect {describe_gap(today, effective)} after today's notice, less than the Compact's 3 calendar months: "
            "give a reason for the short notice"
        )
    return errors


def _tier_errors(varied: Agreement, before_tier: Any) -> dict[str, str]:
    """Moving into a tier that asks for more due diligence waits until its checks are recorded."""
    after_tier = tier_for(varied)
    if after_tier is None or (before_tier is not None and after_tier.pk == before_tier.pk):
        return {}
    missing = missing_checks(varied, after_tier)
    if not missing:
        return {}
    return {"amount": f"This variation moves the agreement into the {after_tier.name} tier: record its checks first: " + ", ".join(map(check_label, missing))}


def _in_words(agreement: Agreement, name: str) -> str:
    """A term's value as people write it, for the variation's record and letter."""
    value = getattr(agreement, name)
    if name == "amount":
        return f"£{value:,.2f}"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    display = getattr(agreement, f"get_{name}_display", None)
    return str(display() if display else value)


def _changes_in_words(before: Agreement, after: Agreement, names: list[str]) -> dict[str, list[str]]:
    return {AWARDED_TERMS[name].capitalize(): [_in_words(before, name), _in_words(after, name)] for name in names}


def _letter(agreement: Agreement, variation: Variation, acting_user: Any) -> None:
    lines = [f"- {term}: {before} → {after}" for term, (before, after) in variation.changes.items()]
    body = (
        f"The council has varied the agreement {agreement.reference} ({agreement.title}), approved by {variation.approved_by} "
        f"on {variation.approved_on:%-d %B %Y}.\n\nWhat changes:\n" + "\n".join(lines) + f"\n\nWhy: {variation.reason}"
    )
    if variation.is_reduction:
        body += (
            f"\n\nThis reduces the funding from {variation.effective_date:%-d %B %Y}. You may respond until "
            f"{variation.response_due_date:%-d %B %Y} by writing to {agreement.accountable_officer}."
        )
    organisation_message_send(
        recipients=message_recipients(agreement.organisation),
        subject=f"Your agreement {agreement.reference} has been varied",
        body=body,
        obj=variation,
        acting_user=acting_user,
    )


def _varied(locked: Agreement, request: VariationRequest, today: datetime.date) -> tuple[Agreement, dict[str, Any], bool]:
    """The agreement with the new terms applied (not saved), what changed, and whether it is a reduction; or every problem at once."""
    errors = _approval_errors(request, today)
    varied = Agreement.objects.select_related("organisation", "accountable_officer").get(pk=locked.pk)
    for name, value in request.changes.items():
        setattr(varied, name, value)
    changes = diff(snapshot(locked, AWARDED_TERMS), snapshot(varied, AWARDED_TERMS))
    if not changes and not errors:
        raise ValidationError("Change at least one of the terms: nothing would be varied")
    try:
        check_agreement(varied)
        refuse_value_below_payments(varied)
    except ValidationError as error:
        errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    reduction = not errors and _is_reduction(locked, varied)
    if reduction:
        errors.update(_reduction_errors(request, today))
    if not errors:
        errors.update(_tier_errors(varied, tier_for(locked)))
        errors.update(advance_payment_errors(varied, snapshot(locked, ADVANCE_TERMS)))
    if errors:
        raise ValidationError(errors)
    return varied, changes, reduction


def _variation_record(locked: Agreement, varied: Agreement, changes: dict[str, Any], request: VariationRequest, acting_user: Any) -> Variation:
    today = timezone.localdate()
    reduction = _is_reduction(locked, varied)
    variation = Variation(
        agreement=varied,
        changes=_changes_in_words(locked, varied, list(changes)),
        reason=request.reason.strip(),
        approved_by=request.approved_by.strip(),
        approved_on=request.approved_on,
        recorded_by=acting_user,
        is_reduction=reduction,
    )
    if reduction:
        variation.impact_assessment = (request.impact_assessment or "").strip()
        variation.notice_date = today
        variation.effective_date = request.effective_date
        variation.short_notice_reason = (request.short_notice_reason or "").strip()
        variation.response_due_date = today + datetime.timedelta(days=RESPONSE_DAYS)
    variation.full_clean()
    variation.save()
    return variation


@transaction.atomic
def agreement_vary(*, acting_user: Any, agreement: Agreement, request: VariationRequest) -> Variation:
    """Record and apply a variation of an awarded agreement's terms, or ValidationError saying what is wrong."""
    require(can_manage_agreements, acting_user, agreement, message="Only council officers vary agreements.")
    locked = Agreement.objects.select_for_update().select_related("organisation", "accountable_officer").get(pk=agreement.pk)
    if locked.status not in FUNDED:
        raise ValidationError(f"An agreement that is {locked.get_status_display().lower()} cannot be varied")
    varied, changes, reduction = _varied(locked, request, timezone.localdate())
    varied.full_clean()
    varied.save()
    # An edit form opened before the variation is now out of date.
    version_advance(varied)
    variation = _variation_record(locked, varied, changes, request, acting_user)
    audit_event_record(
        actor=acting_user,
        action="agreement_vary",
        obj=varied,
        changes=changes,
        summary=f"{varied.reference} varied{' (a reduction)' if reduction else ''}: {request.reason.strip()[:200]}",
        organisation_id=varied.organisation_id,
    )
    if varied.end_date < locked.end_date:
        agreement_wind_down(
            agreement=varied, last_day=varied.end_date, acting_user=acting_user, reason=f"Term shortened to {varied.end_date:%-d %B %Y} by a variation"
        )
    _letter(varied, variation, acting_user)
    return variation
