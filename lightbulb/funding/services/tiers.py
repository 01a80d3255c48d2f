"""Editing proportionality tiers, and the award guards they drive."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.rules import require
from lightbulb.funding.models import Agreement, AgreementStatus, PaymentBasis, ProportionalityTier, RiskLevel
from lightbulb.funding.rules import can_manage_tiers
from lightbulb.funding.selectors.tiers import PENNY, check_label, expired_checks, first_gap, missing_checks, overlapping_tiers, tier_for, tier_for_values

MAY_NOT_MANAGE = "Only system administrators change the proportionality tiers."
TIER_FIELDS = ("name", "min_value", "max_value", "risk_level", "required_checks", "monitoring_every_months", "advance_payment_allowed")
# Before the award the payment basis is checked at the award itself (advance_payment_guard).
BEFORE_AWARD = (AgreementStatus.PLANNED, AgreementStatus.APPROVED)
ADVANCE_TERMS = ("amount", "risk_level", "payment_basis")


def pounds(amount: Decimal) -> str:
    """£10,000 for whole pounds, £9,999.01 otherwise."""
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def _refuse_overlap(tier: ProportionalityTier) -> None:
    clashes = overlapping_tiers(min_value=tier.min_value, max_value=tier.max_value, risk_level=tier.risk_level, exclude_pk=tier.pk)
    if clashes:
        names = ", ".join(clash.name for clash in clashes)
        raise ValidationError({"min_value": f"This value band overlaps another tier for the same risk level: {names}"})


def _refuse_gap(tier: ProportionalityTier, risk_levels: set[str]) -> None:
    """After the change, every amount from £0 up is in a tier for each risk level the change touched."""
    for level in sorted(risk_levels, key=lambda level: level == tier.risk_level):  # the level a tier left first
        gap = first_gap(level)
        if gap is None:
            continue
        if level != tier.risk_level:
            field = "risk_level"
        else:
            field = "min_value" if gap < tier.min_value else "max_value"
        label = RiskLevel(level).label.lower()
        raise ValidationError({field: f"{pounds(gap)} is in no tier for {label} risk: tiers must run on from £0 with no gap"})


def _lock_bands(*risk_levels: str) -> None:
    """Two administrators changing bands at once must not leave a gap between them."""
    list(ProportionalityTier.objects.select_for_update().filter(risk_level__in=risk_levels).values_list("pk", flat=True))


def _make_room(acting_user: Any, tier: ProportionalityTier) -> None:
    """A new tier that takes the top of an existing tier's band (up to the same highest value) splits it:
    the existing tier now ends a penny below the new one."""
    same_top = Q(max_value__isnull=True) if tier.max_value is None else Q(max_value=tier.max_value)
    host = ProportionalityTier.objects.filter(same_top, risk_level=tier.risk_level, min_value__lt=tier.min_value).first()
    if host is None:
        return
    before = snapshot(host, TIER_FIELDS)
    host.max_value = tier.min_value - PENNY
    host.save()
    audit_event_record(
        actor=acting_user,
        action="tier_update",
        obj=host,
        changes=diff(before, snapshot(host, TIER_FIELDS)),
        summary=f"Proportionality tier {host.name} now ends at {pounds(host.max_value)}, to make room for {tier.name}",
    )


def _check_band(tier: ProportionalityTier) -> None:
    if tier.max_value is not None and tier.max_value < tier.min_value:
        raise ValidationError({"max_value": "The upper limit must be the same as or more than the lower limit"})
    tier.full_clean()


def _check(tier: ProportionalityTier) -> None:
    _check_band(tier)
    _refuse_overlap(tier)


@transaction.atomic
def tier_create(
    *,
    acting_user: Any,
    name: str,
    min_value: Decimal,
    max_value: Decimal | None,
    risk_level: str,
    required_checks: list[str],
    monitoring_every_months: int,
    advance_payment_allowed: bool,
) -> ProportionalityTier:
    require(can_manage_tiers, acting_user, message=MAY_NOT_MANAGE)
    tier = ProportionalityTier(
        name=name,
        min_value=min_value,
        max_value=max_value,
        risk_level=risk_level,
        required_checks=list(required_checks),
        monitoring_every_months=monitoring_every_months,
        advance_payment_allowed=advance_payment_allowed,
    )
    _check_band(tier)
    _lock_bands(tier.risk_level)
    _make_room(acting_user, tier)
    _refuse_overlap(tier)
    tier.save()
    _refuse_gap(tier, {tier.risk_level})
    audit_event_record(
        actor=acting_user, action="tier_create", obj=tier, changes=snapshot(tier, TIER_FIELDS), summary=f"Proportionality tier {tier.name} added"
    )
    return tier


@transaction.atomic
def tier_update(*, acting_user: Any, tier: ProportionalityTier, **values: Any) -> ProportionalityTier:
    require(can_manage_tiers, acting_user, tier, message=MAY_NOT_MANAGE)
    unknown = set(values) - set(TIER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown tier fields: {sorted(unknown)}")
    before = snapshot(tier, TIER_FIELDS)
    _lock_bands(tier.risk_level, values.get("risk_level", tier.risk_level))
    for name, value in values.items():
        setattr(tier, name, list(value) if name == "required_checks" else value)
    _check(tier)
    tier.save()
    _refuse_gap(tier, {before["risk_level"], tier.risk_level})
    changes = diff(before, snapshot(tier, TIER_FIELDS))
    if changes:
        audit_event_record(actor=acting_user, action="tier_update", obj=tier, changes=changes, summary=f"Proportionality tier {tier.name} changed")
    return tier


def due_diligence_guard(agreement: Agreement, to_status: str) -> list[str]:
    """An award waits until the tier's due-diligence checks are recorded."""
    if to_status != AgreementStatus.AWARDED:
        return []
    missing = missing_checks(agreement)
    if not missing:
        return []
    expired = expired_checks(agreement)
    named = [f"{check_label(code)} (expired on {expired[code]:%-d %B %Y})" if code in expired else check_label(code) for code in missing]
    return ["Record these due-diligence checks before the award: " + ", ".join(named)]


