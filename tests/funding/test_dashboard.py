"""The officer's dashboard panels funding adds: my agreements, returns, payments, reviews (core's deadlines panel: tests/core/test_dashboard.py)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lightbulb.core.registry import registry
from lightbulb.funding.services.payments import payments_schedule
from lightbulb.funding.services.returns import returns_schedule
from tests.conftest import sign_in
from tests.factories import AgreementFactory, OrganisationFactory
from tests.funding.factories_returns import live_agreement
from tests.helpers import assert_queries_independent_of_size, visible_text

TODAY = datetime.datetime(2025, 10, 10, 9, 0)


@pytest.fixture
def officer_world(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    returns_schedule(agreement=agreement, acting_user=users["officer"])
    payments_schedule(agreement=agreement, acting_user=users["officer"])
    AgreementFactory(accountable_officer=users["officer"], status="planned", reference="AGR-PLAN-1")
    return agreement


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_the_officer_sees_every_panel(client_for, users, officer_world):
    text = visible_text(client_for("officer").get("/").content)
    # My agreements, by status.
    assert "My agreements" in text
    assert "2 agreements you are accountable for" in text
    assert "Live 1" in text
    assert "Planned 1" in text
    # Returns: the July return is overdue, the October one is due within 30 days.
    assert "1 return overdue" in text
    assert "1 due in the next 30 days" in text
    # Payments: September's instalment not yet paid is late; none other within 30 days.
    assert "Payments due in the next 30 days" in text
    assert "30 September 2025 Late" in text or "30 September 2025" in text
    # Reviews: the agreement ends 31 March 2026, within six months.
    assert "Reviews due" in text
    assert "AGR-RET-0001 Riverside Food Bank : ends 31 March 2026" in text
    assert "1 live agreement ends within six months" in text
    # Funding's deadlines reach core's deadlines panel through the registry.
    assert "Your deadlines in the next 14 days" in text
    assert "Review due: AGR-RET-0001 Riverside Food Bank ends on 31 March 2026" in text


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_other_roles_do_not_see_the_officer_panels(client_for, officer_world):
    for role in ("councillor", "staff", "vcs"):
        text = visible_text(client_for(role).get("/").content)
        assert "My agreements" not in text
        assert "Payments due in the next 30 days" not in text


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_an_officer_with_nothing_is_told_so(make_user, client_for):
    from django.test import Client

    client = sign_in(Client(), make_user(email="new.officer@example.org"))
    text = visible_text(client.get("/").content)
    assert "You are not the accountable officer for any agreement." in text
    assert "No returns are overdue or due in the next 30 days." in text


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_organisation_section_summarises_returns_and_payments(rf, users, officer_world, own_organisation):
    request = rf.get("/")
    request.user = users["officer"]
    section = registry.organisation_sections["returns_payments"](own_organisation, request)
    assert section["order"] == 30
    assert section["returns"]["overdue"] == 1
    assert section["payments"]["scheduled"] == 4
    request.user = users["staff"]
    assert registry.organisation_sections["returns_payments"](own_organisation, request) is None


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_dashboard_queries_do_not_grow(users, officer_world):
    from django.test import Client

    client = sign_in(Client(), users["officer"])
    counter = iter(range(100))

    def grow():
        for _ in range(3):
            agreement = live_agreement(users, OrganisationFactory(), reference=f"AGR-DASH-{next(counter)}")
            returns_schedule(agreement=agreement, acting_user=users["officer"])
            payments_schedule(agreement=agreement, acting_user=users["officer"])

    assert_queries_independent_of_size(client, "/", grow)


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_a_closed_agreement_owes_nothing_on_the_dashboard(client_for, users, officer_world):
    # Closing winds an agreement down; a payment left scheduled on one (say, from an old import) is not the officer's duty.
    from lightbulb.funding.models import Payment

    closed = AgreementFactory(accountable_officer=users["officer"], status="closed", reference="AGR-SHUT-1")
    Payment.objects.create(agreement=closed, due_date=datetime.date(2025, 10, 15), amount=100, status=Payment.Status.SCHEDULED)
    text = visible_text(client_for("officer").get("/").content)
    assert "Closed 1" in text
    assert "AGR-SHUT-1" not in text


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_closed_agreements_are_counted_up_to_a_limit(client_for, users, officer_world, monkeypatch):
    from lightbulb.funding.selectors import dashboard

    monkeypatch.setattr(dashboard, "CLOSED_COUNTED_UP_TO", 2)
    for number in range(3):
        AgreementFactory(accountable_officer=users["officer"], status="closed", reference=f"AGR-SHUT-{number}")
        AgreementFactory(accountable_officer=users["officer"], status="planned", reference=f"AGR-PLAN-{number + 2}")
    text = visible_text(client_for("officer").get("/").content)
    assert "More than 7 agreements you are accountable for" in text
    assert "Closed More than 2" in text
    # Running agreements are counted exactly, however many: only closed ones (which only grow) stop at the limit.
    assert "Planned 4" in text
    assert "Live 1" in text
