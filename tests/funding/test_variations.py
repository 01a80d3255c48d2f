"""Once awarded, an agreement's terms change only through a recorded variation; a reduction is given like ending funding."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lightbulb.compact.models import CompactRule
from lightbulb.compact.selectors import rule_measure
from lightbulb.core.models import OrganisationMessage
from lightbulb.core.roles import Role
from lightbulb.funding.models import Agreement, Payment, Variation
from lightbulb.funding.services import agreements as agreement_services
from lightbulb.funding.services import payments, returns
from lightbulb.funding.services.variations import VariationRequest, agreement_vary
from tests.factories import ProportionalityTierFactory
from tests.funding.factories_returns import live_agreement
from tests.helpers import visible_text

TODAY = datetime.date(2025, 8, 1)


def _request(**overrides: Any) -> VariationRequest:
    values: dict[str, Any] = {"changes": {}, "reason": "The café opens a second day", "approved_by": "Head of Communities", "approved_on": TODAY}
    values.update(overrides)
    return VariationRequest(**values)


@pytest.fixture
def live(users, own_organisation) -> Agreement:
    return live_agreement(users, own_organisation)


@time_machine.travel(TODAY, tick=False)
def test_awarded_terms_cannot_be_edited_directly(users, live):
    with pytest.raises(ValidationError) as caught:
        agreement_services.agreement_update(acting_user=users[Role.OFFICER], agreement=live, amount=Decimal(20000))
    assert "changes only through a variation" in caught.value.message_dict["amount"][0]
    # Other fields still edit as before; and the same value posted back is no change.
    agreement_services.agreement_update(acting_user=users[Role.OFFICER], agreement=live, title="Riverside café", amount=live.amount)
    assert Agreement.objects.get(pk=live.pk).title == "Riverside café"


@time_machine.travel(TODAY, tick=False)
def test_an_increase_is_recorded_applied_and_written_to_the_organisation(users, live, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        variation = agreement_vary(acting_user=users[Role.OFFICER], agreement=live, request=_request(changes={"amount": Decimal(15000)}))
    live.refresh_from_db()
    assert live.amount == Decimal(15000)
    assert variation.changes == {"Value": ["£12,000.00", "£15,000.00"]}
    assert not variation.is_reduction
    [letter] = mail.outbox
    assert "Value: £12,000.00 → £15,000.00" in letter.body and "Head of Communities" in letter.body


@time_machine.travel(TODAY, tick=False)
def test_a_reduction_needs_an_impact_assessment_and_notice(users, live):
    officer = users[Role.OFFICER]
    with pytest.raises(ValidationError) as caught:
        agreement_vary(acting_user=officer, agreement=live, request=_request(changes={"amount": Decimal(9000)}))
    errors = caught.value.message_dict
    assert errors["impact_assessment"] == ["Enter the impact assessment and mitigations"]
    assert errors["effective_date"] == ["Enter the date the reduction takes effect"]
    with pytest.raises(ValidationError) as caught:
        agreement_vary(
            acting_user=officer,
            agreement=live,
            request=_request(changes={"amount": Decimal(9000)}, impact_assessment="Fewer lunches", effective_date=datetime.date(2025, 9, 1)),
        )
    assert "less than the Compact's 3 calendar months" in caught.value.message_dict["short_notice_reason"][0]
    assert Agreement.objects.get(pk=live.pk).amount == Decimal(12000)
    variation = agreement_vary(
        acting_user=officer,
        agreement=live,
        request=_request(changes={"amount": Decimal(9000)}, impact_assessment="Fewer lunches", effective_date=datetime.date(2025, 11, 1)),
    )
    assert variation.is_reduction and variation.notice_date == TODAY
    assert variation.response_due_date == TODAY + datetime.timedelta(days=28)


@time_machine.travel(TODAY, tick=False)
def test_a_shorter_term_winds_down_what_falls_after_it(users, live):
    officer = users[Role.OFFICER]
    returns.returns_schedule(agreement=live, acting_user=officer)
    payments.payments_schedule(agreement=live, acting_user=officer)
    with pytest.raises(ValidationError) as caught:
        agreement_vary(acting_user=officer, agreement=live, request=_request(changes={"end_date": datetime.date(2025, 12, 31)}))
    assert caught.value.message_dict["impact_assessment"]
    # Payments of £12,000 are scheduled: a cut below them is refused until they are reduced.
    with pytest.raises(ValidationError) as caught:
        agreement_vary(
            acting_user=officer,
            agreement=live,
            request=_request(changes={"amount": Decimal(6000)}, impact_assessment="Fewer lunches", effective_date=datetime.date(2026, 1, 1)),
        )
    assert "already scheduled or paid" in caught.value.message_dict["amount"][0]
    agreement_vary(
        acting_user=officer,
        agreement=live,
        request=_request(
            changes={"end_date": datetime.date(2025, 12, 31)}, impact_assessment="Ends a quarter early", effective_date=datetime.date(2025, 12, 31)
        ),
    )
    assert Payment.objects.get(agreement=live, due_date=datetime.date(2026, 3, 31)).status == Payment.Status.CANCELLED
    assert live.returns.get(period_start=datetime.date(2026, 1, 1)).status == "withdrawn"


@time_machine.travel(TODAY, tick=False)
def test_a_variation_into_a_higher_tier_needs_its_due_diligence(users, live):
    from lightbulb.funding.models import ProportionalityTier

    ProportionalityTier.objects.all().delete()
    ProportionalityTierFactory(name="Small grants", min_value=0, max_value=Decimal("19999.99"), risk_level="low", required_checks=[])
    ProportionalityTierFactory(name="Large grants", min_value=Decimal(20000), max_value=None, risk_level="low", required_checks=["accounts"])
    with pytest.raises(ValidationError) as caught:
        agreement_vary(acting_user=users[Role.OFFICER], agreement=live, request=_request(changes={"amount": Decimal(25000)}))
    assert "moves the agreement into the Large grants tier: record its checks first" in caught.value.message_dict["amount"][0]
    assert not Variation.objects.exists()


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.ADMIN, Role.VCS])
def test_only_officers_vary(role, users, live):
    with pytest.raises(PermissionDenied):
        agreement_vary(acting_user=users[role], agreement=live, request=_request(changes={"amount": Decimal(15000)}))


def test_a_planned_agreement_is_edited_not_varied(users, own_organisation):
    planned = live_agreement(users, own_organisation, status="planned")
    with pytest.raises(ValidationError, match="cannot be varied"):
        agreement_vary(acting_user=users[Role.OFFICER], agreement=planned, request=_request(changes={"amount": Decimal(15000)}))


@time_machine.travel(TODAY, tick=False)
def test_the_page_records_a_reduction_and_the_compact_counts_its_notice(users, live, officer_client):
    url = reverse("funding:agreement_vary", kwargs={"pk": live.pk})
    assert "Vary this agreement" in visible_text(officer_client.get(url).content)
    data = {
        "amount": "£9,000",
        "end_date_0": "31",
        "end_date_1": "3",
        "end_date_2": "2026",
        "payment_basis": live.payment_basis,
        "risk_level": live.risk_level,
        "reason": "Budget cut by a quarter",
        "approved_by": "Cabinet",
        "approved_on_0": "1",
        "approved_on_1": "8",
        "approved_on_2": "2025",
        "impact_assessment": "Fewer lunches on Fridays",
        "effective_date_0": "1",
        "effective_date_1": "9",
        "effective_date_2": "2025",
    }
    refused = officer_client.post(url, data)
    assert "less than the Compact's 3 calendar months" in visible_text(refused.content)
    assert 'value="Fewer lunches on Fridays' in refused.content.decode() or "Fewer lunches on Fridays" in refused.content.decode()
    response = officer_client.post(url, {**data, "short_notice_reason": "The budget was cut mid-year"})
    assert response.status_code == 302
    page = visible_text(officer_client.get(reverse("funding:agreement_detail", kwargs={"pk": live.pk})).content)
    assert "Value: £12,000.00 → £9,000.00" in page and "Reduction" in page
    assert OrganisationMessage.objects.filter(subject=f"Your agreement {live.reference} has been varied").exists()
    measure = rule_measure(CompactRule.NOTICE_3_MONTHS, TODAY)
    assert (measure.total, measure.kept) == (1, 1)  # short notice, with its reason recorded


def test_recommissioning_needs_the_agreement_that_replaces_it(users, own_organisation):
    from lightbulb.funding.services import lifecycle

    officer = users[Role.OFFICER]
    old = live_agreement(users, own_organisation, status="under_review", reference="AGR-OLD-0001")
    with pytest.raises(ValidationError, match="Add the agreement that replaces this one first"):
        lifecycle.agreement_transition(agreement=old, to_status="recommissioned", acting_user=officer, reason="Recommissioned")
    successor = live_agreement(users, own_organisation, status="planned", reference="AGR-NEW-0001")
    agreement_services.agreement_update(acting_user=officer, agreement=successor, previous=old)
    lifecycle.agreement_transition(agreement=old, to_status="recommissioned", acting_user=officer, reason="Recommissioned")
    assert list(old.successors.all()) == [successor]
    with pytest.raises(ValidationError) as caught:
        agreement_services.agreement_update(acting_user=officer, agreement=successor, previous=successor)
    assert caught.value.message_dict["previous"] == ["The agreement this one replaces must be another agreement that was awarded"]


def test_the_form_takes_the_replaced_agreement_by_reference(users, own_organisation, officer_client):
    old = live_agreement(users, own_organisation, status="under_review", reference="AGR-OLD-0002")
    successor = live_agreement(users, own_organisation, status="planned", reference="AGR-NEW-0002")
    url = reverse("funding:agreement_edit", kwargs={"pk": successor.pk})
    html = officer_client.get(url).content.decode()
    assert "The agreement this one replaces (optional)" in html
    detail = visible_text(officer_client.get(reverse("funding:agreement_detail", kwargs={"pk": old.pk})).content)
    assert "Replaced by" not in detail
    successor.previous = old
    successor.save()
    detail = visible_text(officer_client.get(reverse("funding:agreement_detail", kwargs={"pk": old.pk})).content)
    assert "Replaced by AGR-NEW-0002" in detail