def advance_payment_guard(agreement: Agreement, to_status: str) -> list[str]:
    """Payment in advance is refused at award when the agreement's tier does not allow it."""
    if to_status != AgreementStatus.AWARDED or agreement.payment_basis != PaymentBasis.ADVANCE:
        return []
    tier = tier_for(agreement)
    if tier is None or tier.advance_payment_allowed:
        return []
    return [f"The {tier.name} tier does not allow payment in advance: change the payment basis before the award"]


def _terms(amount: Any, risk_level: Any, payment_basis: Any) -> tuple[Decimal, str, str]:
    """The terms that decide advance payment, compared as values (a snapshot's "20000.00" is the form's 20000)."""
    return Decimal(str(amount)), str(risk_level), str(payment_basis)


def advance_payment_errors(agreement: Agreement, before: dict[str, Any]) -> dict[str, str]:
    """Payment in advance, once awarded, stays within what the tier allows whenever the basis, value or risk changes.

    `before` is `snapshot(agreement, ...)` taken before the change (any fields that include ADVANCE_TERMS).
    """
    if agreement.status in BEFORE_AWARD or agreement.payment_basis != PaymentBasis.ADVANCE:
        return {}
    if _terms(*(before[name] for name in ADVANCE_TERMS)) == _terms(*(getattr(agreement, name) for name in ADVANCE_TERMS)):
        return {}
    tier = tier_for(agreement)
    if tier is None or tier.advance_payment_allowed:
        return {}
    return {"payment_basis": f"The {tier.name} tier does not allow payment in advance"}


def refuse_advance_outside_tier(agreement: Agreement, before: dict[str, Any]) -> None:
    """advance_payment_errors as a refusal, for services that check one rule at a time."""
    errors = advance_payment_errors(agreement, before)
    if errors:
        raise ValidationError(errors)


def tier_reporting_every_months(agreement: Agreement, values: dict[str, Any]) -> None:
    """A new agreement is monitored as often as its tier says, unless the caller chose a frequency."""
    if values.get("reporting_every_months") is not None:
        return
    agreement.reporting_every_months = Agreement._meta.get_field("reporting_every_months").get_default()
    amount = agreement.amount
    if isinstance(amount, int) and not isinstance(amount, bool):
        amount = Decimal(amount)
    if not (isinstance(amount, Decimal) and amount.is_finite()) or agreement.risk_level not in RiskLevel.values:
        return  # the agreement's own checks name the bad value
    tier = tier_for_values(amount=amount, risk_level=agreement.risk_level)
    if tier is not None:
        agreement.reporting_every_months = tier.monitoring_every_months
