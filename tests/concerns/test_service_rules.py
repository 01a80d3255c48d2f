"""The concerns and risk services, called directly: only the right people get through, and every form rule holds.

Only investigators handle concerns; anyone who works for the council raises one; a member
raises one for their own organisation; administrators set the triage time; officers keep the
risk register (administrators may set the appetite too).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lightbulb.concerns import risk_services, services
from lightbulb.concerns.models import AccessLogEntry, Concern, ConcernSettings, CounterFraudYear, Evidence, InvestigationNote, LadderStep, Risk, RiskAppetite
from lightbulb.core.roles import Role
from lightbulb.funding.models import Decommissioning, Payment
from tests.concerns.conftest import STEP
from tests.concerns.factories import RiskFactory
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [Concern, InvestigationNote, Evidence, LadderStep, AccessLogEntry, ConcernSettings, CounterFraudYear, Risk, RiskAppetite, Payment, Decommissioning]
NO_TAGS = "Enter text without HTML tags (remove anything between < and >)"
COUNCIL = ("officer", "councillor", "investigator", "admin", "staff")
REPORT = {"category": "fraud", "subject_name": "Riverside Food Bank", "description": "Invoices for sessions that never ran"}
RISK = {
    "title": "Provider cannot recruit volunteers",
    "area": "service_delivery",
    "subject_type": "project",
    "subject_label": "Warm spaces",
    "likelihood": "3",
    "impact": "4",
    "controls": "Monthly calls",
    "review_date": datetime.date(2027, 1, 15),
}


def _csv(name: str = "bank.csv", content: bytes = b"date,amount\n2026-01-01,100\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def w(users, world):
    return SimpleNamespace(users=users, risk=RiskFactory(owner=users[Role.OFFICER]), **world)


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "concern_raise": (lambda w, a: services.concern_raise(acting_user=a, answers=REPORT), COUNCIL),
    "concern_raise_for_organisation": (
        lambda w, a: services.concern_raise_for_organisation(acting_user=a, organisation=w.concern.organisation, answers=REPORT),
        ("vcs",),
    ),
    "concern_view_record": (lambda w, a: services.concern_view_record(acting_user=a, concern=w.concern, what="page"), ("investigator",)),
    "access_log_list_viewed": (lambda w, a: services.access_log_list_viewed(acting_user=a), ("investigator",)),
    "concern_triage": (
        lambda w, a: services.concern_triage(acting_user=a, concern=w.received, answers={"decision": "close", "reasons": "Not for the council"}),
        ("investigator",),
    ),
    "concern_note_add": (lambda w, a: services.concern_note_add(acting_user=a, concern=w.concern, answers={"text": "Called the treasurer"}), ("investigator",)),
    "concern_evidence_add": (
        lambda w, a: services.concern_evidence_add(acting_user=a, concern=w.concern, upload=_csv(), description="Bank statement"),
        ("investigator",),
    ),
    "concern_step_take": (
        lambda w, a: services.concern_step_take(acting_user=a, concern=w.concern, answers={**STEP, "step": "suspend_payments"}),
        ("investigator",),
    ),
    "concern_close": (lambda w, a: services.concern_close(acting_user=a, concern=w.concern, outcome="Advice given"), ("investigator",)),
    "concern_settings_update": (lambda w, a: services.concern_settings_update(acting_user=a, triage_days=10), ("admin",)),
    "counter_fraud_year_save": (
        lambda w, a: services.counter_fraud_year_save(acting_user=a, year=2026, answers={"employees_fte": Decimal("1.5")}),
        ("investigator",),
    ),
    "risk_create": (lambda w, a: risk_services.risk_create(acting_user=a, answers={**RISK, "owner": w.users[Role.OFFICER].pk}), ("officer",)),
    "risk_update": (lambda w, a: risk_services.risk_update(acting_user=a, risk=w.risk, answers={**RISK, "owner": w.users[Role.OFFICER].pk}), ("officer",)),
    "risk_appetite_set": (lambda w, a: risk_services.risk_appetite_set(acting_user=a, area="financial", lowest=4, highest=12), ("officer", "admin")),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_callers_who_may_get_through(w, service):
    call, allowed = SERVICES[service]
    for who in allowed:
        call(w, identity(who, w.users, w.outsider))


def test_a_member_raises_a_concern_only_for_their_own_organisation(w, other_organisation):
    assert_refused(lambda: services.concern_raise_for_organisation(acting_user=w.users[Role.VCS], organisation=other_organisation, answers=REPORT), WATCHED)


# --- every ladder step records why, its impact and mitigations -----------------------------------

STEP_RULES = [
    ("justification", "", "Enter why this step is proportionate and justified"),
    ("justification", "   ", "Enter why this step is proportionate and justified"),
    ("impact_service_users", "", "Enter the impact on the people the organisation serves"),
    ("mitigations", "", "Enter the mitigations"),
    ("mitigations", "<script>alert(1)</script>", NO_TAGS),
    ("justification", "x" * 5001, "Keep this to 5,000 characters or fewer"),
    ("reason_to_organisation", "", "Enter what the organisation will be told"),
    ("step", "", "Select the step"),
    ("step", "shut_it_down", "Select a valid choice. shut_it_down is not one of the available choices."),
]


@pytest.mark.parametrize(("field", "value", "message"), STEP_RULES)
def test_a_step_without_its_reasons_is_refused_and_nothing_is_held(w, field, value, message):
    answers = {**STEP, "step": "suspend_payments", field: value}
    assert_invalid(lambda: services.concern_step_take(acting_user=w.users[Role.INVESTIGATOR], concern=w.concern, answers=answers), field, message, WATCHED)


def test_the_step_form_refuses_the_same_missing_reasons(w):
    from lightbulb.concerns.forms import StepForm

    form = StepForm({"step": "advice"}, payments=[])
    assert not form.is_valid()
    assert form.errors["justification"] == ["Enter why this step is proportionate and justified"]
    assert form.errors["impact_service_users"] == ["Enter the impact on the people the organisation serves"]
    assert form.errors["mitigations"] == ["Enter the mitigations"]


def test_refer_on_needs_who_it_goes_to(w):
    assert_invalid(
        lambda: services.concern_step_take(acting_user=w.users[Role.INVESTIGATOR], concern=w.concern, answers={**STEP, "step": "refer_on"}),
        "referred_to",
        "Select who the concern is referred to",
        WATCHED,
    )


# --- evidence -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "field", "message"),
    [
        (None, "file", "Choose a file"),
        (_csv("huge.csv", b"a," * (5 * 1024 * 1024 + 1)), "file", "huge.csv must be smaller than 10 MB"),
        (_csv("virus.pdf", b"MZ\x90\x00 not a pdf"), "file", "virus.pdf is not a real PDF file: its contents do not match its name"),
        (_csv("script.exe", b"MZ"), "file", "script.exe must be a PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG file"),
        (_csv("empty.csv", b""), "file", "empty.csv is empty"),
    ],
)
def test_evidence_is_checked_like_a_returns_attachments(w, upload, field, message):
    assert_invalid(
        lambda: services.concern_evidence_add(acting_user=w.users[Role.INVESTIGATOR], concern=w.concern, upload=upload, description="Statement"),
        field,
        message,
        WATCHED,
    )


def test_evidence_needs_a_description_without_markup(w):
    assert_invalid(
        lambda: services.concern_evidence_add(acting_user=w.users[Role.INVESTIGATOR], concern=w.concern, upload=_csv(), description="<b>x</b>"),
        "description",
        NO_TAGS,
        WATCHED,
    )


# --- raising --------------------------------------------------------------------------------------

REPORT_RULES = [
    ("category", "", "Select what the concern is about"),
    ("subject_name", "", "Enter the name of the organisation the concern is about"),
    ("subject_name", "<a href=x>Food bank</a>", NO_TAGS),
    ("description", "", "Describe what happened"),
    ("description", "<img src=x onerror=alert(1)>", NO_TAGS),
]


@pytest.mark.parametrize(("field", "value", "message"), REPORT_RULES)
def test_a_public_report_refuses_what_the_form_refuses(field, value, message, db):
    answers = {**REPORT, "anonymous": True, field: value}
    assert_invalid(lambda: services.concern_report_public(answers=answers), field, message, WATCHED)


def test_a_named_public_report_needs_a_way_to_reach_the_reporter(db):
    assert_invalid(
        lambda: services.concern_report_public(answers={**REPORT, "reporter_name": "Sam"}),
        "reporter_email",
        services.CONTACT_MISSING,
        WATCHED,
    )
    assert_invalid(
        lambda: services.concern_report_public(answers={**REPORT, "reporter_email": "sam@example.org"}), "reporter_name", services.NAME_MISSING, WATCHED
    )


def test_an_anonymous_report_keeps_nothing_about_the_reporter(db):
    concern, code = services.concern_report_public(answers={**REPORT, "anonymous": True, "reporter_name": "Sam", "reporter_email": "sam@example.org"})
    assert (concern.reporter_name, concern.reporter_email, concern.reporter_phone, concern.reporter_user) == ("", "", "", None)
    assert code not in concern.follow_up_code_hash
    assert services.concern_status_for_reporter(reference=concern.reference.lower(), code=code.lower()) == "Awaiting triage"
    assert services.concern_status_for_reporter(reference=concern.reference, code="AAAA-AAAA") is None


def test_triage_days_must_be_1_to_60(users):
    for bad in (0, 61, "5", None, True):
        assert_invalid(
            lambda bad=bad: services.concern_settings_update(acting_user=users[Role.ADMIN], triage_days=bad),
            "triage_days",
            "Enter a whole number of days from 1 to 60",
            WATCHED,
        )


def test_references_count_on_within_the_year_and_triage_follows_the_setting(users):
    services.concern_settings_update(acting_user=users[Role.ADMIN], triage_days=3)
    first = services.concern_raise(acting_user=users[Role.OFFICER], answers=REPORT)
    second = services.concern_raise(acting_user=users[Role.STAFF], answers=REPORT)
    year = first.received_on.year
    assert (first.reference, second.reference) == (f"CN-{year}-0001", f"CN-{year}-0002")
    assert (first.triage_due - first.received_on).days == 3
    assert first.reporter_user == users[Role.OFFICER]


# --- risks ----------------------------------------------------------------------------------------

RISK_RULES = [
    ("title", "", "Enter the risk"),
    ("likelihood", "6", "Select a score from 1 to 5"),
    ("impact", "", "Select how big its impact would be"),
    ("controls", "<b>none</b>", NO_TAGS),
    ("review_date", None, "Enter the date of the next review"),
    ("subject_label", "", "Enter the name of the project, asset or fund"),
]


@pytest.mark.parametrize(("field", "value", "message"), RISK_RULES)
def test_risk_create_refuses_what_the_form_refuses(users, field, value, message):
    answers = {**RISK, "owner": users[Role.OFFICER].pk, field: value}
    assert_invalid(lambda: risk_services.risk_create(acting_user=users[Role.OFFICER], answers=answers), field, message, WATCHED)


def test_a_risk_on_an_agreement_is_linked_and_named_after_it(users, world):
    risk = risk_services.risk_create(
        acting_user=users[Role.OFFICER],
        answers={**RISK, "subject_type": "agreement", "agreement": world["agreement"].pk, "subject_label": "", "owner": users[Role.OFFICER].pk},
    )
    assert risk.agreement == world["agreement"]
    assert risk.subject_label == "AGR-RET-0001 Riverside café grant"


def test_a_risk_owner_must_work_for_the_council(users):
    assert_invalid(
        lambda: risk_services.risk_create(acting_user=users[Role.OFFICER], answers={**RISK, "owner": users[Role.VCS].pk}),
        "owner",
        "The owner must be a council officer or investigator",
        WATCHED,
    )


def test_the_appetite_band_runs_low_to_high(users):
    assert_invalid(
        lambda: risk_services.risk_appetite_set(acting_user=users[Role.OFFICER], area="financial", lowest=12, highest=4),
        "highest",
        "The highest score must be the same as or more than the lowest",
        WATCHED,
    )
    assert_invalid(
        lambda: risk_services.risk_appetite_set(acting_user=users[Role.OFFICER], area="financial", lowest=0, highest=4),
        "lowest",
        "Enter a score from 1 to 25",
        WATCHED,
    )


def test_a_second_save_of_a_risk_opened_at_an_older_version_is_refused(users):
    from lightbulb.core.locking import StaleEdit

    risk = RiskFactory(owner=users[Role.OFFICER])
    answers = {**RISK, "owner": users[Role.OFFICER].pk}
    risk_services.risk_update(acting_user=users[Role.OFFICER], risk=risk, answers={**answers, "likelihood": "5"}, expected_version=risk.version)
    with pytest.raises(StaleEdit) as raised:
        risk_services.risk_update(
            acting_user=users[Role.OFFICER], risk=Risk.objects.get(pk=risk.pk), answers={**answers, "likelihood": "1"}, expected_version=1
        )
    assert raised.value.messages[0].startswith("This record was changed by someone else since you opened it")
    assert Risk.objects.get(pk=risk.pk).likelihood == 5
