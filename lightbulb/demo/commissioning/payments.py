"""An agreement's payments on its own schedule: mostly paid within 30 days, a few late, held or clawed back; cancelled after a decommissioning."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from lightbulb.demo import words
from lightbulb.demo.commissioning.common import DAY, PENNY, PS, STILL_RUNNING, VCS_RETURNS, AgreementInfo, MonitoringContext, ended_reason, split
from lightbulb.demo.rows import at
from lightbulb.funding.models import Payment, PaymentBasis
from lightbulb.funding.services.returns import add_months, reporting_periods


def payments_for(info: AgreementInfo, mc: MonitoringContext, claw_back: bool) -> list[Payment]:
    """The schedule's payments, those due by today paid if the agreement went live; one may be held, one clawed back."""
    rows = [_payment(info, mc, due, amount, milestone) for due, amount, milestone in _schedule(info)]
    _hold_one(rows, info, mc)
    if claw_back:
        _claw_back_last(rows, mc.rng)
    return rows


def _schedule(info: AgreementInfo) -> list[tuple[datetime.date, Decimal, str]]:
    """(due date, amount, milestone) as the payment schedule makes them (milestones as an officer would enter them)."""
    if info.basis == PaymentBasis.MILESTONES:
        first, rest = split(info.amount * Decimal("0.2"), 1)[0].quantize(PENNY), split(info.amount * Decimal("0.8"), 2)
        rest[-1] = info.amount - first - rest[0]
        middle = info.start + (info.end - info.start) / 2
        return [
            (add_months(info.start, 1), first, "Service mobilised and staff in post"),
            (middle, rest[0], "Mid-term report accepted"),
            (info.end, rest[1], "Final report and evaluation accepted"),
        ]
    periods = reporting_periods(info.start, info.end, info.every_months)
    advance = info.basis == PaymentBasis.ADVANCE
    return [(start if advance else end, amount, "") for (start, end), amount in zip(periods, split(info.amount, len(periods)), strict=True)]


def _payment(info: AgreementInfo, mc: MonitoringContext, due: datetime.date, amount: Decimal, milestone: str) -> Payment:
    payment = Payment(agreement_id=info.pk, due_date=due, amount=amount, basis=info.basis, milestone=milestone, created_at=at(info.start - 7 * DAY))
    payment.updated_at = payment.created_at
    if info.funding_end is not None and due > info.funding_end:
        # Due after a decommissioning ended the funding: cancelled when it was completed, never paid.
        payment.status, payment.reason, payment.updated_at = PS.CANCELLED, ended_reason(info.funding_end), at(info.funding_end, 30)
    elif due <= mc.today and info.went_live:
        _settle(payment, info, mc)
    return payment


def _settle(payment: Payment, info: AgreementInfo, mc: MonitoringContext) -> None:
    """The invoice (none for payments in advance) and the payment, about one in twenty more than 30 days later."""
    rng, today, due = mc.rng, mc.today, payment.due_date
    invoice = None if info.basis == PaymentBasis.ADVANCE else due + datetime.timedelta(days=rng.randint(0, 10))
    paid = (invoice or due) + datetime.timedelta(days=rng.randint(31, 70) if rng.random() < 0.05 else rng.randint(2, 28))
    payment.invoice_received_on = invoice if invoice and invoice <= today else None
    if paid <= today:
        payment.status, payment.paid_on, payment.updated_at = PS.PAID, paid, at(paid)


def _hold_one(rows: list[Payment], info: AgreementInfo, mc: MonitoringContext) -> None:
    """Hold the next payment due on a few running agreements (always on the vcs user's, whose return is overdue)."""
    rng = mc.rng
    waiting = [payment for payment in rows if payment.status == PS.SCHEDULED and payment.due_date <= mc.today + datetime.timedelta(days=30)]
    if waiting and info.status in STILL_RUNNING and (info.feature == VCS_RETURNS or rng.random() < 0.03):
        held = waiting[0]
        held.status = PS.HELD
        held.reason = words.HOLD_REASONS[0] if info.feature == VCS_RETURNS else rng.choice(words.HOLD_REASONS)


def _claw_back_last(rows: list[Payment], rng: random.Random) -> None:
    """Claw back part of the last payment made, if one was."""
    made = [payment for payment in rows if payment.status == PS.PAID]
    if made:
        payment = made[-1]
        payment.status = PS.CLAWED_BACK
        payment.clawed_back_amount = (payment.amount * Decimal(rng.randint(10, 30)) / 100).quantize(PENNY)
        payment.reason = rng.choice(words.CLAWBACK_REASONS)
