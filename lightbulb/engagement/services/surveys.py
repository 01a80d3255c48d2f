"""The "state of the sector" survey: written, sent to organisations, answered once by each, closed.

An officer writes a survey (a title, an introduction, opening and closing dates) and its questions
(a scale from 1 to 5, one choice from a list, or free text) while it is not yet sent. Sending it
invites organisations: each hears through `organisation_message_send` (its portal members, else
its registered contact, else a letter the officer posts). An invited organisation answers once,
in the portal or through an officer who records it on its behalf, and may change its answer
until the survey closes. Closing it (the officer, or the daily duty once the closing date has
passed) winds it down: no invitation stays waiting for an answer.

Its title, introduction and dates may change until it closes (`survey_update`), under the same
rules as when it was written; its questions only until it is sent. Once answers have come in, the
opening date stays on or before the day the first one did (the survey was open then), and a closing
date that is changed must be today or later, so it never falls before an answer already given.
Organisations already sent it are not told again: the portal shows the new dates.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.checks import FieldChecks
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.outbox import organisation_message_send
from lightbulb.core.rules import allowed, require
from lightbulb.engagement.models import QuestionKind, Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion
from lightbulb.engagement.rules import can_answer_survey, can_close_surveys, can_manage_surveys, can_record_survey_answer
from lightbulb.organisations.models import Organisation
from lightbulb.organisations.selectors import message_recipients

SURVEY_MESSAGE = "Only council officers write and send surveys."
ANSWER_MESSAGE = "Only a member of the organisation, or a council officer on its behalf, answers its survey."
LONG_TEXT = 10_000
ANSWER_TEXT = 2_000
MAX_QUESTIONS = 30
MAX_OPTIONS = 10
CLOSED_MESSAGE = "This survey is closed, so it can no longer take answers"
SURVEY_FIELDS = ["title", "introduction", "opens_on", "closes_on"]


def survey_checked(data: dict[str, Any], current: Survey | None = None) -> dict[str, Any]:
    """SurveyForm's rules: a title, an introduction without markup, and opening and closing dates in order.

    A closing date must be today or later; when changing a survey (`current`), one left as it was may be past."""
    checks = FieldChecks()
    values: dict[str, Any] = {
        "title": checks.text("title", data.get("title"), required="Enter a title", max_length=300, too_long="Title must be 300 characters or fewer"),
        "introduction": checks.text("introduction", data.get("introduction"), max_length=LONG_TEXT, too_long="Introduction must be 10,000 characters or fewer"),
        "opens_on": checks.date("opens_on", data.get("opens_on"), required="Enter the opening date", invalid="Opening date must be a real date"),
        "closes_on": checks.date("closes_on", data.get("closes_on"), required="Enter the closing date", invalid="Closing date must be a real date"),
    }
    if values["opens_on"] and values["closes_on"] and values["closes_on"] < values["opens_on"]:
        checks.add("closes_on", "The closing date must be on or after the opening date")
    elif values["closes_on"] and values["closes_on"] < timezone.localdate() and (current is None or values["closes_on"] != current.closes_on):
        checks.add("closes_on", "The closing date must be today or later")
    checks.raise_if_any()
    return values


@transaction.atomic
def survey_create(*, acting_user: Any, data: dict[str, Any]) -> Survey:
    """Write a survey (not sent yet): its questions are added next."""
    require(can_manage_surveys, acting_user, message=SURVEY_MESSAGE)
    survey = Survey(created_by=acting_user, **survey_checked(data))
    survey.full_clean()
    survey.save()
    audit_event_record(actor=acting_user, action="survey_create", obj=survey, summary=f"Survey written: {survey.title}")
    return survey


def _changeable(survey: Survey, values: dict[str, Any]) -> None:
    """What may still change: nothing once it closes; once answered, the opening date stays on or before the first answer."""
    if survey.status == Survey.Status.CLOSED:
        raise ValidationError("This survey is closed: its title and dates can no longer change")
    first = survey.answers.aggregate(first=Min("created_at"))["first"]
    if first is not None and values["opens_on"] > timezone.localdate(first):
        answered = timezone.localdate(first)
        raise ValidationError({"opens_on": f"The first answer came in on {answered:%-d %B %Y}: the opening date must be on or before it"})


@transaction.atomic
def survey_update(*, acting_user: Any, survey: Survey, data: dict[str, Any], expected_version: int | None = None) -> Survey:
    """Change a survey's title, introduction and dates until it closes (see the module's description for what may change).

    `expected_version` is the survey's version when the form was drawn: a form drawn before someone else's save is refused
    (StaleEdit). Nothing changed writes nothing."""
    require(can_manage_surveys, acting_user, survey, message=SURVEY_MESSAGE)
    lock_for_edit(survey, expected_version, data)
    survey.refresh_from_db()
    values = survey_checked(data, current=survey)
    _changeable(survey, values)
    before = snapshot(survey, SURVEY_FIELDS)
    for name, value in values.items():
        setattr(survey, name, value)
    changes = diff(before, snapshot(survey, SURVEY_FIELDS))
    if not changes:
        return survey
    survey.full_clean()
    survey.save()
    version_advance(survey)
    audit_event_record(actor=acting_user, action="survey_update", obj=survey, changes=changes, summary=f"Survey changed: {survey.title}"[:500])
    return survey


def _options(checks: FieldChecks, kind: str, value: Any) -> list[str]:
    """A choice's options: one a line (or a list), two to ten, each at most 200 characters, no repeats."""
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    options = [checks.text("options", line, max_length=200, too_long="Each option must be 200 characters or fewer") for line in lines]
    options = [option for option in options if option]
    if kind != QuestionKind.CHOICE:
        return []
    if len(options) < 2 or len(options) > MAX_OPTIONS:
        checks.add("options", "Enter from 2 to 10 options, one a line")
    elif len({option.lower() for option in options}) != len(options):
        checks.add("options", "Each option must be different")
    return options


