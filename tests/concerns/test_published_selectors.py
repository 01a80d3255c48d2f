"""The two reads the open-data module publishes from: counter-fraud figures and organisations under investigation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from lightbulb.concerns.models import CounterFraudYear, NoteKind
from lightbulb.concerns.selectors import counter_fraud_figures, organisation_ids_under_investigation
from lightbulb.core.roles import Role
from tests.concerns.factories import ConcernFactory, NoteFactory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_organisations_with_an_open_concern_are_under_investigation():
    received = ConcernFactory(status="received")
    investigating = ConcernFactory(status="investigating")
    ConcernFactory(status="closed")
    ConcernFactory(status="received", organisation=None, subject_name="A group not on the register")
    OrganisationFactory()
    assert organisation_ids_under_investigation() == {received.organisation_id, investigating.organisation_id}


def test_counter_fraud_figures_count_the_financial_year_from_the_register():
    investigator, other = UserFactory(role=Role.INVESTIGATOR), UserFactory(role=Role.INVESTIGATOR)
    fraud = ConcernFactory(category="fraud", status="investigating", investigated=True, triaged_on=datetime.date(2026, 5, 1), investigator=investigator)
    ConcernFactory(category="misuse_of_funds", status="closed", investigated=True, triaged_on=datetime.date(2027, 3, 31), investigator=investigator)
    # Not fraud, closed at triage, or in another year: not counted as fraud cases.
    ConcernFactory(category="safeguarding", investigated=True, triaged_on=datetime.date(2026, 6, 1), investigator=other)
    ConcernFactory(category="fraud", status="closed", investigated=False, triaged_on=datetime.date(2026, 6, 1))
    ConcernFactory(category="fraud", investigated=True, triaged_on=datetime.date(2026, 3, 31), investigator=investigator)
    NoteFactory(concern=fraud, kind=NoteKind.POWERS, cost=Decimal("250.00"), recorded_on=datetime.date(2026, 5, 2), author=investigator)
    NoteFactory(concern=fraud, cost=Decimal("100.50"), recorded_on=datetime.date(2026, 5, 3), author=investigator)
    NoteFactory(concern=fraud, kind=NoteKind.POWERS, cost=Decimal("999"), recorded_on=datetime.date(2027, 4, 1), author=investigator)
    CounterFraudYear.objects.create(
        year=2026, employees_fte=Decimal("1.5"), accredited_specialists=1, accredited_fte=Decimal("0.8"), other_costs=Decimal("1000")
    )

    figures = counter_fraud_figures(2026)

    assert figures.period == "2026/27"
    assert figures.powers_used == 1
    assert figures.cases_investigated == 2
    assert figures.employees == 2
    assert figures.employees_fte == Decimal("1.5")
    assert figures.accredited_specialists == 1
    assert figures.amount_spent == Decimal("1350.50")
    row = figures.as_row()
    assert row["Total number of fraud cases investigated"] == 2
    assert next(iter(row)) == "Financial year"


def test_a_year_with_nothing_recorded_is_all_zero():
    figures = counter_fraud_figures(2020)
    assert (figures.powers_used, figures.employees, figures.cases_investigated, figures.amount_spent) == (0, 0, 0, Decimal(0))
