"""The `seed_variations` step: an increase and a reduction of two live agreements, as `agreement_vary` records them.

The increase was approved by the Head of Communities a few months ago; the agreement's value and
payments are already the new ones. The reduction was given as written notice a fortnight ago
(28 days to respond, taking effect at least 3 calendar months later): the agreement's value is
lowered and the payments scheduled from that day are shrunk to fit, so what is scheduled and paid
never exceeds the value.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from lightbulb.demo.commissioning.common import DAY, PS, AgreementInfo, S, money, split
from lightbulb.demo.rows import at, dated
from lightbulb.funding.models import Agreement, DueDiligenceRecord, Payment, Variation
from lightbulb.funding.selectors.decommissioning import RESPONSE_DAYS
from lightbulb.funding.selectors.tiers import tier_for_values
from lightbulb.funding.services.returns import add_months

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

INCREASE_APPROVED_BY = "Head of Communities"
REDUCTION_APPROVED_BY = "Communities and Wellbeing Committee"
_INCREASE_REASON = "Referrals have risen by a third since the service started; the extra money pays for a second weekly session until the end of the term."
_REDUCTION_REASON = "The council's savings plan reduces this budget line; the service continues with fewer sessions from the date the reduction takes effect."
_IMPACT = (
    "About a quarter fewer sessions from the date the reduction takes effect; no posts are lost. The equality impact assessment "
    "found older residents most affected: the organisation will prioritise them and refer others to the library outreach sessions."
)


def _in_words(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def _live(ctx: DemoContext, minimum: int) -> list[AgreementInfo]:
    """Live agreements drawn like any other (not featured), of at least `minimum` pounds, running at least seven more months."""
    later = add_months(ctx.today, 7)
    return [info for info in ctx.agreements if info.status == S.LIVE and not info.feature and info.amount >= minimum and info.end >= later]


def seed_variations(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """One increase and one reduction, each on a live agreement, when the council has live agreements to vary."""
    if not ctx.agreements:
        return
    reduced = _reduce(rng, ctx)
    candidates = [info for info in _live(ctx, 5_000) if reduced is None or info.pk != reduced.pk]
    if candidates:
        _increase(rng, ctx, rng.choice(candidates))


def _increase(rng: random.Random, ctx: DemoContext, info: AgreementInfo) -> None:
    """Its value went up by about an eighth (£40,000 to £45,000, say); the schedule already pays the new value."""
    before = info.amount - money(float(info.amount) / 9, 100)
    approved = max(info.start + 30 * DAY, ctx.today - datetime.timedelta(days=rng.randint(40, 120)))
    approved = min(approved, ctx.today - DAY)
    variation = Variation(
        agreement_id=info.pk,
        changes={"Value": [_in_words(before), _in_words(info.amount)]},
        reason=_INCREASE_REASON,
        approved_by=INCREASE_APPROVED_BY,
        approved_on=approved,
        recorded_by_id=info.officer_id,
    )
    _write(variation, at(approved + DAY * rng.randint(1, 4), 60))


def _reduce(rng: random.Random, ctx: DemoContext) -> AgreementInfo | None:
    """Lower a live agreement's value by about a quarter of what it still has to pay after the reduction takes effect."""
    notice = ctx.today - datetime.timedelta(days=rng.randint(10, 20))
    effective = add_months(notice, 3)
    effective = effective if effective.day == 1 else add_months(effective, 1).replace(day=1)
    later = _payments_from(ctx, effective)
    candidates = [info for info in _live(ctx, 2_000) if sum(payment.amount for payment in later.get(info.pk, [])) >= 1_000]
    rng.shuffle(candidates)
    info = next((info for info in candidates if _keeps_its_checks(info, info.amount - _cut(later[info.pk]))), None)
    if info is None:
        return None
    payments = later[info.pk]
    remaining = sum(payment.amount for payment in payments)
    cut = _cut(payments)
    for payment, amount in zip(payments, split(remaining - cut, len(payments)), strict=True):
        payment.amount = amount
    Payment.objects.bulk_update(payments, ["amount"])
    before, info.amount = info.amount, info.amount - cut
    Agreement.objects.filter(pk=info.pk).update(amount=info.amount)
    variation = Variation(
        agreement_id=info.pk,
        changes={"Value": [_in_words(before), _in_words(info.amount)]},
        reason=_REDUCTION_REASON,
        approved_by=REDUCTION_APPROVED_BY,
        approved_on=notice - datetime.timedelta(days=rng.randint(3, 12)),
        recorded_by_id=info.officer_id,
        is_reduction=True,
        impact_assessment=_IMPACT,
        notice_date=notice,
        effective_date=effective,
        response_due_date=notice + datetime.timedelta(days=RESPONSE_DAYS),
    )
    _write(variation, at(notice, 90))
    return info


def _cut(payments: list[Payment]) -> Decimal:
    """About a quarter of what is still to be paid from the day the reduction takes effect, in whole hundreds of pounds."""
    return money(float(sum(payment.amount for payment in payments)) / 4, 100)


def _keeps_its_checks(info: AgreementInfo, amount: Decimal) -> bool:
    """The lower value's tier asks for no check beyond those recorded (as `agreement_vary` insists); never the real date."""
    agreement = Agreement.objects.get(pk=info.pk)
    tier = tier_for_values(amount=amount, risk_level=agreement.risk_level)
    done = set(DueDiligenceRecord.objects.filter(agreement_id=info.pk).values_list("check_code", flat=True))
    return tier is None or set(tier.required_checks) <= done


def _payments_from(ctx: DemoContext, day: datetime.date) -> dict[int, list[Payment]]:
    """Scheduled payments due on or after `day` of the live agreements, by agreement, in the order they fall due."""
    rows = Payment.objects.filter(agreement__status=S.LIVE, status=PS.SCHEDULED, due_date__gte=day).order_by("agreement_id", "due_date", "pk")
    later: dict[int, list[Payment]] = {}
    for payment in rows:
        later.setdefault(payment.agreement_id, []).append(payment)
    return later


def _write(variation: Variation, when: datetime.datetime) -> None:
    variation.created_at = variation.updated_at = when
    with dated(Variation, "created_at", "updated_at"):
        Variation.objects.bulk_create([variation])
