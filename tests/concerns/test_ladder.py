"""The action ladder acts on the real records: payments held, money clawed back, decommissioning started."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from lightbulb.concerns.models import LadderStep
from lightbulb.concerns.services import concern_step_take
from lightbulb.core.models import AuditEvent, OrganisationMessage
from lightbulb.core.roles import Role
from lightbulb.funding.models import Decommissioning, Payment
from lightbulb.funding.services.payments import payment_hold
from tests.concerns.conftest import NOTICE, STEP, TODAY

pytestmark = pytest.mark.django_db


def test_suspending_payments_holds_every_scheduled_payment_and_tells_the_organisation(users, world):
    step = concern_step_take(acting_user=users[Role.INVESTIGATOR], concern=world["concern"], answers={**STEP, "step": "suspend_payments"})

    statuses = dict(Payment.objects.filter(agreement=world["agreement"]).values_list("pk", "status"))
    assert statuses[world["scheduled"].pk] == statuses[world["scheduled_2"].pk] == "held"
    assert statuses[world["paid"].pk] == "paid"
    assert step.effect == "2 scheduled payments under AGR-RET-0001 held, £6,000.00 in all"
    held = Payment.objects.get(pk=world["scheduled"].pk)
    assert held.reason == STEP["reason_to_organisation"]
    message = OrganisationMessage.objects.filter(object_type="funding.payment").first()
    assert message is not None and "checking invoices" in message.body
    # Funding's own audit names the investigator who took the step.
    assert AuditEvent.objects.filter(action="payment_hold", actor=users[Role.INVESTIGATOR]).count() == 2


def test_a_suspended_payment_stays_held_until_the_concern_is_closed(users, world):
    from django.core.exceptions import ValidationError

    from lightbulb.concerns.models import Concern, Status
    from lightbulb.funding.services.payments import payment_release

    concern_step_take(acting_user=users[Role.INVESTIGATOR], concern=world["concern"], answers={**STEP, "step": "suspend_payments"})
    held = Payment.objects.get(pk=world["scheduled"].pk)

    with pytest.raises(ValidationError) as refused:
        payment_release(payment=held, acting_user=users[Role.OFFICER])
    assert f"suspended while concern {world['concern'].reference} is investigated" in refused.value.messages[0]
    assert Payment.objects.get(pk=held.pk).status == "held"

    Concern.objects.filter(pk=world["concern"].pk).update(status=Status.CLOSED)
    assert payment_release(payment=held, acting_user=users[Role.OFFICER]).status == "scheduled"


def test_an_investigator_cannot_hold_a_payment_outside_a_concerns_step(users, world):
    with pytest.raises(PermissionDenied):
        payment_hold(payment=world["scheduled"], acting_user=users[Role.INVESTIGATOR], reason="Outside a concern")


def test_clawing_back_recovers_from_a_paid_payment(users, world):
    step = concern_step_take(
        acting_user=users[Role.INVESTIGATOR],
        concern=world["concern"],
        answers={**STEP, "step": "claw_back", "payment": world["paid"].pk, "amount": Decimal("1250")},
    )
    paid = Payment.objects.get(pk=world["paid"].pk)
    assert (paid.status, paid.clawed_back_amount) == ("clawed_back", Decimal("1250.00"))
    assert step.effect.startswith("£1,250.00 clawed back")


def test_clawing_back_more_than_was_paid_is_refused_and_nothing_changes(users, world):
    with pytest.raises(ValidationError) as raised:
        concern_step_take(
            acting_user=users[Role.INVESTIGATOR],
            concern=world["concern"],
            answers={**STEP, "step": "claw_back", "payment": world["paid"].pk, "amount": Decimal("5000")},
        )
    assert "amount" in raised.value.message_dict
    assert Payment.objects.get(pk=world["paid"].pk).status == "paid"
    assert not LadderStep.objects.exists()


def test_terminating_issues_the_written_notice_that_starts_decommissioning(users, world):
    with time_machine.travel(TODAY, tick=False):
        step = concern_step_take(acting_user=users[Role.INVESTIGATOR], concern=world["concern"], answers={**STEP, "step": "terminate", "notice": NOTICE})
    decommissioning = Decommissioning.objects.get(agreement=world["agreement"])
    assert decommissioning.stage == "notice_issued"
    assert decommissioning.reasons == STEP["reason_to_organisation"]
    assert decommissioning.impact_service_users == STEP["impact_service_users"]
    assert decommissioning.prepared_by == users[Role.INVESTIGATOR]
    assert step.effect == "Written notice issued: funding under AGR-RET-0001 ends 1 May 2026"


def test_terminating_without_the_notice_answers_is_refused_on_those_fields(users, world):
    with time_machine.travel(TODAY, tick=False), pytest.raises(ValidationError) as raised:
        concern_step_take(acting_user=users[Role.INVESTIGATOR], concern=world["concern"], answers={**STEP, "step": "terminate", "notice": {"told": "now"}})
    assert {"exit_plan", "funding_end_date"} <= set(raised.value.message_dict)
    assert not Decommissioning.objects.exists()
    assert not LadderStep.objects.exists()


def test_referring_on_names_who_it_went_to(users, world):
    step = concern_step_take(
        acting_user=users[Role.INVESTIGATOR], concern=world["concern"], answers={**STEP, "step": "refer_on", "referred_to": "action_fraud"}
    )
    assert step.get_referred_to_display() == "Action Fraud"
    assert step.effect == ""


def test_a_step_on_money_needs_the_agreement_linked(users, world):
    concern = world["concern"]
    concern.agreement = None
    concern.save()
    with pytest.raises(ValidationError) as raised:
        concern_step_take(acting_user=users[Role.INVESTIGATOR], concern=concern, answers={**STEP, "step": "suspend_payments"})
    assert raised.value.message_dict["step"] == ["Link the agreement at triage before acting on its payments or ending it"]
    assert Payment.objects.filter(status="held").count() == 0


def test_no_step_before_triage(users, world):
    with pytest.raises(ValidationError) as raised:
        concern_step_take(acting_user=users[Role.INVESTIGATOR], concern=world["received"], answers={**STEP, "step": "advice"})
    assert raised.value.messages == ["Steps are taken on a concern under investigation: triage it first"]


def test_a_held_payment_is_what_the_organisation_sees_on_the_agreement(users, world):
    concern_step_take(acting_user=users[Role.INVESTIGATOR], concern=world["concern"], answers={**STEP, "step": "suspend_payments"})
    assert datetime.date(2026, 3, 31) in set(Payment.objects.filter(status="held").values_list("due_date", flat=True))
