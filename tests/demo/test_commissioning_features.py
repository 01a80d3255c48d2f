"""The demo council shows the commissioning features: variations, a wound-down decommissioning,
returns entered by officers, a held payment with its message, letters to post, and a notice sent outside Lightbulb."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from lightbulb.accounts.models import Membership
from lightbulb.core.models import OrganisationMessage
from lightbulb.core.roles import Role
from lightbulb.demo import generator
from lightbulb.funding.models import Agreement, AgreementStatus, Decommissioning, MonitoringReturn, Payment, Variation
from lightbulb.funding.selectors.returns import overdue_q
from lightbulb.funding.services.returns import add_months
from lightbulb.organisations.models import Organisation
from tests.conftest import demo_for_the_module

TODAY = datetime.date(2026, 6, 1)
RS = MonitoringReturn.Status
PS = Payment.Status
ENDED = (AgreementStatus.DECOMMISSIONED, AgreementStatus.CLOSED)


# Every test here reads the same tiny demo, generated once (tests.conftest.demo_for_the_module); the council scale is
# checked the same way in test_council_scale.py.
pytestmark = pytest.mark.django_db
demo = demo_for_the_module(TODAY)


def _committed(agreement: Agreement) -> Decimal:
    paid = agreement.payments.filter(status__in=(PS.SCHEDULED, PS.HELD, PS.PAID, PS.CLAWED_BACK)).aggregate(total=Sum("amount"))["total"]
    return paid or Decimal(0)


def test_an_increase_approved_by_the_head_of_communities_on_a_live_agreement(demo):
    increase = Variation.objects.get(is_reduction=False)
    assert increase.agreement.status == AgreementStatus.LIVE
    assert increase.approved_by == "Head of Communities"
    before, after = increase.changes["Value"]
    assert after == f"£{increase.agreement.amount:,.2f}"
    assert Decimal(before.strip("£").replace(",", "")) < increase.agreement.amount
    assert increase.approved_on < TODAY
    assert _committed(increase.agreement) <= increase.agreement.amount


def test_a_reduction_with_notice_impact_and_payments_within_the_lower_value(demo):
    reduction = Variation.objects.get(is_reduction=True)
    agreement = reduction.agreement
    assert agreement.status == AgreementStatus.LIVE
    assert reduction.impact_assessment
    assert reduction.notice_date <= TODAY
    assert reduction.effective_date >= add_months(reduction.notice_date, 3)
    assert reduction.response_due_date == reduction.notice_date + datetime.timedelta(days=28)
    before, after = reduction.changes["Value"]
    assert after == f"£{agreement.amount:,.2f}"
    assert Decimal(before.strip("£").replace(",", "")) > agreement.amount
    assert _committed(agreement) <= agreement.amount
    assert reduction.agreement_id != Variation.objects.get(is_reduction=False).agreement_id


def test_no_agreement_commits_more_than_its_value(demo):
    for agreement in Agreement.objects.filter(payments__isnull=False).distinct():
        assert _committed(agreement) <= agreement.amount, agreement.reference


def test_the_featured_decommissionings_are_wound_down(demo):
    complete = Decommissioning.objects.filter(stage=Decommissioning.Stage.COMPLETE).select_related("agreement")
    assert complete.count() == 2
    shown = False
    for item in complete:
        end, agreement = item.funding_end_date, item.agreement
        assert end < agreement.end_date, "funding ended before the term's end"
        reason = f"Funding ended on {end:%-d %B %Y} (decommissioned)"
        cancelled = agreement.payments.filter(due_date__gt=end)
        assert cancelled.exists() or agreement.payment_basis == "arrears"
        assert all(payment.status == PS.CANCELLED and payment.reason == reason for payment in cancelled)
        later = agreement.returns.filter(period_start__gt=end)
        assert later.exists()
        assert all(item.status == RS.WITHDRAWN and item.review_note == reason for item in later)
        assert agreement.returns.filter(period_start__lte=end, period_end=end).count() == 1
        assert not agreement.returns.filter(period_start__lte=end, period_end__gt=end).exists()
        shown = shown or cancelled.exists()
    assert shown, "one shows a cancelled payment"


def test_nothing_of_a_decommissioned_or_closed_agreement_is_due_after_its_funding_ended(demo):
    ended = Agreement.objects.filter(status__in=ENDED).select_related("decommissioning")
    assert ended.filter(status=AgreementStatus.DECOMMISSIONED).exists()
    for agreement in ended:
        item = getattr(agreement, "decommissioning", None)
        end = item.funding_end_date if item else agreement.end_date
        assert not agreement.returns.filter(status__in=(RS.DUE, RS.QUERIED), period_start__gt=end).exists(), agreement.reference
        assert not agreement.payments.filter(status__in=(PS.SCHEDULED, PS.HELD), due_date__gt=end).exists(), agreement.reference
    assert not MonitoringReturn.objects.filter(overdue_q(TODAY), agreement__status=AgreementStatus.DECOMMISSIONED).exists()


def test_returns_of_organisations_without_a_portal_member_were_entered_by_officers(demo):
    with_members = Membership.objects.values("organisation")
    entered = MonitoringReturn.objects.filter(entered_by_council=True, status__in=(RS.SUBMITTED, RS.ACCEPTED))
    assert entered.exclude(agreement__organisation__in=with_members).count() >= 3
    assert not entered.exclude(submitted_by__role=Role.OFFICER).exists()
    # The vcs user's own returns were submitted in the portal.
    vcs = MonitoringReturn.objects.filter(submitted_by__email="vcs@anytown.example")
    assert vcs.exists()
    assert not vcs.filter(entered_by_council=True).exists()


def test_a_held_payment_has_its_message_routed_as_the_outbox_routes_it(demo):
    held = Payment.objects.filter(status=PS.HELD).exclude(reason="").select_related("agreement__organisation")
    assert held.exists()
    for payment in held:
        message = OrganisationMessage.objects.get(object_type="funding.payment", object_id=str(payment.pk))
        organisation = payment.agreement.organisation
        assert (message.organisation_id, message.organisation_name) == (organisation.pk, organisation.name)
        assert message.subject == f"A payment under {payment.agreement.reference} is held"
        assert payment.reason in message.body
        assert message.route == _expected_route(organisation)
        assert (message.sent_at is None) == (message.route == OrganisationMessage.Route.POST)
        assert bool(message.recipients) == (message.route != OrganisationMessage.Route.POST)


def _expected_route(organisation: Organisation) -> str:
    if organisation.memberships.exists():
        return OrganisationMessage.Route.MEMBERS
    if organisation.email or organisation.contacts.filter(consent_given_on__isnull=False).exclude(email="").exists():
        return OrganisationMessage.Route.CONTACT
    return OrganisationMessage.Route.POST


def test_a_notice_to_an_organisation_with_no_email_is_a_letter_to_post(demo):
    letters = OrganisationMessage.objects.filter(object_type="funding.decommissioning", route=OrganisationMessage.Route.POST)
    assert letters.exists()
    for message in letters:
        organisation = Organisation.objects.get(pk=message.organisation_id)
        assert _expected_route(organisation) == OrganisationMessage.Route.POST
        assert message.sent_at is None and message.recipients == []
        assert message.subject.startswith("Notice that funding will end")
    for variation in Variation.objects.all():
        assert OrganisationMessage.objects.filter(object_type="funding.variation", object_id=str(variation.pk)).exists()


def test_a_notice_recorded_as_sent_outside_lightbulb(demo):
    outside = Decommissioning.objects.get(notice_sent_outside=True)
    assert outside.outside_reason
    assert outside.notice_date is not None
    assert not OrganisationMessage.objects.filter(object_type="funding.decommissioning", object_id=str(outside.pk)).exists()


CHECKS = [
    "test_an_increase_approved_by_the_head_of_communities_on_a_live_agreement",
    "test_a_reduction_with_notice_impact_and_payments_within_the_lower_value",
    "test_no_agreement_commits_more_than_its_value",
    "test_the_featured_decommissionings_are_wound_down",
    "test_nothing_of_a_decommissioned_or_closed_agreement_is_due_after_its_funding_ended",
    "test_returns_of_organisations_without_a_portal_member_were_entered_by_officers",
    "test_a_held_payment_has_its_message_routed_as_the_outbox_routes_it",
    "test_a_notice_to_an_organisation_with_no_email_is_a_letter_to_post",
    "test_a_notice_recorded_as_sent_outside_lightbulb",
]


def every_feature_holds(ctx: generator.DemoContext) -> None:
    """Each check above, on another demo (the council scale: test_council_scale.py)."""
    for name in CHECKS:
        globals()[name](ctx)
