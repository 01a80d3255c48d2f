"""Payments: the schedule from the agreement, then paid, held, released and clawed back with reasons."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.dates import long_date
from lightbulb.core.forms import no_markup
from lightbulb.core.outbox import organisation_message_send
from lightbulb.core.registry import registry
from lightbulb.core.rules import require
from lightbulb.funding.lifecycle import FUNDED
from lightbulb.funding.models import Agreement, Payment, PaymentBasis
from lightbulb.funding.rules import can_manage_payments, can_schedule_payments
from lightbulb.funding.selectors.payments import committed_total
from lightbulb.funding.services.returns import reporting_periods
from lightbulb.organisations.selectors import message_recipients

PENNY = Decimal("0.01")
MAY_NOT_PAY = "Only council officers record, hold, release and claw back payments."
_TRACKED = ["status", "paid_on", "invoice_received_on", "reason", "clawed_back_amount", "amount", "due_date"]


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` equal instalments; the pennies left over go on the last."""
    each = (total / parts).quantize(PENNY, rounding=ROUND_DOWN)
    return [each] * (parts - 1) + [total - each * (parts - 1)]


def _audit(payment: Payment, acting_user: Any, action: str, before: dict[str, Any], summary: str) -> None:
    audit_event_record(
        actor=acting_user,
        action=action,
        obj=payment,
        changes=diff(before, snapshot(payment, _TRACKED)),
        summary=summary,
        organisation_id=payment.agreement.organisation_id,
    )


@transaction.atomic
def payments_schedule(*, agreement: Agreement, acting_user: Any) -> list[Payment]:
    """Instalments at each period's start (in advance) or end (in arrears); milestone payments are entered one by one.

    An agreement that already has scheduled instalments on its basis is left alone, so running it again adds nothing.
    """
    require(can_schedule_payments, acting_user, agreement, message="Only council officers schedule payments.")
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_funded(locked)
    if locked.payment_basis == PaymentBasis.MILESTONES:
        raise ValidationError("This agreement is paid on milestones: add each milestone payment instead")
    if locked.payments.filter(basis=locked.payment_basis).exists():
        return []
    # Only what is not yet committed (e.g. after a change of basis) is split into instalments.
    remainder = locked.amount - committed_total(locked.pk)
    if remainder <= 0:
        raise ValidationError(f"Payments already come to the agreement's value of £{locked.amount:,.2f}: nothing is left to schedule")
    periods = reporting_periods(locked.start_date, locked.end_date, locked.reporting_every_months)
    advance = locked.payment_basis == PaymentBasis.ADVANCE
    created = []
    for (start, end), amount in zip(periods, _split(remainder, len(periods)), strict=True):
        payment = Payment(agreement=locked, due_date=start if advance else end, amount=amount, basis=locked.payment_basis)
        payment.full_clean()
        payment.save()
        created.append(payment)
    audit_event_record(
        actor=acting_user,
        action="payments_schedule",
        obj=locked,
        summary=f"{len(created)} payments scheduled {PaymentBasis(locked.payment_basis).label.lower()} for {locked.reference}",
        organisation_id=locked.organisation_id,
    )
    return created


@transaction.atomic
def payment_milestone_add(*, agreement: Agreement, acting_user: Any, milestone: str, due_date: datetime.date, amount: Decimal) -> Payment:
    require(can_manage_payments, acting_user, agreement, message=MAY_NOT_PAY)
    errors: dict[str, str] = {}
    if not isinstance(milestone, str) or not milestone.strip():
        errors["milestone"] = "Describe the milestone that releases this payment"
    elif len(milestone) > 300:
        errors["milestone"] = "Keep the milestone to 300 characters or fewer"
    elif _has_markup(milestone):
        errors["milestone"] = "Enter text without HTML tags (remove anything between < and >)"
    if not isinstance(due_date, datetime.date):
        errors["due_date"] = "Enter the date the milestone is expected"
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < PENNY:
        errors["amount"] = "The amount must be at least £0.01"
    if errors:
        raise ValidationError(errors)
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_funded(locked)
    committed = committed_total(locked.pk)
    if committed + amount > locked.amount:
        raise ValidationError(
            {"amount": f"Payments would come to more than the agreement's value of £{locked.amount:,.2f} (£{committed:,.2f} is already scheduled)"}
        )
    payment = Payment(agreement=locked, due_date=due_date, amount=amount, basis=PaymentBasis.MILESTONES, milestone=milestone.strip())
    payment.full_clean()
    payment.save()
    audit_event_record(
        actor=acting_user,
        action="payment_milestone_add",
        obj=payment,
        summary=f"Milestone payment of £{amount:,.2f} added to {locked.reference}: {milestone.strip()[:200]}",
        organisation_id=locked.organisation_id,
    )
    return payment


def _has_markup(text: str) -> bool:
    try:
        no_markup(text)
    except ValidationError:
        return True
    return False


def _require_funded(agreement: Agreement) -> None:
    """Money moves only on an agreement that is awarded, live, under review or extended."""
    if agreement.status not in FUNDED:
        raise ValidationError(f"Payments cannot be scheduled on an agreement that is {agreement.get_status_display().lower()}")