def question_checked(data: dict[str, Any]) -> tuple[str, str, list[str]]:
    """QuestionForm's rules: the question's words, a kind from the list, and options for a choice."""
    checks = FieldChecks()
    text = checks.text("text", data.get("text"), required="Enter the question", max_length=500, too_long="Question must be 500 characters or fewer")
    kind = checks.choice("kind", data.get("kind"), QuestionKind.values, required="Select what kind of answer the question takes")
    options = _options(checks, kind, data.get("options"))
    checks.raise_if_any()
    return text, kind, options


def _not_sent(survey: Survey, field: str) -> Survey:
    """The survey locked; questions change only before it is sent."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status != Survey.Status.DRAFT:
        raise ValidationError({field: "This survey has been sent: its questions can no longer change"})
    return locked


@transaction.atomic
def survey_question_add(*, acting_user: Any, survey: Survey, data: dict[str, Any]) -> SurveyQuestion:
    require(can_manage_surveys, acting_user, survey, message=SURVEY_MESSAGE)
    text, kind, options = question_checked(data)
    survey = _not_sent(survey, "text")
    if survey.questions.count() >= MAX_QUESTIONS:
        raise ValidationError({"text": "A survey has at most 30 questions"})
    last = survey.questions.aggregate(last=Max("order"))["last"] or 0
    question = SurveyQuestion(survey=survey, order=last + 1, text=text, kind=kind, options=options)
    question.full_clean()
    question.save()
    audit_event_record(actor=acting_user, action="survey_question_add", obj=survey, summary=f"Question added to {survey.title}: {text}"[:500])
    return question


@transaction.atomic
def survey_question_remove(*, acting_user: Any, question: SurveyQuestion) -> None:
    require(can_manage_surveys, acting_user, question, message=SURVEY_MESSAGE)
    survey = _not_sent(question.survey, "question")
    audit_event_record(actor=acting_user, action="survey_question_remove", obj=survey, summary=f"Question taken off {survey.title}: {question.text}"[:500])
    question.delete()


def _invitation_body(survey: Survey, organisation: Organisation) -> str:
    portal = f"{settings.SITE_URL}{reverse('engagement:portal_surveys')}"
    return (
        f'{settings.COUNCIL_NAME} asks {organisation.name} to answer its survey "{survey.title}".\n\n'
        f"{survey.introduction}\n\n"
        f"It is open from {survey.opens_on:%-d %B %Y} until {survey.closes_on:%-d %B %Y}. Answer at {portal}, "
        "or reply to this message and an officer will record your answers for you."
    ).replace("\n\n\n\n", "\n\n")


def _sendable(survey: Survey, organisations: list[Organisation]) -> tuple[Survey, list[Organisation]]:
    """SendSurveyForm's rules: organisations from the register, a survey with questions that has not closed (locked)."""
    checks = FieldChecks()
    organisations = checks.objects("audience", organisations, Organisation, invalid="Choose organisations from the register", allow_ids=False)
    if not organisations and not checks.failed("audience"):
        checks.add("audience", "There are no organisations to send it to: choose others")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == Survey.Status.CLOSED or survey.closes_on < timezone.localdate():
        checks.add("audience", "This survey is closed, so it can no longer be sent")
    elif not survey.questions.exists():
        checks.add("audience", "Add at least one question before sending the survey")
    checks.raise_if_any()
    return survey, organisations


