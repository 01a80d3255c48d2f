"""When funding ends, what hangs off the agreement winds down; and money never escapes its agreement."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections

from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor
from lightbulb.funding.models import Agreement, MonitoringReturn, Payment
from lightbulb.funding.selectors.payments import committed_total
from lightbulb.funding.selectors.returns import return_deadlines
from lightbulb.funding.services import decommissioning as decommissioning_services
from lightbulb.funding.services import lifecycle, payments, returns
from lightbulb.funding.services.variations import VariationRequest, agreement_vary
from tests.factories import UserFactory
from tests.funding.factories_returns import live_agreement

NOTICE_DAY = datetime.date(2025, 9, 1)
LAST_DAY = datetime.date(2025, 12, 15)
ANSWERS: dict[str, Any] = {
    "reasons": "Recommissioned as a district contract",
    "impact_service_users": "40 people a week",
    "impact_volunteers": "Twelve volunteers",
    "impact_staff": "One coordinator",
    "impact_equality_groups": "Older people",
    "alternative_providers": "The lunch club",
    "mitigations": "Introductions",
    "exit_plan": "Three months",
    "funding_end_date": LAST_DAY,
    "response_due_date": None,
    "short_notice_reason": "",
}


@pytest.fixture
def scheduled(users, own_organisation) -> Agreement:
    """A live £12,000 grant, April 2025 to March 2026: four quarterly returns and four payments in arrears."""
    agreement = live_agreement(users, own_organisation)
    officer = users[Role.OFFICER]
    returns.returns_schedule(agreement=agreement, acting_user=officer)
    payments.payments_schedule(agreement=agreement, acting_user=officer)
    return agreement


def _vary(agreement: Agreement, officer: Any, **changes: Any) -> None:
    """Change awarded terms the only way they change: a recorded variation (a reduction gets its notice)."""
    agreement_vary(
        acting_user=officer,
        agreement=agreement,
        request=VariationRequest(
            changes=changes,
            reason="Test variation",
            approved_by="Head of Communities",
            approved_on=datetime.date(2025, 7, 1),
            impact_assessment="Fewer sessions",
            effective_date=datetime.date(2026, 1, 1),
        ),
    )
    agreement.refresh_from_db()


def _decommission(agreement: Agreement, users: dict[str, Any]) -> None:
    officer = users[Role.OFFICER]
    with time_machine.travel(NOTICE_DAY, tick=False):
        decommissioning = decommissioning_services.decommissioning_issue_notice(acting_user=officer, agreement=agreement, answers=dict(ANSWERS))
    with time_machine.travel(datetime.date(2025, 10, 1), tick=False):
        decommissioning_services.decommissioning_consider(acting_user=officer, decommissioning=decommissioning, text="No response came")
        decommissioning_services.decommissioning_complete(acting_user=officer, decommissioning=decommissioning, lessons_learned="Talk sooner")


def test_decommissioning_cancels_later_payments_withdraws_later_returns_and_cuts_the_final_return(scheduled, users):
    _decommission(scheduled, users)
    by_period = {r.period_start: r for r in MonitoringReturn.objects.filter(agreement=scheduled)}
    # The return covering the last day becomes the final return, for the period up to it.
    final = by_period[datetime.date(2025, 10, 1)]
    assert (final.period_end, final.due_date, final.status) == (LAST_DAY, datetime.date(2026, 1, 15), "due")
    later = by_period[datetime.date(2026, 1, 1)]
    assert later.status == MonitoringReturn.Status.WITHDRAWN
    assert "Funding ended on 15 December 2025" in later.review_note
    statuses = dict(Payment.objects.filter(agreement=scheduled).values_list("due_date", "status"))
    assert statuses[datetime.date(2025, 12, 31)] == Payment.Status.CANCELLED
    assert statuses[datetime.date(2026, 3, 31)] == Payment.Status.CANCELLED
    assert statuses[datetime.date(2025, 9, 30)] == Payment.Status.SCHEDULED
    assert all(p.reason.startswith("Funding ended") for p in Payment.objects.filter(status=Payment.Status.CANCELLED))


def test_nothing_of_a_decommissioned_agreement_is_overdue_afterwards(scheduled, users):
    _decommission(scheduled, users)
    officer = users[Role.OFFICER]
    with time_machine.travel(datetime.date(2026, 6, 1), tick=False):
        deadlines = return_deadlines(officer, datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))
    # Only the returns for periods funded (to the last day) are still asked for; nothing after it.
    assert {d.date for d in deadlines} <= {datetime.date(2025, 7, 30), datetime.date(2025, 10, 30), datetime.date(2026, 1, 15)}
    assert not MonitoringReturn.objects.filter(agreement=scheduled, period_start__gt=LAST_DAY, status__in=["due", "queried"]).exists()
    assert not Payment.objects.filter(agreement=scheduled, due_date__gt=LAST_DAY, status__in=["scheduled", "held"]).exists()


def test_closing_an_agreement_ends_everything_still_outstanding(scheduled, users):
    officer = users[Role.OFFICER]
    lifecycle.agreement_transition(agreement=scheduled, to_status="under_review", acting_user=officer, reason="Review")
    with pytest.raises(ValidationError, match="Record the extension's new end date"):
        lifecycle.agreement_transition(agreement=scheduled, to_status="extended", acting_user=officer, reason="Another year")
    _vary(scheduled, officer, end_date=datetime.date(2026, 9, 30))
    lifecycle.agreement_transition(agreement=scheduled, to_status="extended", acting_user=officer, reason="Another six months")
    lifecycle.agreement_transition(agreement=scheduled, to_status="closed", acting_user=officer, reason="Finished early")
    assert not MonitoringReturn.objects.filter(agreement=scheduled, status__in=["due", "queried"]).exists()
    assert not Payment.objects.filter(agreement=scheduled, status__in=["scheduled", "held"]).exists()
    assert Payment.objects.filter(agreement=scheduled, status="cancelled", reason="Agreement closed: Finished early").count() == 4


# --- money never escapes its agreement ---------------------------------------------------------


def test_a_milestone_beyond_the_value_is_refused(users, own_organisation):
    agreement = live_agreement(users, own_organisation, payment_basis="milestones")
    officer = users[Role.OFFICER]
    payments.payment_milestone_add(agreement=agreement, acting_user=officer, milestone="Opening", due_date=datetime.date(2025, 9, 1), amount=Decimal(8000))
    with pytest.raises(ValidationError, match="more than the agreement's value"):
        payments.payment_milestone_add(agreement=agreement, acting_user=officer, milestone="Second", due_date=datetime.date(2025, 10, 1), amount=Decimal(4001))
    assert committed_total(agreement.pk) == Decimal(8000)


def test_a_change_of_basis_schedules_only_what_is_left(scheduled, users):
    officer = users[Role.OFFICER]
    paid = Payment.objects.filter(agreement=scheduled).order_by("due_date").first()
    payments.payment_record_paid(payment=paid, acting_user=officer, paid_on=datetime.date(2025, 7, 1))
    for payment in Payment.objects.filter(agreement=scheduled, status="scheduled"):
        payment.status = Payment.Status.CANCELLED
        payment.save()
    _vary(scheduled, officer, payment_basis="advance")
    payments.payments_schedule(agreement=scheduled, acting_user=officer)
    assert committed_total(scheduled.pk) == scheduled.amount
    # Back to arrears: instalments exist on that basis already, and nothing is left to split anyway.
    _vary(scheduled, officer, payment_basis="arrears")
    assert payments.payments_schedule(agreement=scheduled, acting_user=officer) == []
    assert committed_total(scheduled.pk) == scheduled.amount


def test_nothing_is_scheduled_once_payments_reach_the_value(users, own_organisation):
    agreement = live_agreement(users, own_organisation, payment_basis="milestones")
    officer = users[Role.OFFICER]
    payments.payment_milestone_add(agreement=agreement, acting_user=officer, milestone="All", due_date=datetime.date(2025, 9, 1), amount=agreement.amount)
    _vary(agreement, officer, payment_basis="advance")
    with pytest.raises(ValidationError, match="nothing is left to schedule"):
        payments.payments_schedule(agreement=agreement, acting_user=officer)


def test_the_value_cannot_be_cut_below_what_is_scheduled(scheduled, users):
    with pytest.raises(ValidationError) as caught:
        _vary(scheduled, users[Role.OFFICER], amount=Decimal(5000))
    assert "Payments of £12,000.00 are already scheduled or paid" in caught.value.message_dict["amount"][0]
    assert Agreement.objects.get(pk=scheduled.pk).amount == Decimal("12000.00")


def test_clawed_back_money_is_no_longer_committed(scheduled, users):
    officer = users[Role.OFFICER]
    paid = Payment.objects.filter(agreement=scheduled).order_by("due_date").first()
    payments.payment_record_paid(payment=paid, acting_user=officer, paid_on=datetime.date(2025, 7, 1))
    payments.payment_claw_back(payment=paid, acting_user=officer, amount=Decimal(1000), reason="Unspent")
    assert committed_total(scheduled.pk) == Decimal(11000)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_adding_milestones_at_once_never_exceed_the_value():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    officers = [UserFactory(role=Role.OFFICER, email=f"payer{n}@example.org") for n in range(2)]
    users = {Role.OFFICER: officers[0]}
    from tests.factories import OrganisationFactory

    agreement = live_agreement(users, OrganisationFactory(), payment_basis="milestones")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def add(officer: Any, name: str) -> None:
        try:
            stale = Agreement.objects.get(pk=agreement.pk)
            barrier.wait(timeout=10)
            payments.payment_milestone_add(agreement=stale, acting_user=officer, milestone=name, due_date=datetime.date(2025, 9, 1), amount=Decimal(7000))
            outcome = "added"
        except ValidationError:
            outcome = "refused"
        except Exception as error:  # noqa: BLE001 - reported to the main thread's assertion
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=add, args=(officer, f"Milestone {n}")) for n, officer in enumerate(officers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["added", "refused"]
    assert committed_total(agreement.pk) == Decimal(7000)


def test_the_system_schedules_as_the_award_duty(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    created = payments.payments_schedule(agreement=agreement, acting_user=SystemActor("Award"))
    assert sum(payment.amount for payment in created) == agreement.amount
