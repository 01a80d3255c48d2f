"""Proportionality tiers: which tier an agreement falls in and what it asks for."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lightbulb.core.dates import add_months
from lightbulb.funding.models import Agreement, DueDiligenceCheck, DueDiligenceRecord, ProportionalityTier

PENNY = Decimal("0.01")
# How long a due-diligence check stays good, in months from the day it was done: after that it counts as
# not done, and an award waits until it is done again.
CHECK_VALID_MONTHS: dict[str, int] = {
    DueDiligenceCheck.GOVERNING_DOCUMENT: 36,
    DueDiligenceCheck.ACCOUNTS: 12,
    DueDiligenceCheck.BANK_DETAILS: 24,
    DueDiligenceCheck.INSURANCE: 12,
    DueDiligenceCheck.SAFEGUARDING: 12,
    DueDiligenceCheck.EQUALITY: 36,
    DueDiligenceCheck.FINANCIAL_HEALTH: 12,
    DueDiligenceCheck.REFERENCES: 24,
    DueDiligenceCheck.REGISTER_CHECK: 12,
}


def tier_list() -> QuerySet[ProportionalityTier]:
    return ProportionalityTier.objects.order_by("min_value", "risk_level", "pk")


def tier_get(pk: int) -> ProportionalityTier:
    tier = ProportionalityTier.objects.filter(pk=pk).first()
    if tier is None:
        raise Http404("No such tier")
    return tier


def _covers_amount(amount: Decimal) -> Q:
    # Bands include both ends, to the penny: a £5,000 grant falls in the band that ends at £5,000, and the
    # next band starts at £5,000.01 (first_gap refuses anything else).
    return Q(min_value__lte=amount) & (Q(max_value__isnull=True) | Q(max_value__gte=amount))


def tier_for_values(*, amount: Decimal, risk_level: str) -> ProportionalityTier | None:
    return ProportionalityTier.objects.filter(_covers_amount(amount), risk_level=risk_level).order_by("min_value", "pk").first()


def tier_for(agreement: Agreement) -> ProportionalityTier | None:
    """The tier for the agreement's value band and risk level (None if no tier covers it)."""
    return tier_for_values(amount=agreement.amount, risk_level=agreement.risk_level)


def overlapping_tiers(*, min_value: Decimal, max_value: Decimal | None, risk_level: str, exclude_pk: int | None = None) -> list[ProportionalityTier]:
    """Tiers of the same risk level whose value band shares any amount with [min_value, max_value]."""
    queryset = ProportionalityTier.objects.filter(risk_level=risk_level).filter(Q(max_value__isnull=True) | Q(max_value__gte=min_value))
    if max_value is not None:
        queryset = queryset.filter(min_value__lte=max_value)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return list(queryset.order_by("min_value"))


def first_gap(risk_level: str) -> Decimal | None:
    """The lowest amount no tier of this risk level covers, or None when they run on from £0 with no gap and no upper end."""
    expected = Decimal("0")
    bands = ProportionalityTier.objects.filter(risk_level=risk_level).order_by("min_value", "pk").values_list("min_value", "max_value")
    for low, high in bands:
        if low > expected:
            return expected
        if high is None:
            return None
        expected = max(expected, high + PENNY)
    return expected


def tier_frequency_hint() -> str:
    """The agreement form's hint: a new agreement's monitoring follows its tier unless the officer sets it."""
    months = sorted(set(ProportionalityTier.objects.values_list("monitoring_every_months", flat=True)))
    base = "Leave empty to use the frequency its proportionality tier sets for the value and risk level"
    if not months:
        return base
    spread = f"every {months[0]} months" if len(months) == 1 else f"from every {months[0]} to every {months[-1]} months"
    return f"{base} ({spread})"


def check_label(code: str) -> str:
    try:
        return str(DueDiligenceCheck(code).label)
    except ValueError:
        return code


def check_expires_on(code: str, completed_on: datetime.date) -> datetime.date:
    """The day a check done on `completed_on` stops counting (it is good up to the day before)."""
    return add_months(completed_on, CHECK_VALID_MONTHS.get(code, 12))


def expired_checks(agreement: Agreement, today: datetime.date | None = None) -> dict[str, datetime.date]:
    """The agreement's recorded checks that have run out, with the day each expired."""
    today = today or timezone.localdate()
    records = DueDiligenceRecord.objects.filter(agreement=agreement).values_list("check_code", "completed_on")
    expiries = {code: check_expires_on(code, done) for code, done in records}
    return {code: expires for code, expires in expiries.items() if expires <= today}


def missing_checks(agreement: Agreement, tier: ProportionalityTier | None = None) -> list[str]:
    """Codes of the checks the agreement's tier requires that have not been recorded, or have expired."""
    tier = tier if tier is not None else tier_for(agreement)
    if tier is None:
        return []
    done = set(DueDiligenceRecord.objects.filter(agreement=agreement).values_list("check_code", flat=True)) - set(expired_checks(agreement))
    return [code for code in tier.required_checks if code not in done]


def check_choices() -> list[tuple[str, str]]:
    return list(DueDiligenceCheck.choices)
