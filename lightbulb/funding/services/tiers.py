"""Editing proportionality tiers, and the award guards they drive."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.rules import require
from lightbulb.funding.models import Agreement, AgreementStatus, PaymentBasis, ProportionalityTier
from lightbulb.funding.rules import can_manage_tiers
from lightbulb.funding.selectors.tiers import check_label, missing_checks, overlapping_tiers, tier_for

MAY_NOT_MANAGE = "Only system administrators change the proportionality tiers."
TIER_FIELDS = ("name", "min_value", "max_value", "risk_level", "required_checks", "monitoring_every_months", "advance_payment_allowed")


def _refuse_overlap(tier: ProportionalityTier) -> None:
    clashes = overlapping_tiers(min_value=tier.min_value, max_value=tier.max_value, risk_level=tier.risk_level, exclude_pk=tier.pk)
    if clashes:
        names = ", ".join(clash.name for clash in clashes)
        raise ValidationError({"min_value": f"This value band overlaps another tier for the same risk level: {names}"})


def _check(tier: ProportionalityTier) -> None:
    if tier.max_value is not None and tier.max_value < tier.min_value:
        raise ValidationError({"max_value": "The upper limit must be the same as or more than the lower limit"})
    tier.full_clean()
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
    _check(tier)
    tier.save()
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
    for name, value in values.items():
        setattr(tier, name, list(value) if name == "required_checks" else value)
    _check(tier)
    tier.save()
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
    return ["Record these due-diligence checks before the award: " + ", ".join(check_label(code) for code in missing)]


def advance_payment_guard(agreement: Agreement, to_status: str) -> list[str]:
    """Payment in advance is refused at award when the agreement's tier does not allow it."""
    if to_status != AgreementStatus.AWARDED or agreement.payment_basis != PaymentBasis.ADVANCE:
        return []
    tier = tier_for(agreement)
    if tier is None or tier.advance_payment_allowed:
        return []
    return [f"The {tier.name} tier does not allow payment in advance: change the payment basis before the award"]