@transaction.atomic
def survey_send(*, acting_user: Any, survey: Survey, organisations: list[Organisation]) -> dict[str, int]:
    """Invite organisations not yet invited, and tell each one: by e-mail to its members or contact, else by a letter to post."""
    require(can_manage_surveys, acting_user, survey, message=SURVEY_MESSAGE)
    survey, organisations = _sendable(survey, organisations)
    already = set(survey.invitations.values_list("organisation_id", flat=True))
    new = [organisation for organisation in organisations if organisation.pk not in already]
    now = timezone.now()
    SurveyInvitation.objects.bulk_create([SurveyInvitation(survey=survey, organisation=organisation, sent_at=now) for organisation in new])
    posted = 0
    for organisation in new:
        message = organisation_message_send(
            recipients=message_recipients(organisation),
            subject=f"Survey: {survey.title}",
            body=_invitation_body(survey, organisation),
            obj=survey,
            acting_user=acting_user,
        )
        posted += message.route == "post"
    if survey.status == Survey.Status.DRAFT:
        survey.status, survey.sent_at = Survey.Status.OPEN, now
        survey.save(update_fields=["status", "sent_at", "updated_at"])
    audit_event_record(
        actor=acting_user,
        action="survey_send",
        obj=survey,
        changes={"organisations": sorted(organisation.pk for organisation in new)},
        summary=f"{survey.title} sent to {len(new)} organisation{'s' if len(new) != 1 else ''} ({posted} by letter)",
    )
    return {"sent": len(new), "posted": posted, "already": len(organisations) - len(new)}