def _lock(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().select_related("agreement").get(pk=payment.pk)


def _require_status(payment: Payment, *statuses: str, doing: str) -> None:
    if payment.status not in statuses:
        raise ValidationError(f"A payment that is {payment.get_status_display().lower()} cannot be {doing}")


def _require_reason(reason: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": "Give the reason"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "Keep the reason to 2,000 characters or fewer"})
    try:
        no_markup(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages[0]}) from error
    return reason.strip()


@transaction.atomic
def payment_invoice_record(*, payment: Payment, acting_user: Any, received_on: datetime.date) -> Payment:
    """The invoice or claim for a payment arrived (by post, e-mail or the portal): the Compact's 30 days run from that day."""
    require(can_manage_payments, acting_user, payment, message=MAY_NOT_PAY)
    if not isinstance(received_on, datetime.date):
        raise ValidationError({"received_on": "Enter the date the invoice or claim arrived"})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date the invoice or claim arrived must be today or in the past"})
    locked = _lock(payment)
    _require_status(locked, Payment.Status.SCHEDULED, Payment.Status.HELD, doing="given an invoice date (it is already settled)")
    before = snapshot(locked, _TRACKED)
    locked.invoice_received_on = received_on
    locked.full_clean()
    locked.save()
    _audit(
        locked,
        acting_user,
        "payment_invoice_record",
        before,
        f"Invoice or claim for £{locked.amount:,.2f} under {locked.agreement.reference} arrived {received_on:%-d %B %Y}",
    )
    return locked


@transaction.atomic
def payment_record_paid(*, payment: Payment, acting_user: Any, paid_on: datetime.date, invoice_received_on: datetime.date | None = None) -> Payment:
    require(can_manage_payments, acting_user, payment, message=MAY_NOT_PAY)
    if not isinstance(paid_on, datetime.date):
        raise ValidationError({"paid_on": "Enter the date the payment was made"})
    locked = _lock(payment)
    _require_status(locked, Payment.Status.SCHEDULED, doing="recorded as paid (release a held payment first)")
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "The date paid must be today or in the past"})
    if invoice_received_on is not None and invoice_received_on > paid_on:
        raise ValidationError({"invoice_received_on": "The invoice or claim must have arrived on or before the day it was paid"})
    before = snapshot(locked, _TRACKED)
    locked.status = Payment.Status.PAID
    locked.paid_on = paid_on
    locked.invoice_received_on = invoice_received_on
    locked.full_clean()
    locked.save()
    _audit(
        locked,
        acting_user,
        "payment_record_paid",
        before,
        f"£{locked.amount:,.2f} paid to {locked.agreement.reference} on {long_date(paid_on)} ({locked.days_to_pay} days to pay)",
    )
    return locked


@transaction.atomic
def payment_hold(*, payment: Payment, acting_user: Any, reason: str) -> Payment:
    require(can_manage_payments, acting_user, payment, message=MAY_NOT_PAY)
    locked = _lock(payment)
    _require_status(locked, Payment.Status.SCHEDULED, doing="held")
    text = _require_reason(reason)
    before = snapshot(locked, _TRACKED)
    locked.status = Payment.Status.HELD
    locked.reason = text
    locked.full_clean()
    locked.save()
    _audit(locked, acting_user, "payment_hold", before, f"Payment of £{locked.amount:,.2f} to {locked.agreement.reference} held: {text[:200]}")
    agreement = locked.agreement
    organisation_message_send(
        recipients=message_recipients(agreement.organisation),
        subject=f"A payment under {agreement.reference} is held",
        body=(
            f"The council is holding the payment of £{locked.amount:,.2f} due on {locked.due_date:%-d %B %Y} "
            f"under {agreement.reference} ({agreement.title}).\n\nWhy: {text}\n\n"
            f"Contact {agreement.accountable_officer} about what is needed for it to be released."
        ),
        obj=locked,
        acting_user=acting_user,
    )
    return locked


# Guards registered under this name are asked before a held payment is released: `guard(payment, "release") -> [reasons]`.
PAYMENT_RELEASE_GUARD = "payment_release"


@transaction.atomic
def payment_release(*, payment: Payment, acting_user: Any) -> Payment:
    require(can_manage_payments, acting_user, payment, message=MAY_NOT_PAY)
    locked = _lock(payment)
    _require_status(locked, Payment.Status.HELD, doing="released")
    # Another module may keep a hold in place (concerns: payments suspended while a concern is open).
    reasons = [reason for guard in registry.guards_for(PAYMENT_RELEASE_GUARD) for reason in guard(locked, "release")]
    if reasons:
        raise ValidationError(reasons)
    before = snapshot(locked, _TRACKED)
    locked.status = Payment.Status.SCHEDULED
    # The reason for the hold stays in the payment's history.
    locked.reason = ""
    locked.full_clean()
    locked.save()
    _audit(locked, acting_user, "payment_release", before, f"Held payment of £{locked.amount:,.2f} to {locked.agreement.reference} released")
    return locked


@transaction.atomic
def payment_claw_back(*, payment: Payment, acting_user: Any, amount: Decimal, reason: str) -> Payment:
    require(can_manage_payments, acting_user, payment, message=MAY_NOT_PAY)
    locked = _lock(payment)
    _require_status(locked, Payment.Status.PAID, doing="clawed back (only a paid payment can be)")
    text = _require_reason(reason)
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": "Enter the amount to claw back, more than £0"})
    if amount > locked.amount:
        raise ValidationError({"amount": f"The amount clawed back cannot be more than the £{locked.amount:,.2f} paid"})
    before = snapshot(locked, _TRACKED)
    locked.status = Payment.Status.CLAWED_BACK
    locked.clawed_back_amount = amount
    locked.reason = text
    locked.full_clean()
    locked.save()
    _audit(locked, acting_user, "payment_claw_back", before, f"£{amount:,.2f} clawed back from {locked.agreement.reference}: {text[:200]}")
    return locked
