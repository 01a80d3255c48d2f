"""Proportionality tiers: which tier an agreement falls in and what it asks for."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from lightbulb.funding.models import Agreement, DueDiligenceCheck, DueDiligenceRecord, ProportionalityTier


def tier_list() -> QuerySet[ProportionalityTier]:
    return ProportionalityTier.objects.order_by("min_value", "risk_level", "pk")


def tier_get(pk: int) -> ProportionalityTier:
    tier = ProportionalityTier.objects.filter(pk=pk).first()
    if tier is None:
        raise Http404("No such tier")
    return tier


def _covers_amount(amount: Decimal) -> Q:
    # Bands are closed at the top: a £5,000 grant falls in the band that ends at £5,000.
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


def check_label(code: str) -> str:
    try:
        return str(DueDiligenceCheck(code).label)
    except ValueError:
        return code


def missing_checks(agreement: Agreement, tier: ProportionalityTier | None = None) -> list[str]:
    """Codes of the checks the agreement's tier requires that have not been recorded."""
    tier = tier if tier is not None else tier_for(agreement)
    if tier is None:
        return []
    done = set(DueDiligenceRecord.objects.filter(agreement=agreement).values_list("check_code", flat=True))
    return [code for code in tier.required_checks if code not in done]


def check_choices() -> list[tuple[str, str]]:
    return list(DueDiligenceCheck.choices)