def is_open(survey: Survey, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.status == Survey.Status.OPEN and survey.opens_on <= today <= survey.closes_on


def _scale_number(value: Any) -> int | None:
    """A whole number as given, or in the plain digits the scale's radios send (str.isdigit() also takes "²" or "①", which int() refuses)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() else None


def _answer_value(checks: FieldChecks, question: SurveyQuestion, value: Any) -> Any:
    """One answer checked against its question: a whole number from 1 to 5, one of the options, or text."""
    field = question.field_name
    if question.kind == QuestionKind.TEXT:
        return checks.text(field, value, max_length=ANSWER_TEXT, too_long="Your answer must be 2,000 characters or fewer")
    if value is None or value == "":
        checks.add(field, "Choose an answer" if question.kind == QuestionKind.CHOICE else "Choose a number from 1 to 5")
        return None
    if question.kind == QuestionKind.CHOICE:
        return checks.choice(field, value, question.options, invalid="Choose one of the answers listed")
    number = _scale_number(value)
    if number is None or not 1 <= number <= 5:
        checks.add(field, "Choose a number from 1 to 5")
        return None
    return number


def answers_checked(survey: Survey, answers: dict[str, Any]) -> dict[str, Any]:
    """SurveyAnswerForm's rules, question by question (by field name `question_<id>`): scales and choices need an answer."""
    checks = FieldChecks()
    cleaned = {}
    for question in survey.questions.all():
        value = _answer_value(checks, question, answers.get(question.field_name))
        if value not in (None, ""):
            cleaned[str(question.pk)] = value
    checks.raise_if_any()
    return cleaned


def _answering_rights(acting_user: Any, organisation: Organisation) -> bool:
    """True when an officer records it on the organisation's behalf; a member answers for their own organisation."""
    if allowed(can_record_survey_answer, acting_user):
        return True
    require(can_answer_survey, acting_user, organisation, message=ANSWER_MESSAGE)
    return False


@transaction.atomic
def survey_answer(
    *,
    acting_user: Any,
    survey: Survey,
    organisation: Organisation,
    answers: dict[str, Any],
    today: datetime.date | None = None,
    expected_version: int | None = None,
) -> SurveyAnswer:
    """One answer per organisation, which it (or an officer on its behalf) may change until the survey closes.

    `expected_version` is the answer's version when the form was drawn, 0 when there was no answer yet: a
    form drawn before someone else's answer was saved is refused (StaleEdit) rather than overwriting it."""
    on_behalf = _answering_rights(acting_user, organisation)
    invitation = SurveyInvitation.objects.select_for_update().filter(survey=survey, organisation=organisation).first()
    if invitation is None:
        raise ValidationError("This organisation was not sent the survey")
    survey = Survey.objects.get(pk=survey.pk)
    if not is_open(survey, today):
        opening = survey.status == Survey.Status.OPEN and (today or timezone.localdate()) < survey.opens_on
        raise ValidationError(f"This survey opens on {survey.opens_on:%-d %B %Y}" if opening else CLOSED_MESSAGE)
    cleaned = answers_checked(survey, answers)
    answer = SurveyAnswer.objects.filter(survey=survey, organisation=organisation).first()
    before = answer.answers if answer else {}
    if answer is None:
        answer = SurveyAnswer(survey=survey, organisation=organisation, submitted_by=acting_user)
    else:
        lock_for_edit(answer, expected_version, {"answers": cleaned})
    answer.answers, answer.submitted_by, answer.on_behalf = cleaned, acting_user, on_behalf
    answer.full_clean()
    answer.save()
    if before:
        version_advance(answer)
    if invitation.status != SurveyInvitation.Status.ANSWERED:
        invitation.status = SurveyInvitation.Status.ANSWERED
        invitation.save(update_fields=["status"])
    who = f"recorded on its behalf by {getattr(acting_user, 'display_name', 'an officer')}" if on_behalf else "in the portal"
    audit_event_record(
        actor=acting_user,
        action="survey_answer",
        obj=answer,
        changes={"answers": [before, cleaned], "on_behalf": on_behalf},
        summary=f"{organisation.name} answered the survey {survey.title}, {who}"[:500],
        organisation_id=organisation.pk,
    )
    return answer


@transaction.atomic
def survey_close(*, acting_user: Any, survey: Survey) -> Survey:
    """Close a survey: it takes no more answers, and nothing stays waiting for an answer."""
    require(can_close_surveys, acting_user, survey, message="Only council officers, or the daily duty, close surveys.")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == Survey.Status.CLOSED:
        raise ValidationError("This survey is already closed")
    waiting = survey.invitations.filter(status=SurveyInvitation.Status.DUE).update(status=SurveyInvitation.Status.CLOSED)
    survey.status, survey.closed_at = Survey.Status.CLOSED, timezone.now()
    survey.save(update_fields=["status", "closed_at", "updated_at"])
    audit_event_record(
        actor=acting_user,
        action="survey_close",
        obj=survey,
        changes={"unanswered": waiting},
        summary=f"{survey.title} closed: {survey.answers.count()} answered, {waiting} did not answer",
    )
    return survey


def surveys_close_due(*, acting_user: Any, today: datetime.date | None = None) -> int:
    """The daily duty: close every survey whose closing date has passed."""
    require(can_close_surveys, acting_user, message="Only council officers, or the daily duty, close surveys.")
    today = today or timezone.localdate()
    due = Survey.objects.exclude(status=Survey.Status.CLOSED).filter(closes_on__lt=today)
    closed = 0
    for survey in due.order_by("pk"):
        survey_close(acting_user=acting_user, survey=survey)
        closed += 1
    return closed
