"""The agreement life-cycle: recorded steps, refusals, and invariants over random sequences."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightbulb.core.models import AuditEvent
from lightbulb.funding.lifecycle import ALLOWED
from lightbulb.funding.models import AgreementStatus, AgreementTransition, PaymentBasis
from lightbulb.funding.services.lifecycle import agreement_transition
from tests.factories import AgreementFactory, OrganisationFactory, ProportionalityTierFactory, UserFactory

pytestmark = pytest.mark.django_db
S = AgreementStatus


def _events(agreement) -> int:
    return AuditEvent.objects.filter(action="agreement_transition", object_id=str(agreement.pk)).count()


def test_a_step_records_who_when_why_and_audits_on_the_organisation(agreement, users, no_tiers):
    step = agreement_transition(agreement=agreement, to_status=S.APPROVED, acting_user=users["officer"], reason="Panel approved on 3 March")
    agreement.refresh_from_db()
    assert agreement.status == S.APPROVED
    assert (step.from_status, step.to_status, step.by, step.reason) == (S.PLANNED, S.APPROVED, users["officer"], "Panel approved on 3 March")
    assert step.at is not None
    event = AuditEvent.objects.get(action="agreement_transition", object_id=str(agreement.pk))
    assert event.organisation_id == agreement.organisation_id
    assert "planned to approved" in event.summary


def test_an_illegal_step_is_refused_with_the_allowed_ones_named(agreement, users):
    with pytest.raises(ValidationError) as refused:
        agreement_transition(agreement=agreement, to_status=S.LIVE, acting_user=users["officer"], reason="Skip ahead")
    assert "can move only to: approved, closed" in str(refused.value)
    agreement.refresh_from_db()
    assert agreement.status == S.PLANNED
    assert not AgreementTransition.objects.exists()


def test_a_reason_is_required(agreement, users):
    with pytest.raises(ValidationError, match="Say why"):
        agreement_transition(agreement=agreement, to_status=S.APPROVED, acting_user=users["officer"], reason="   ")
    assert not AgreementTransition.objects.exists()


def test_award_is_blocked_until_the_tiers_checks_are_recorded(agreement, users, complete_due_diligence):
    # £12,000 low risk falls in the seeded "Small, low risk" tier.
    agreement_transition(agreement=agreement, to_status=S.APPROVED, acting_user=users["officer"], reason="Approved")
    with pytest.raises(ValidationError) as refused:
        agreement_transition(agreement=agreement, to_status=S.AWARDED, acting_user=users["officer"], reason="Award")
    message = str(refused.value)
    assert "Record these due-diligence checks before the award" in message
    assert "Bank details verified" in message and "Safeguarding policy checked" in message
    agreement.refresh_from_db()
    assert agreement.status == S.APPROVED
    complete_due_diligence(agreement)
    agreement_transition(agreement=agreement, to_status=S.AWARDED, acting_user=users["officer"], reason="Award")
    agreement.refresh_from_db()
    assert agreement.status == S.AWARDED


def test_payment_in_advance_is_refused_at_award_when_the_tier_forbids_it(no_tiers, users, complete_due_diligence):
    ProportionalityTierFactory(name="Large", min_value=250_000, risk_level="low", required_checks=[], advance_payment_allowed=False)
    agreement = AgreementFactory(amount=300_000, status=S.APPROVED, payment_basis=PaymentBasis.ADVANCE)
    with pytest.raises(ValidationError, match="The Large tier does not allow payment in advance"):
        agreement_transition(agreement=agreement, to_status=S.AWARDED, acting_user=users["officer"], reason="Award")
    agreement.payment_basis = PaymentBasis.ARREARS
    agreement.save()
    agreement_transition(agreement=agreement, to_status=S.AWARDED, acting_user=users["officer"], reason="Award")
    assert agreement.status == S.AWARDED


def test_closed_is_terminal(users, no_tiers):
    agreement = AgreementFactory(status=S.CLOSED)
    for status in S.values:
        with pytest.raises(ValidationError, match="nothing"):
            agreement_transition(agreement=agreement, to_status=status, acting_user=users["officer"], reason="Again")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(S.values), st.booleans()), min_size=1, max_size=12))
def test_random_sequences_keep_the_invariants(steps, django_db_blocker):
    """Status only changes along ALLOWED, each change has one transition and one audit event, refusals change nothing."""
    from lightbulb.funding.models import ProportionalityTier

    ProportionalityTier.objects.all().delete()
    officer = UserFactory(role="officer")
    agreement = AgreementFactory(organisation=OrganisationFactory(), accountable_officer=officer)
    moves = 0
    for to_status, with_reason in steps:
        before = agreement.status
        reason = "Because" if with_reason else ""
        try:
            agreement_transition(agreement=agreement, to_status=to_status, acting_user=officer, reason=reason)
        except ValidationError:
            agreement.refresh_from_db()
            assert agreement.status == before
            assert not (with_reason and to_status in ALLOWED[before]), "a legal step with a reason was refused"
        else:
            assert with_reason and to_status in ALLOWED[before]
            moves += 1
            agreement.refresh_from_db()
            assert agreement.status == to_status
        assert AgreementTransition.objects.filter(agreement=agreement).count() == moves
        assert _events(agreement) == moves
    chain = list(AgreementTransition.objects.filter(agreement=agreement).order_by("at", "id"))
    current = S.PLANNED
    for step in chain:
        assert step.from_status == current and step.to_status in ALLOWED[current]
        current = step.to_status
    assert current == agreement.status
