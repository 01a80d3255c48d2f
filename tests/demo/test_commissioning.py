"""The demo council's commissioning: agreements in every state, returns, payments, decommissionings and the Compact."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lightbulb.accounts.models import User
from lightbulb.compact.models import Compact, CompactRule, Consultation
from lightbulb.compact.selectors import rule_measure
from lightbulb.core.roles import Role
from lightbulb.funding.lifecycle import ALLOWED
from lightbulb.funding.models import Agreement, AgreementStatus, Condition, Decommissioning, MonitoringReturn, Payment
from lightbulb.funding.selectors.returns import overdue_q
from lightbulb.funding.selectors.tiers import check_expires_on, tier_for
from tests.conftest import demo_for_the_module, sign_in
from tests.helpers import visible_text

TODAY = datetime.date(2026, 6, 1)
OFFICER = "officer@anytown.example"


# Every test here reads the same tiny demo, generated once (tests.conftest.demo_for_the_module).
pytestmark = pytest.mark.django_db
tiny = demo_for_the_module(TODAY)


def test_every_agreement_status_appears(tiny):
    statuses = set(Agreement.objects.values_list("status", flat=True))
    assert statuses == set(AgreementStatus.values)
    assert set(Agreement.objects.values_list("kind", flat=True)) == {"grant", "contract", "sla"}
    for agreement in Agreement.objects.all():
        year, number = agreement.reference.removeprefix("AGR-").split("-")
        assert len(year) == 4 and len(number) == 4


def test_transitions_run_from_planned_to_the_current_status_as_the_life_cycle_allows(tiny):
    now = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(23, 59)))
    for agreement in Agreement.objects.prefetch_related("transitions"):
        status, last = AgreementStatus.PLANNED, None
        for transition in agreement.transitions.all():
            assert transition.from_status == status, agreement.reference
            assert transition.to_status in ALLOWED[status], f"{agreement.reference}: {status} → {transition.to_status}"
            assert transition.by_id == agreement.accountable_officer_id
            assert transition.reason
            assert last is None or transition.at > last
            assert transition.at <= now
            status, last = transition.to_status, transition.at
        assert status == agreement.status, agreement.reference


def test_recommissioned_and_extended_agreements_lead_to_their_successors(tiny):
    successors = Agreement.objects.filter(previous__isnull=False).select_related("previous")
    assert successors.exists()
    for agreement in successors:
        assert agreement.previous.status in (AgreementStatus.RECOMMISSIONED, AgreementStatus.EXTENDED, AgreementStatus.CLOSED)
        assert agreement.start_date > agreement.previous.end_date


def test_every_awarded_agreement_has_the_due_diligence_its_tier_asks_for(tiny):
    awarded = Agreement.objects.filter(transitions__to_status=AgreementStatus.AWARDED).distinct()
    assert awarded.exists()
    for agreement in awarded:
        # Met on the day it was awarded (checks run out later, counted from the real date).
        award = agreement.transitions.get(to_status=AgreementStatus.AWARDED).at.date()
        tier = tier_for(agreement)
        valid = {
            record.check_code
            for record in agreement.due_diligence.all()
            if record.completed_on <= award < check_expires_on(record.check_code, record.completed_on)
        }
        assert tier is None or set(tier.required_checks) <= valid, agreement.reference


def test_agreements_carry_conditions_and_publishing_flags(tiny):
    kinds = set(Condition.objects.values_list("kind", flat=True))
    assert {"kpi", "output", "outcome", "reporting", "insurance", "safeguarding"} <= kinds
    assert not Agreement.objects.filter(conditions__isnull=True).exists()
    assert Agreement.objects.exclude(recipient_registration_number="").exists()
    assert Agreement.objects.filter(long_term_need=True, end_date__gte=datetime.date(2020, 1, 1)).exists()


def test_there_are_overdue_returns_including_the_demo_officers(tiny):
    overdue = MonitoringReturn.objects.filter(overdue_q(TODAY))
    assert overdue.filter(status=MonitoringReturn.Status.DUE).exists()
    assert overdue.filter(agreement__accountable_officer__email=OFFICER).exists()
    accepted = MonitoringReturn.objects.filter(status=MonitoringReturn.Status.ACCEPTED)
    assert accepted.exists()
    assert all(item.figures.exists() for item in accepted.filter(agreement__conditions__target__isnull=False).distinct()[:20])
    # A return not yet due is still to come, or withdrawn because a decommissioning ended the funding first.
    later = MonitoringReturn.objects.filter(due_date__gt=TODAY).exclude(status=MonitoringReturn.Status.DUE)
    assert not later.exclude(status=MonitoringReturn.Status.WITHDRAWN, agreement__decommissioning__stage="complete").exists()


def test_payments_are_paid_held_and_clawed_back_with_reasons(tiny):
    assert Payment.objects.filter(status=Payment.Status.PAID).exists()
    assert not Payment.objects.filter(paid_on__gt=TODAY).exists()
    for status in (Payment.Status.HELD, Payment.Status.CLAWED_BACK):
        rows = Payment.objects.filter(status=status)
        assert rows.exists()
        assert not rows.filter(reason="").exists()
    assert not Payment.objects.filter(status=Payment.Status.CLAWED_BACK, clawed_back_amount__isnull=True).exists()


def test_the_real_compact_measures_find_breaches_of_the_notice_payment_and_consultation_rules(tiny):
    compact = Compact.objects.get()
    rules = list(compact.commitments.values_list("rule", flat=True))
    assert sorted(rule for rule in rules if rule) == sorted(CompactRule.values)
    assert rules.count("") == 2
    for rule in (CompactRule.NOTICE_3_MONTHS, CompactRule.PAYMENT_30_DAYS, CompactRule.CONSULTATION_12_WEEKS):
        measure = rule_measure(rule, TODAY)
        assert measure.breach_count >= 1, rule
        assert measure.kept >= 1, rule
    assert Consultation.objects.filter(start_date__lte=TODAY, end_date__gte=TODAY).exists()
    assert Consultation.objects.exclude(you_said_we_did="").filter(summary_published_on__lte=TODAY).count() >= 5


def test_decommissionings_are_at_every_stage(tiny):
    stages = set(Decommissioning.objects.values_list("stage", flat=True))
    assert {"draft", "notice_issued", "response_considered", "complete"} <= stages
    complete = Decommissioning.objects.filter(stage="complete")
    assert all(item.lessons_learned for item in complete)
    assert complete.filter(agreement__status=AgreementStatus.DECOMMISSIONED).exists()
    vcs = User.objects.get(email="vcs@anytown.example")
    notice = Decommissioning.objects.filter(stage="notice_issued", agreement__organisation__memberships__user=vcs).first()
    assert notice is not None, "the vcs demo user's organisation has a notice to answer"
    assert notice.response_due_date >= TODAY


def test_the_officer_pages_render_with_the_demo_data(tiny):
    officer = User.objects.get(email=OFFICER)
    assert officer.role == Role.OFFICER
    client = sign_in(Client(), officer)
    home = visible_text(client.get("/").content.decode())
    assert "My agreements" in home
    listing = client.get(reverse("funding:agreement_list"))
    assert listing.status_code == 200
    assert "AGR-" in visible_text(listing.content.decode())
    compact = client.get(reverse("compact:compact"))
    assert compact.status_code == 200
    assert "Anytown Compact" in visible_text(compact.content.decode())
