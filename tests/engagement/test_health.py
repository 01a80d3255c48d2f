"""Relationship health: the documented index from operational measures, by quarter, for one organisation and the sector."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.engagement.selectors.health import health, quarters
from lightbulb.funding.models import Payment
from tests.conftest import sign_in
from tests.engagement.factories import EngagementFactory
from tests.factories import AgreementFactory, OrganisationFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def test_quarters_run_oldest_first_to_the_current_one():
    periods = quarters(TODAY, 3)
    assert [(q.start, q.end) for q in periods] == [
        (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    ]
    assert periods[-1].label == "Oct–Dec 2026"


@pytest.fixture
def funded(db):
    organisation = OrganisationFactory(name="Riverside Food Bank")
    agreement = AgreementFactory(
        organisation=organisation, status="live", amount=Decimal("30000"), start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2028, 3, 31)
    )
    AgreementFactory(
        organisation=organisation, status="live", amount=Decimal("10000"), start_date=datetime.date(2026, 4, 1), end_date=datetime.date(2027, 3, 31)
    )
    for invoice, paid in ((datetime.date(2026, 10, 1), datetime.date(2026, 10, 11)), (datetime.date(2026, 10, 5), datetime.date(2026, 11, 14))):
        Payment.objects.create(
            agreement=agreement, due_date=invoice, invoice_received_on=invoice, paid_on=paid, amount=Decimal("1000"), basis="arrears", status="paid"
        )
    EngagementFactory(held_on=datetime.date(2026, 10, 20)).organisations.add(organisation)
    return organisation


def test_one_organisations_index(funded):
    quarter = health(funded.pk, TODAY)[-1]
    # Paid within 30 days: 1 of 2 (50). Days to pay: (10 + 40) / 2 = 25 → (60 - 25) × 100 / 46 = 76.
    # One engagement: 50. Multi-year: £30,000 of £40,000 live = 75.
    assert quarter.scores == {"compact": 50, "pay_days": 76, "engagement": 50, "multi_year": 75}
    assert quarter.index == 63


def test_the_sectors_index_and_its_page(client, users, funded):
    OrganisationFactory(name="Not engaged")
    AgreementFactory(status="live", start_date=datetime.date(2026, 4, 1), end_date=datetime.date(2027, 3, 31))
    assert health(None, TODAY)[-1].scores["engagement"] == 50  # one of the two funded organisations engaged
    sign_in(client, users[Role.COUNCILLOR])
    text = visible_text(client.get(reverse("engagement:health_sector")).content)
    assert "Relationship health" in text and "How the index is worked out" in text and "Multi-year share" in text
    page = visible_text(client.get(reverse("engagement:health_organisation", kwargs={"pk": funded.pk})).content)
    assert "Riverside Food Bank" in page and "Relationship health by quarter" in page


def test_the_last_two_quarters_alone_score_as_they_do_among_eight(funded):
    """The organisation page reads only the two quarters it shows: each is scored from its own records."""
    Payment.objects.create(
        agreement=funded.agreements.first(),
        due_date=datetime.date(2026, 8, 1),
        invoice_received_on=datetime.date(2026, 8, 1),
        paid_on=datetime.date(2026, 9, 20),
        amount=Decimal("500"),
        basis="arrears",
        status="paid",
    )
    EngagementFactory(held_on=datetime.date(2025, 12, 1)).organisations.add(funded)
    eight, two = health(funded.pk, TODAY), health(funded.pk, TODAY, count=2)
    assert [(q.start, q.scores, q.index) for q in two] == [(q.start, q.scores, q.index) for q in eight[-2:]]
    assert two[0].scores["pay_days"] is not None and two[-1].index == 63
