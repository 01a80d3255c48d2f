"""Proportionality that cannot fall through a gap: tiers run on from £0, new agreements take the tier's
monitoring, expired checks block the award, and payment in advance stays within the tier after award."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.dates import add_months
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.funding.models import AgreementStatus as S
from lightbulb.funding.models import PaymentBasis, ProportionalityTier, RiskLevel
from lightbulb.funding.selectors.tiers import first_gap, missing_checks
from lightbulb.funding.services.agreements import agreement_create, due_diligence_record
from lightbulb.funding.services.lifecycle import agreement_transition
from lightbulb.funding.services.tiers import advance_payment_errors, tier_create, tier_update
from tests.factories import AgreementFactory, DueDiligenceRecordFactory, ProportionalityTierFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def _tier(**changes):
    values = {
        "name": "Lower",
        "min_value": Decimal("0"),
        "max_value": None,
        "risk_level": "low",
        "required_checks": [],
        "monitoring_every_months": 12,
        "advance_payment_allowed": True,
    }
    values.update(changes)
    return values


@pytest.fixture
def two_bands(no_tiers, users):
    """Low risk: £0 to £9,999.99, then £10,000 upwards."""
    admin = users[Role.ADMIN]
    lower = tier_create(acting_user=admin, **_tier())
    upper = tier_create(acting_user=admin, **_tier(name="Upper", min_value=Decimal("10000"), monitoring_every_months=3))
    lower.refresh_from_db()
    return lower, upper


def test_the_default_tiers_run_on_from_nothing_for_every_risk_level():
    assert ProportionalityTier.objects.count() == 12
    for level in RiskLevel.values:
        assert first_gap(level) is None, level


def test_a_tier_that_takes_the_top_of_a_band_splits_it(two_bands):
    lower, upper = two_bands
    assert lower.max_value == Decimal("9999.99") and upper.max_value is None
    assert AuditEvent.objects.filter(action="tier_update", summary__contains="now ends at £9,999.99, to make room for Upper").exists()


def test_a_gap_is_refused_on_create(two_bands, users):
    with pytest.raises(ValidationError) as refused:
        tier_create(acting_user=users[Role.ADMIN], **_tier(name="High", risk_level="high", max_value=Decimal("9999")))
    assert refused.value.message_dict == {"max_value": ["£9,999.01 is in no tier for high risk: tiers must run on from £0 with no gap"]}
    with pytest.raises(ValidationError) as refused:
        tier_create(acting_user=users[Role.ADMIN], **_tier(name="High", risk_level="high", min_value=Decimal("1")))
    assert refused.value.message_dict == {"min_value": ["£0 is in no tier for high risk: tiers must run on from £0 with no gap"]}
    assert not ProportionalityTier.objects.filter(risk_level="high").exists()


def test_a_gap_is_refused_on_update(two_bands, users):
    lower, upper = two_bands
    with pytest.raises(ValidationError) as refused:
        tier_update(acting_user=users[Role.ADMIN], tier=upper, min_value=Decimal("10001"))
    assert refused.value.message_dict == {"min_value": ["£10,000 is in no tier for low risk: tiers must run on from £0 with no gap"]}
    with pytest.raises(ValidationError) as refused:
        tier_update(acting_user=users[Role.ADMIN], tier=ProportionalityTier.objects.get(pk=lower.pk), max_value=Decimal("9000"))
    assert refused.value.message_dict == {"max_value": ["£9,000.01 is in no tier for low risk: tiers must run on from £0 with no gap"]}
    with pytest.raises(ValidationError) as refused:
        tier_update(acting_user=users[Role.ADMIN], tier=ProportionalityTier.objects.get(pk=upper.pk), risk_level="high")
    assert "risk_level" in refused.value.message_dict
    upper.refresh_from_db()
    assert upper.min_value == Decimal("10000") and upper.risk_level == "low"


def test_an_overlap_is_refused(two_bands, users):
    lower, _upper = two_bands
    with pytest.raises(ValidationError, match="overlaps another tier for the same risk level: Upper"):
        tier_update(acting_user=users[Role.ADMIN], tier=lower, max_value=Decimal("10000"))


def test_the_settings_page_shows_the_gap_beside_the_field(client_for, two_bands):
    _lower, upper = two_bands
    data = {"name": "Upper", "min_value": "£10,001", "max_value": "", "risk_level": "low", "monitoring_every_months": "3"}
    response = client_for(Role.ADMIN).post(reverse("funding:tier_edit", kwargs={"pk": upper.pk}), data)
    page = visible_text(response.content)
    assert response.status_code == 200 and "There is a problem" in page
    assert "£10,000 is in no tier for low risk: tiers must run on from £0 with no gap" in page
    create = client_for(Role.ADMIN).post(
        reverse("funding:tier_create"), {**data, "name": "Medium", "risk_level": "medium", "min_value": "0", "max_value": "500"}
    )
    assert "£500.01 is in no tier for medium risk" in visible_text(create.content)
    assert "the next starts at £5,000.01" in visible_text(client_for(Role.ADMIN).get(reverse("funding:tier_create")).content)


def _agreement_values(users, organisation, **changes):
    values = {
        "title": "Lunch club",
        "kind": "grant",
        "organisation": organisation,
        "accountable_officer": users[Role.OFFICER],
        "department": "Adult care",
        "budget_line": "AC-1",
        "purpose": "Lunches",
        "amount": Decimal("20000"),
        "start_date": datetime.date(2026, 4, 1),
        "end_date": datetime.date(2027, 3, 31),
        "procurement_route": "grant_round",
        "risk_level": "low",
        "payment_basis": "arrears",
    }
    values.update(changes)
    return values


def test_a_new_agreement_is_monitored_as_often_as_its_tier_says(two_bands, users, own_organisation):
    officer = users[Role.OFFICER]
    assert agreement_create(acting_user=officer, **_agreement_values(users, own_organisation)).reporting_every_months == 3
    small = agreement_create(acting_user=officer, **_agreement_values(users, own_organisation, amount=Decimal("500")))
    assert small.reporting_every_months == 12
    chosen = agreement_create(acting_user=officer, **_agreement_values(users, own_organisation, reporting_every_months=6))
    assert chosen.reporting_every_months == 6


def test_the_agreement_form_offers_the_tier_frequency(client_for):
    page = visible_text(client_for(Role.OFFICER).get(reverse("funding:agreement_create")).content)
    assert "Leave empty to use the frequency its proportionality tier sets for the value and risk level (from every 3 to every 12 months)" in page


def test_an_expired_check_blocks_the_award_and_says_when_it_expired(no_tiers, users, client_for):
    ProportionalityTierFactory(name="All", required_checks=["accounts"])
    agreement = AgreementFactory(status=S.APPROVED, amount=Decimal("1000"))
    done = timezone.localdate() - datetime.timedelta(days=400)
    DueDiligenceRecordFactory(agreement=agreement, check_code="accounts", completed_on=done, completed_by=users[Role.OFFICER])
    expired_on = add_months(done, 12)
    assert missing_checks(agreement) == ["accounts"]
    with pytest.raises(ValidationError, match=f"Latest accounts reviewed \\(expired on {expired_on:%-d %B %Y}\\)"):
        agreement_transition(agreement=agreement, to_status=S.AWARDED, acting_user=users[Role.OFFICER], reason="Award")
    detail = visible_text(client_for(Role.OFFICER).get(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk})).content)
    assert f"Expired on {expired_on:%-d %B %Y}" in detail
    record_page = visible_text(client_for(Role.OFFICER).get(reverse("funding:due_diligence", kwargs={"pk": agreement.pk})).content)
    assert f"Expired on {expired_on:%-d %B %Y}" in record_page
    due_diligence_record(acting_user=users[Role.OFFICER], agreement=agreement, check_code="accounts", completed_on=timezone.localdate())
    assert missing_checks(agreement) == []
    record_page = visible_text(client_for(Role.OFFICER).get(reverse("funding:due_diligence", kwargs={"pk": agreement.pk})).content)
    assert f"Expires on {add_months(timezone.localdate(), 12):%-d %B %Y}" in record_page
    agreement_transition(agreement=agreement, to_status=S.AWARDED, acting_user=users[Role.OFFICER], reason="Award")


@pytest.mark.parametrize("status", [S.AWARDED, S.LIVE, S.EXTENDED])
def test_advance_is_refused_after_award_when_the_tier_forbids_it(no_tiers, status):
    ProportionalityTierFactory(name="Small", max_value=Decimal("10000"), advance_payment_allowed=True)
    ProportionalityTierFactory(name="Large", min_value=Decimal("10000.01"), advance_payment_allowed=False)
    agreement = AgreementFactory(status=status, amount=Decimal("20000"), payment_basis=PaymentBasis.ARREARS)
    before = {"amount": "20000.00", "risk_level": "low", "payment_basis": "arrears"}
    agreement.payment_basis = PaymentBasis.ADVANCE
    assert advance_payment_errors(agreement, before) == {"payment_basis": "The Large tier does not allow payment in advance"}
    # Moving an advance-paid agreement up into the Large tier is refused too; within Small it is fine.
    small = AgreementFactory(status=status, amount=Decimal("5000"), payment_basis=PaymentBasis.ADVANCE)
    before = {"amount": "5000.00", "risk_level": "low", "payment_basis": "advance"}
    small.amount = Decimal("8000")
    assert advance_payment_errors(small, before) == {}
    small.amount = Decimal("12000")
    assert advance_payment_errors(small, before) == {"payment_basis": "The Large tier does not allow payment in advance"}
    # Nothing that decides it changed, or not yet awarded: not this check's business.
    assert advance_payment_errors(small, {**before, "amount": "12000"}) == {}
    small.status = S.APPROVED
    assert advance_payment_errors(small, before) == {}
