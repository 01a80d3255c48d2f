"""The Compact's and consultations' services, called directly: they ask who is acting, and enforce every rule their forms do."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from lightbulb.compact import services
from lightbulb.compact.forms import CommitmentForm, CompactForm, ConsultationForm, ResponseForm, SummaryForm
from lightbulb.compact.models import Commitment, Compact, Consultation, ConsultationResponse
from lightbulb.core.roles import Role
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [Compact, Commitment, Consultation, ConsultationResponse, Consultation.invited.through]
NO_TAGS = "Enter text without HTML tags (remove anything between < and >)"
TODAY = timezone.localdate()
TWELVE_WEEKS = {"title": "Grants review", "purpose": "How the council should fund", "start_date": TODAY, "end_date": TODAY + datetime.timedelta(weeks=12)}


@pytest.fixture
def w(users, own_organisation, other_organisation):
    officer = users[Role.OFFICER]
    compact = services.compact_create_default(acting_user=officer)
    consultation = services.consultation_create(acting_user=officer, data=TWELVE_WEEKS)
    services.consultation_invite(acting_user=officer, consultation=consultation, organisations=[own_organisation])
    return SimpleNamespace(
        users=users,
        officer=officer,
        vcs=users[Role.VCS],
        outsider=other_organisation.memberships.get().user,
        organisation=own_organisation,
        other=other_organisation,
        compact=compact,
        commitment=compact.commitments.first(),
        consultation=consultation,
    )


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "compact_create_default": (lambda w, a: services.compact_create_default(acting_user=a), ("officer",)),
    "compact_update": (lambda w, a: services.compact_update(acting_user=a, compact=w.compact, data={"title": "Anytown Compact 2026"}), ("officer",)),
    "commitment_create": (lambda w, a: services.commitment_create(acting_user=a, compact=w.compact, text="We reply within 20 days"), ("officer",)),
    "commitment_update": (lambda w, a: services.commitment_update(acting_user=a, commitment=w.commitment, text="We reply quickly"), ("officer",)),
    "commitment_move": (lambda w, a: services.commitment_move(acting_user=a, commitment=w.commitment, direction="down"), ("officer",)),
    "commitment_remove": (lambda w, a: services.commitment_remove(acting_user=a, commitment=w.commitment), ("officer",)),
    "consultation_create": (lambda w, a: services.consultation_create(acting_user=a, data=TWELVE_WEEKS), ("officer",)),
    "consultation_update": (
        lambda w, a: services.consultation_update(acting_user=a, consultation=w.consultation, data={**TWELVE_WEEKS, "title": "Grants"}),
        ("officer",),
    ),
    "consultation_invite": (lambda w, a: services.consultation_invite(acting_user=a, consultation=w.consultation, organisations=[w.other]), ("officer",)),
    "consultation_publish_summary": (
        lambda w, a: services.consultation_publish_summary(acting_user=a, consultation=w.consultation, text="You said, we did"),
        ("officer",),
    ),
    "consultation_respond": (
        lambda w, a: services.consultation_respond(acting_user=a, consultation=w.consultation, organisation=w.organisation, text="We agree"),
        ("vcs",),
    ),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_caller_who_may_gets_through(w, service):
    call, allowed = SERVICES[service]
    if service == "compact_create_default":
        Compact.objects.all().delete()
    call(w, identity(allowed[0], w.users, w.outsider))


def test_a_member_of_an_organisation_not_invited_may_not_respond_for_it(w):
    assert_invalid(
        lambda: services.consultation_respond(acting_user=w.outsider, consultation=w.consultation, organisation=w.other, text="Us too"),
        None,
        "Only members of an invited organisation may respond",
        WATCHED,
    )


# --- CompactForm and CommitmentForm -----------------------------------------------------------

COMPACT_RULES = [
    ("title", "", "Enter a title"),
    ("title", None, "Enter a title"),
    ("title", "x" * 201, "Title must be 200 characters or fewer"),
    ("title", "<b>Compact</b>", NO_TAGS),
    ("adopted_on", "2025-04-01", "Date adopted must be a real date"),
    ("introduction", "x" * 10_001, "Introduction must be 10,000 characters or fewer"),
]


@pytest.mark.parametrize(("field", "value", "message"), COMPACT_RULES)
def test_compact_update_refuses_what_the_form_refuses(w, field, value, message):
    assert_invalid(lambda: services.compact_update(acting_user=w.officer, compact=w.compact, data={field: value}), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), [rule for rule in COMPACT_RULES if isinstance(rule[1], str) and rule[0] != "adopted_on"])
def test_the_compact_form_says_the_same(field, value, message):
    form = CompactForm({"title": "Anytown Compact", field: value})
    assert not form.is_valid()
    assert message in form.errors[field]


COMMITMENT_RULES = [
    ("text", "", "Enter commitment"),
    ("text", "  ", "Enter commitment"),
    ("text", "x" * 2001, "Commitment must be 2,000 characters or fewer"),
    ("rule", "pirate", "Select a valid choice. pirate is not one of the available choices."),
]


@pytest.mark.parametrize(("field", "value", "message"), COMMITMENT_RULES)
def test_commitments_are_refused_as_the_form_refuses_them(w, field, value, message):
    values = {"text": "We reply within 20 days", "rule": "", field: value}
    assert_invalid(lambda: services.commitment_create(acting_user=w.officer, compact=w.compact, **values), field, message, WATCHED)
    assert_invalid(lambda: services.commitment_update(acting_user=w.officer, commitment=w.commitment, **values), field, message, WATCHED)
    form = CommitmentForm(values)
    assert not form.is_valid()
    assert message in form.errors[field]


# --- ConsultationForm -------------------------------------------------------------------------------

SHORT_END = TODAY + datetime.timedelta(days=27)
CONSULTATION_RULES = [
    ("title", "", "Enter a title"),
    ("title", "x" * 301, "Title must be 300 characters or fewer"),
    ("title", "<b>Grants</b>", NO_TAGS),
    ("purpose", "", "Enter purpose"),
    ("purpose", "x" * 10_001, "Purpose must be 10,000 characters or fewer"),
    ("start_date", None, "Enter the opening date"),
    ("start_date", "today", "Opening date must be a real date"),
    ("end_date", None, "Enter the closing date"),
    ("end_date", TODAY - datetime.timedelta(days=1), "The closing date must be on or after the opening date"),
    ("end_date", SHORT_END, "This consultation runs 4 weeks, less than the Compact's 12 weeks: give a reason for the shorter consultation"),
    ("short_reason", "x" * 10_001, "Reason for a consultation shorter than 12 weeks must be 10,000 characters or fewer"),
]


@pytest.mark.parametrize(("field", "value", "message"), CONSULTATION_RULES)
def test_consultations_are_refused_as_the_form_refuses_them(w, field, value, message):
    data = {**TWELVE_WEEKS, field: value}
    # The short-consultation rule names the reason's field, not the date's.
    where = "short_reason" if value == SHORT_END else field
    assert_invalid(lambda: services.consultation_create(acting_user=w.officer, data=data), where, message, WATCHED)
    assert_invalid(lambda: services.consultation_update(acting_user=w.officer, consultation=w.consultation, data=data), where, message, WATCHED)


def _date_parts(name: str, day: datetime.date | None) -> dict[str, str]:
    return {f"{name}_{index}": str(part) for index, part in enumerate((day.day, day.month, day.year))} if day else {}


@pytest.mark.parametrize(("field", "value", "message"), [rule for rule in CONSULTATION_RULES if not isinstance(rule[1], str) or "date" not in rule[0]])
def test_the_consultation_form_says_the_same(field, value, message):
    values = {**TWELVE_WEEKS, field: value}
    data = {name: values[name] for name in ("title", "purpose", "short_reason") if isinstance(values.get(name), str)}
    data |= _date_parts("start_date", values["start_date"]) | _date_parts("end_date", values["end_date"])
    form = ConsultationForm(data)
    assert not form.is_valid()
    where = "short_reason" if value == SHORT_END else field
    assert message in form.errors[where]


def test_a_short_consultation_with_a_reason_is_taken(w):
    consultation = services.consultation_create(acting_user=w.officer, data={**TWELVE_WEEKS, "end_date": SHORT_END, "short_reason": "  Budget deadline "})
    assert consultation.short_reason == "Budget deadline"


# --- InviteForm, SummaryForm, ResponseForm -------------------------------------------------------------


@pytest.mark.parametrize(
    ("organisations", "message"),
    [([], "Select at least one organisation to invite"), (None, "Select at least one organisation to invite"), ([42], "Choose organisations from the list")],
)
def test_an_invitation_names_organisations_from_the_register(w, organisations, message):
    call = lambda: services.consultation_invite(acting_user=w.officer, consultation=w.consultation, organisations=organisations)  # noqa: E731
    assert_invalid(call, "organisations", message, WATCHED)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the summary of what organisations said and what the council did"),
        (None, "Enter the summary of what organisations said and what the council did"),
        ("x" * 10_001, '"You said, we did" summary must be 10,000 characters or fewer'),
    ],
)
def test_a_summary_is_refused_as_the_form_refuses_it(w, text, message):
    assert_invalid(
        lambda: services.consultation_publish_summary(acting_user=w.officer, consultation=w.consultation, text=text), "you_said_we_did", message, WATCHED
    )
    form = SummaryForm({"you_said_we_did": text or ""})
    assert not form.is_valid()
    assert message in form.errors["you_said_we_did"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter your organisation's response"),
        ("   ", "Enter your organisation's response"),
        ("x" * 10_001, "Your organisation's response must be 10,000 characters or fewer"),
    ],
)
def test_a_response_is_refused_as_the_form_refuses_it(w, text, message):
    call = lambda: services.consultation_respond(acting_user=w.vcs, consultation=w.consultation, organisation=w.organisation, text=text)  # noqa: E731
    assert_invalid(call, "text", message, WATCHED)
    form = ResponseForm({"text": text})
    assert not form.is_valid()
    assert message in form.errors["text"]


def test_a_response_after_the_closing_date_is_refused(w):
    after = w.consultation.end_date + datetime.timedelta(days=1)
    call = lambda: services.consultation_respond(acting_user=w.vcs, consultation=w.consultation, organisation=w.organisation, text="Late", today=after)  # noqa: E731
    assert_invalid(call, "text", "This consultation is closed, so it can no longer take responses", WATCHED)
