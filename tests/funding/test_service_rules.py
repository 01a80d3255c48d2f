"""Every funding service is the one door: called directly (as a task, a command, the shell or the API
would), it refuses the wrong person and the input its form refuses, with the message on the same field."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor
from lightbulb.funding.models import Agreement, Condition, Decommissioning, MonitoringReturn, Payment
from lightbulb.funding.services import agreements as agreement_services
from lightbulb.funding.services import decommissioning as decommissioning_services
from lightbulb.funding.services import lifecycle, payments, returns, tiers
from tests.factories import ConditionFactory, ProportionalityTierFactory, UserFactory
from tests.funding.factories_returns import MonitoringReturnFactory, PaymentFactory, live_agreement

TODAY = datetime.date(2026, 1, 5)
ANSWERS: dict[str, Any] = {
    "reasons": "The service is being recommissioned as a district-wide contract",
    "impact_service_users": "About 40 people a week use the café",
    "impact_volunteers": "Twelve volunteers",
    "impact_staff": "One part-time coordinator",
    "impact_equality_groups": "Older people and disabled people use it most",
    "alternative_providers": "The Hilltop lunch club",
    "mitigations": "Introductions to the lunch club",
    "exit_plan": "Wind down over three months",
    "funding_end_date": datetime.date(2026, 5, 1),
    "response_due_date": None,
    "short_notice_reason": "",
}


@pytest.fixture
def world(users, own_organisation, other_organisation) -> dict[str, Any]:
    agreement = live_agreement(users, own_organisation)
    return {
        "agreement": agreement,
        "return": MonitoringReturnFactory(agreement=agreement),
        "submitted": MonitoringReturnFactory(
            agreement=agreement,
            status="submitted",
            period_start=datetime.date(2025, 7, 1),
            period_end=datetime.date(2025, 9, 30),
            due_date=datetime.date(2025, 10, 30),
        ),
        "payment": PaymentFactory(agreement=agreement),
        "paid": PaymentFactory(agreement=agreement, status="paid", paid_on=datetime.date(2025, 7, 1)),
        "condition": Condition.objects.filter(agreement=agreement).first(),
        "tier": ProportionalityTierFactory(),
        "outsider": other_organisation.memberships.first().user,
    }


def _decommissioning(world: dict[str, Any], users: dict[str, Any]) -> Decommissioning:
    with time_machine.travel(TODAY, tick=False):
        return decommissioning_services.decommissioning_issue_notice(acting_user=users[Role.OFFICER], agreement=world["agreement"], answers=dict(ANSWERS))


# Each write service, as a call taking (world, acting_user); and the identities it must refuse.
CALLS: dict[str, Callable[[dict[str, Any], Any], Any]] = {
    "agreement_update": lambda w, u: agreement_services.agreement_update(acting_user=u, agreement=w["agreement"], title="Renamed"),
    "condition_add": lambda w, u: agreement_services.condition_add(acting_user=u, agreement=w["agreement"], kind="kpi", description="More", target=1),
    "condition_update": lambda w, u: agreement_services.condition_update(acting_user=u, condition=w["condition"], description="Changed"),
    "condition_remove": lambda w, u: agreement_services.condition_remove(acting_user=u, condition=w["condition"]),
    "due_diligence_record": lambda w, u: agreement_services.due_diligence_record(
        acting_user=u, agreement=w["agreement"], check_code="accounts", completed_on=datetime.date(2025, 1, 1)
    ),
    "agreement_transition": lambda w, u: lifecycle.agreement_transition(agreement=w["agreement"], to_status="under_review", acting_user=u, reason="Review"),
    "returns_schedule": lambda w, u: returns.returns_schedule(agreement=w["agreement"], acting_user=u),
    "return_submit": lambda w, u: returns.return_submit(
        monitoring_return=w["return"], acting_user=u, figures={c.pk: Decimal(1) for c in w["agreement"].conditions.all()}, narrative="Done", attachments=[]
    ),
    "return_accept": lambda w, u: returns.return_accept(monitoring_return=w["submitted"], acting_user=u),
    "return_query": lambda w, u: returns.return_query(monitoring_return=w["submitted"], acting_user=u, note="Say more"),
    "payments_schedule": lambda w, u: payments.payments_schedule(agreement=w["agreement"], acting_user=u),
    "payment_milestone_add": lambda w, u: payments.payment_milestone_add(
        agreement=w["agreement"], acting_user=u, milestone="Opening", due_date=datetime.date(2025, 9, 1), amount=Decimal(100)
    ),
    "payment_record_paid": lambda w, u: payments.payment_record_paid(payment=w["payment"], acting_user=u, paid_on=datetime.date(2025, 7, 1)),
    "payment_hold": lambda w, u: payments.payment_hold(payment=w["payment"], acting_user=u, reason="Return overdue"),
    "payment_claw_back": lambda w, u: payments.payment_claw_back(payment=w["paid"], acting_user=u, amount=Decimal(10), reason="Unspent"),
    "decommissioning_issue_notice": lambda w, u: decommissioning_services.decommissioning_issue_notice(
        acting_user=u, agreement=w["agreement"], answers=dict(ANSWERS)
    ),
    "tier_update": lambda w, u: tiers.tier_update(acting_user=u, tier=w["tier"], name="Renamed"),
}
OFFICER_ONLY = sorted(set(CALLS) - {"return_submit", "tier_update"})
WRONG = {
    **{name: ("anonymous", "system", Role.COUNCILLOR, Role.INVESTIGATOR, Role.ADMIN, Role.STAFF, Role.VCS, "outsider") for name in OFFICER_ONLY},
    # Officers and the system schedule (the system on award); nobody else.
    "returns_schedule": ("anonymous", Role.COUNCILLOR, Role.INVESTIGATOR, Role.ADMIN, Role.STAFF, Role.VCS, "outsider"),
    "payments_schedule": ("anonymous", Role.COUNCILLOR, Role.INVESTIGATOR, Role.ADMIN, Role.STAFF, Role.VCS, "outsider"),
    # The organisation's members and officers submit returns; a member of another organisation may not.
    "return_submit": ("anonymous", "system", Role.COUNCILLOR, Role.INVESTIGATOR, Role.ADMIN, Role.STAFF, "outsider"),
    # Tiers are a setting: administrators only.
    "tier_update": ("anonymous", "system", Role.OFFICER, Role.COUNCILLOR, Role.INVESTIGATOR, Role.STAFF, Role.VCS),
}
CASES = [(name, who) for name, identities in WRONG.items() for who in identities]


def _identity(who: str, users: dict[str, Any], world: dict[str, Any]) -> Any:
    if who == "anonymous":
        return None
    if who == "system":
        return SystemActor("Test duty")
    if who == "outsider":
        return world["outsider"]
    return users[who]


def _state() -> tuple[Any, ...]:
    return (
        AuditEvent.objects.count(),
        list(Agreement.objects.values_list("title", "status").order_by("pk")),
        list(Condition.objects.values_list("description", flat=True).order_by("pk")),
        list(MonitoringReturn.objects.values_list("status", flat=True).order_by("pk")),
        list(Payment.objects.values_list("status", "amount").order_by("pk")),
        Decommissioning.objects.count(),
    )


@pytest.mark.parametrize(("service", "who"), CASES)
def test_the_wrong_person_is_refused_and_nothing_is_written(service, who, users, world):
    before = _state()
    with pytest.raises(PermissionDenied):
        CALLS[service](world, _identity(who, users, world))
    assert _state() == before


@pytest.mark.parametrize("service", ["agreement_update", "return_accept", "payment_hold", "return_submit", "returns_schedule"])
def test_the_right_person_gets_through(service, users, world):
    acting = users[Role.VCS] if service == "return_submit" else users[Role.OFFICER]
    CALLS[service](world, acting)
    assert AuditEvent.objects.exists()


def test_the_system_may_schedule_returns_but_not_pay(users, world):
    system = SystemActor("Award duty")
    returns.returns_schedule(agreement=world["agreement"], acting_user=system)
    assert AuditEvent.objects.filter(actor_label="Award duty").exists()
    with pytest.raises(PermissionDenied):
        payments.payment_hold(payment=world["payment"], acting_user=system, reason="No")


def test_agreement_create_refuses_a_councillor(users, own_organisation):
    with pytest.raises(PermissionDenied):
        agreement_services.agreement_create(acting_user=users[Role.COUNCILLOR], title="Sneaky", organisation=own_organisation)
    assert not Agreement.objects.filter(title="Sneaky").exists()


def _errors(call: Callable[[], Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- decommissioning: the notice journey's rules, through the service alone ----------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"funding_end_date": None}, "funding_end_date", "Enter the date funding ends"),
        ({"told": "outside", "outside_date": None, "outside_reason": "Sent by post"}, "outside_date", "Enter the date the notice was sent"),
        ({"told": "outside", "outside_date": TODAY + datetime.timedelta(days=1)}, "outside_date", "must be today or in the past"),
        ({"told": "outside", "outside_date": TODAY, "outside_reason": " "}, "outside_reason", "Say why the notice was sent outside Lightbulb"),
        ({"told": "outside", "outside_date": TODAY, "outside_reason": "Post"}, "outside_letter", "Attach the letter or e-mail that was sent"),
        ({"funding_end_date": TODAY}, "funding_end_date", "The date funding ends must be after the date of the notice"),
        ({"funding_end_date": datetime.date(2026, 3, 1)}, "short_notice_reason", "less than the Compact's 3 calendar months"),
        ({"response_due_date": datetime.date(2025, 12, 1)}, "response_due_date", "The response date must be on or after the date of the notice"),
        ({"response_due_date": datetime.date(2026, 6, 1)}, "response_due_date", "The response date must be before funding ends"),
        ({"reasons": "   "}, "reasons", "Enter the reasons for ending or reducing the funding"),
        ({"exit_plan": None}, "exit_plan", "Enter the exit plan"),
        ({"mitigations": "x" * 10_001}, "mitigations", "10,000 characters or fewer"),
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_issue_notice_refuses_what_the_journey_refuses(change, field, message, users, world):
    answers = {**ANSWERS, **change}
    errors = _errors(
        lambda: decommissioning_services.decommissioning_issue_notice(acting_user=users[Role.OFFICER], agreement=world["agreement"], answers=answers)
    )
    assert any(message in text for text in errors[field]), errors
    assert not Decommissioning.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_notice_cannot_be_backdated_through_the_service(users, world):
    answers = {**ANSWERS, "notice_date": datetime.date(2025, 6, 1)}
    decommissioning = decommissioning_services.decommissioning_issue_notice(acting_user=users[Role.OFFICER], agreement=world["agreement"], answers=answers)
    assert decommissioning.notice_date == TODAY
    assert not decommissioning.notice_sent_outside


@time_machine.travel(TODAY, tick=False)
def test_short_notice_with_a_reason_is_issued_and_the_response_date_defaults(users, world):
    answers = {**ANSWERS, "funding_end_date": datetime.date(2026, 3, 1), "short_notice_reason": "The building closes for safety reasons"}
    decommissioning = decommissioning_services.decommissioning_issue_notice(acting_user=users[Role.OFFICER], agreement=world["agreement"], answers=answers)
    assert decommissioning.response_due_date == TODAY + datetime.timedelta(days=28)
    assert decommissioning.short_notice_reason == "The building closes for safety reasons"


def test_consideration_and_lessons_must_be_written(users, world):
    decommissioning = _decommissioning(world, users)
    officer = users[Role.OFFICER]
    decommissioning_services.decommissioning_respond(acting_user=users[Role.VCS], decommissioning=decommissioning, text="Please reconsider", today=TODAY)
    errors = _errors(lambda: decommissioning_services.decommissioning_consider(acting_user=officer, decommissioning=decommissioning, text="  ", today=TODAY))
    assert errors["response_consideration"] == ["Enter how the response was considered"]
    errors = _errors(lambda: decommissioning_services.decommissioning_complete(acting_user=officer, decommissioning=decommissioning, lessons_learned="Learn"))
    assert errors["lessons_learned"] == ["Record how the organisation's response was considered first"]
    decommissioning_services.decommissioning_consider(acting_user=officer, decommissioning=decommissioning, text="Weighed at panel", today=TODAY)
    errors = _errors(lambda: decommissioning_services.decommissioning_complete(acting_user=officer, decommissioning=decommissioning, lessons_learned=""))
    assert errors["lessons_learned"] == ["Enter the lessons learned"]
    decommissioning.refresh_from_db()
    assert decommissioning.stage == Decommissioning.Stage.RESPONSE_CONSIDERED


# Officers may enter a response that arrived by post (tests/funding/test_response_entered.py); nobody else may.
@pytest.mark.parametrize("who", [Role.COUNCILLOR, Role.INVESTIGATOR, Role.STAFF, "outsider", "anonymous"])
def test_only_the_organisations_members_respond(who, users, world):
    decommissioning = _decommissioning(world, users)
    with pytest.raises(PermissionDenied):
        decommissioning_services.decommissioning_respond(acting_user=_identity(who, users, world), decommissioning=decommissioning, text="No", today=TODAY)
    decommissioning.refresh_from_db()
    assert decommissioning.organisation_response == ""


@pytest.mark.parametrize("who", [Role.COUNCILLOR, Role.VCS, Role.ADMIN])
def test_only_officers_consider_and_complete(who, users, world):
    decommissioning = _decommissioning(world, users)
    with pytest.raises(PermissionDenied):
        decommissioning_services.decommissioning_consider(acting_user=users[who], decommissioning=decommissioning, text="Fine", today=TODAY)
    with pytest.raises(PermissionDenied):
        decommissioning_services.decommissioning_complete(acting_user=users[who], decommissioning=decommissioning, lessons_learned="Fine")


# --- agreements, conditions and payments: the forms' rules, through the services alone ----------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"end_date": datetime.date(2024, 1, 1)}, "end_date", "The end date must be the same as or after the start date"),
        ({"amount": Decimal(0)}, "amount", "Total value must be more than £0"),
        ({"amount": "a lot"}, "amount", "Total value must be an amount in pounds"),
        ({"reporting_every_months": "3"}, "reporting_every_months", "Enter a number of months from 1 to 24"),
        ({"start_date": "2025-01-01"}, "start_date", "Start date must be a real date"),
        ({"title": 42}, "title", "Enter the title as text"),
        ({"amount": Decimal("100000001")}, "amount", "check the figure"),
        ({"title": "<script>alert(1)</script>"}, "title", "Enter text without HTML tags"),
        ({"reporting_every_months": 0}, "reporting_every_months", "Enter a number of months from 1 to 24"),
        ({"recipient_registration_number": "<b>1</b>"}, "recipient_registration_number", "letters, numbers, spaces, hyphens or slashes"),
    ],
)
def test_agreement_update_refuses_what_the_form_refuses(values, field, message, users, own_organisation):
    # A planned agreement: once awarded, its terms change only through a variation (tests/funding/test_variations.py).
    planned = live_agreement(users, own_organisation, status="planned", reference="AGR-PLANNED-1")
    errors = _errors(lambda: agreement_services.agreement_update(acting_user=users[Role.OFFICER], agreement=planned, **values))
    assert any(message in text for text in errors[field]), errors
    assert Agreement.objects.get(pk=planned.pk).title == "Riverside café grant"


def test_the_accountable_officer_must_be_an_officer(users, world):
    errors = _errors(
        lambda: agreement_services.agreement_update(acting_user=users[Role.OFFICER], agreement=world["agreement"], accountable_officer=users[Role.COUNCILLOR])
    )
    assert errors["accountable_officer"] == ["Choose a council officer from the list"]
    inactive = UserFactory(role=Role.OFFICER, is_active=False)
    errors = _errors(lambda: agreement_services.agreement_update(acting_user=users[Role.OFFICER], agreement=world["agreement"], accountable_officer=inactive))
    assert errors["accountable_officer"] == ["Choose a council officer from the list"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"description": ""}, "description", "Describe the condition"),
        ({"target": Decimal(-1)}, "target", "The target cannot be negative"),
        ({"target": "lots"}, "target", "Enter the target as a number, like 250"),
        ({"target": None, "unit": "people"}, "target", "Enter the target the unit refers to, or leave the unit empty"),
    ],
)
def test_condition_services_refuse_what_the_form_refuses(values, field, message, users, world):
    condition = ConditionFactory(agreement=world["agreement"], description="Sessions run", target=10, unit="")
    errors = _errors(lambda: agreement_services.condition_update(acting_user=users[Role.OFFICER], condition=condition, **values))
    assert errors[field] == [message]
    condition.refresh_from_db()
    assert condition.description == "Sessions run"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"milestone": ""}, "milestone", "Describe the milestone that releases this payment"),
        ({"amount": Decimal(0)}, "amount", "The amount must be at least £0.01"),
        ({"amount": Decimal("NaN")}, "amount", "The amount must be at least £0.01"),
        ({"due_date": None}, "due_date", "Enter the date the milestone is expected"),
    ],
)
def test_milestone_add_refuses_what_the_form_refuses(values, field, message, users, world):
    call: dict[str, Any] = {"milestone": "Opening", "due_date": datetime.date(2025, 9, 1), "amount": Decimal(100), **values}
    errors = _errors(lambda: payments.payment_milestone_add(agreement=world["agreement"], acting_user=users[Role.OFFICER], **call))
    assert errors[field] == [message]
    assert not Payment.objects.filter(milestone="Opening").exists()


def test_no_payment_is_scheduled_on_a_planned_agreement(users, world):
    world["agreement"].status = "planned"
    world["agreement"].save()
    with pytest.raises(ValidationError, match="planned"):
        payments.payments_schedule(agreement=world["agreement"], acting_user=users[Role.OFFICER])


def test_wards_must_be_ward_records(users, world):
    errors = _errors(lambda: agreement_services.agreement_update(acting_user=users[Role.OFFICER], agreement=world["agreement"], wards=[999]))
    assert errors["wards"] == ["Choose wards from the list"]


def test_payment_texts_refuse_markup(users, world):
    officer = users[Role.OFFICER]
    hold = _errors(lambda: payments.payment_hold(payment=world["payment"], acting_user=officer, reason="<script>x</script>"))
    assert hold["reason"] == ["Enter text without HTML tags (remove anything between < and >)"]
    world["agreement"].payment_basis = "milestones"
    world["agreement"].save()
    milestone = _errors(
        lambda: payments.payment_milestone_add(
            agreement=world["agreement"], acting_user=officer, milestone="<b>Open</b>", due_date=datetime.date(2025, 9, 1), amount=Decimal(1)
        )
    )
    assert milestone["milestone"] == ["Enter text without HTML tags (remove anything between < and >)"]


def test_winding_down_needs_an_officer_or_the_system(users, world):
    from lightbulb.funding.services.winding_down import agreement_wind_down

    with pytest.raises(PermissionDenied):
        agreement_wind_down(agreement=world["agreement"], last_day=datetime.date(2025, 9, 1), acting_user=users[Role.COUNCILLOR], reason="No")
    assert Payment.objects.filter(status="cancelled").count() == 0


def test_hold_needs_a_reason_and_paid_needs_a_date(users, world):
    officer = users[Role.OFFICER]
    assert _errors(lambda: payments.payment_hold(payment=world["payment"], acting_user=officer, reason=" "))["reason"] == ["Give the reason"]
    assert _errors(lambda: payments.payment_record_paid(payment=world["payment"], acting_user=officer, paid_on=None))["paid_on"] == [  # type: ignore[arg-type]
        "Enter the date the payment was made"
    ]
    world["payment"].refresh_from_db()
    assert world["payment"].status == "scheduled"
