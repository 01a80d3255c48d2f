"""The "state of the sector" survey: its services called directly (who may, every form rule, one answer, closing), and its pages."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.models import AuditEvent, ExportJob, OrganisationMessage
from lightbulb.core.registry import registry
from lightbulb.core.roles import Role
from lightbulb.engagement.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion
from lightbulb.engagement.selectors import surveys as selectors
from lightbulb.engagement.services import surveys as services
from tests.engagement.factories import SurveyFactory, SurveyQuestionFactory
from tests.exports import csv_text, download_list
from tests.factories import AgreementFactory, ContactFactory, OrganisationFactory
from tests.helpers import visible_text
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [Survey, SurveyQuestion, SurveyInvitation, SurveyAnswer, OrganisationMessage]
TODAY = datetime.date.today()


@pytest.fixture
def w(users, own_organisation, other_organisation):
    officer = users[Role.OFFICER]
    survey = SurveyFactory(created_by=officer)
    scale = SurveyQuestionFactory(survey=survey, kind="scale")
    choice = SurveyQuestionFactory(survey=survey, kind="choice", text="What worries you most?", options=["Premises", "Staff", "Demand"])
    text = SurveyQuestionFactory(survey=survey, kind="text", text="Anything else?")
    SurveyInvitation.objects.create(survey=survey, organisation=own_organisation, sent_at=timezone.now())
    draft = SurveyFactory(created_by=officer, status="draft", opens_on=TODAY, closes_on=TODAY + datetime.timedelta(days=30))
    return SimpleNamespace(
        users=users,
        officer=officer,
        member=users[Role.VCS],
        outsider=other_organisation.memberships.get().user,
        organisation=own_organisation,
        other=other_organisation,
        survey=survey,
        draft=draft,
        draft_question=SurveyQuestionFactory(survey=draft, kind="text", text="A question"),
        scale=scale,
        choice=choice,
        text=text,
    )


def _answers(w: Any, **overrides: Any) -> dict[str, Any]:
    return {w.scale.field_name: "4", w.choice.field_name: "Staff", w.text.field_name: "Rent has gone up.", **overrides}


def _survey_data(**overrides: Any) -> dict[str, Any]:
    return {"title": "State of the sector, spring", "introduction": "", "opens_on": TODAY, "closes_on": TODAY + datetime.timedelta(days=28), **overrides}


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "survey_create": (lambda w, a: services.survey_create(acting_user=a, data=_survey_data()), ("officer",)),
    "survey_question_add": (lambda w, a: services.survey_question_add(acting_user=a, survey=w.draft, data={"text": "Why?", "kind": "text"}), ("officer",)),
    "survey_question_remove": (lambda w, a: services.survey_question_remove(acting_user=a, question=w.draft_question), ("officer",)),
    "survey_send": (lambda w, a: services.survey_send(acting_user=a, survey=w.survey, organisations=[w.other]), ("officer",)),
    # A member answers for their own organisation; an officer records it on its behalf.
    "survey_answer": (
        lambda w, a: services.survey_answer(acting_user=a, survey=w.survey, organisation=w.organisation, answers=_answers(w)),
        ("officer", "vcs"),
    ),
    "survey_close": (lambda w, a: services.survey_close(acting_user=a, survey=w.survey), ("officer", "system")),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
def test_an_officer_gets_through_and_it_is_audited(w, service):
    call, _allowed = SERVICES[service]
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    call(w, w.officer)
    assert list(AuditEvent.objects.exclude(pk__in=before).values_list("action", flat=True)) == [service]


SURVEY_INVALID = [
    ("title", {"title": ""}, "Enter a title"),
    ("title", {"title": "x" * 301}, "Title must be 300 characters or fewer"),
    ("title", {"title": "<script>x</script>"}, "Enter text without HTML tags (remove anything between < and >)"),
    ("introduction", {"introduction": "x" * 10_001}, "Introduction must be 10,000 characters or fewer"),
    ("opens_on", {"opens_on": None}, "Enter the opening date"),
    ("opens_on", {"opens_on": "2027-01-01"}, "Opening date must be a real date"),
    ("closes_on", {"closes_on": None}, "Enter the closing date"),
    ("closes_on", {"closes_on": TODAY - datetime.timedelta(days=1), "opens_on": TODAY - datetime.timedelta(days=9)}, "The closing date must be today or later"),
    ("closes_on", {"opens_on": TODAY + datetime.timedelta(days=40)}, "The closing date must be on or after the opening date"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), SURVEY_INVALID, ids=[f"{f}-{m[:24]}" for f, _o, m in SURVEY_INVALID])
def test_the_survey_forms_rules_hold_in_the_service(w, field, overrides, message):
    assert_invalid(lambda: services.survey_create(acting_user=w.officer, data=_survey_data(**overrides)), field, message, WATCHED)


QUESTION_INVALID = [
    ("text", {"text": ""}, "Enter the question"),
    ("text", {"text": "x" * 501}, "Question must be 500 characters or fewer"),
    ("kind", {"kind": ""}, "Select what kind of answer the question takes"),
    ("kind", {"kind": "ranking"}, "Select a valid choice. ranking is not one of the available choices."),
    ("options", {"kind": "choice", "options": "Only one"}, "Enter from 2 to 10 options, one a line"),
    ("options", {"kind": "choice", "options": "\n".join(f"Option {n}" for n in range(11))}, "Enter from 2 to 10 options, one a line"),
    ("options", {"kind": "choice", "options": "Yes\nyes"}, "Each option must be different"),
    ("options", {"kind": "choice", "options": "Yes\n" + "x" * 201}, "Each option must be 200 characters or fewer"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), QUESTION_INVALID, ids=[f"{f}-{m[:24]}" for f, _o, m in QUESTION_INVALID])
def test_the_question_forms_rules_hold_in_the_service(w, field, overrides, message):
    data = {"text": "What worries you?", "kind": "text", **overrides}
    assert_invalid(lambda: services.survey_question_add(acting_user=w.officer, survey=w.draft, data=data), field, message, WATCHED)


def test_questions_change_only_before_the_survey_is_sent(w):
    message = "This survey has been sent: its questions can no longer change"
    assert_invalid(
        lambda: services.survey_question_add(acting_user=w.officer, survey=w.survey, data={"text": "Why?", "kind": "text"}), "text", message, WATCHED
    )
    assert_invalid(lambda: services.survey_question_remove(acting_user=w.officer, question=w.scale), "question", message, WATCHED)


ANSWER_INVALID = [
    ("scale", {"scale": ""}, "Choose a number from 1 to 5"),
    ("scale", {"scale": "6"}, "Choose a number from 1 to 5"),
    ("scale", {"scale": "-1"}, "Choose a number from 1 to 5"),
    # Characters str.isdigit() calls digits, which int() refuses or reads as a number the radios never send.
    ("scale", {"scale": "²"}, "Choose a number from 1 to 5"),
    ("scale", {"scale": "①"}, "Choose a number from 1 to 5"),
    ("scale", {"scale": "３"}, "Choose a number from 1 to 5"),
    ("scale", {"scale": "4.0"}, "Choose a number from 1 to 5"),
    ("choice", {"choice": ""}, "Choose an answer"),
    ("choice", {"choice": "Weather"}, "Choose one of the answers listed"),
    ("text", {"text": "x" * 2_001}, "Your answer must be 2,000 characters or fewer"),
    ("text", {"text": "<img src=x onerror=alert(1)>"}, "Enter text without HTML tags (remove anything between < and >)"),
]


@pytest.mark.parametrize(("question", "overrides", "message"), ANSWER_INVALID, ids=[f"{q}-{m[:24]}" for q, _o, m in ANSWER_INVALID])
def test_the_answer_forms_rules_hold_in_the_service(w, question, overrides, message):
    field = getattr(w, question).field_name
    answers = _answers(w, **{getattr(w, name).field_name: value for name, value in overrides.items()})
    call = lambda: services.survey_answer(acting_user=w.member, survey=w.survey, organisation=w.organisation, answers=answers)  # noqa: E731
    assert_invalid(call, field, message, WATCHED)


def test_an_organisation_answers_once_and_may_change_its_answer_until_it_closes(w):
    first = services.survey_answer(acting_user=w.member, survey=w.survey, organisation=w.organisation, answers=_answers(w))
    again = services.survey_answer(acting_user=w.member, survey=w.survey, organisation=w.organisation, answers=_answers(w, **{w.scale.field_name: "2"}))
    assert first.pk == again.pk and SurveyAnswer.objects.filter(survey=w.survey).count() == 1
    assert again.answers == {str(w.scale.pk): 2, str(w.choice.pk): "Staff", str(w.text.pk): "Rent has gone up."}
    assert not again.on_behalf
    assert SurveyInvitation.objects.get(survey=w.survey, organisation=w.organisation).status == "answered"


def test_the_database_refuses_a_second_answer_from_one_organisation(w):
    SurveyAnswer.objects.create(survey=w.survey, organisation=w.organisation, submitted_by=w.member, answers={})
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyAnswer.objects.create(survey=w.survey, organisation=w.organisation, submitted_by=w.officer, answers={})


def test_an_officer_records_an_answer_on_the_organisations_behalf_and_it_says_so(w):
    answer = services.survey_answer(acting_user=w.officer, survey=w.survey, organisation=w.organisation, answers=_answers(w))
    assert answer.on_behalf and answer.submitted_by == w.officer
    event = AuditEvent.objects.get(action="survey_answer")
    assert "recorded on its behalf" in event.summary and event.organisation_id == w.organisation.pk


def test_an_organisation_not_sent_the_survey_cannot_answer_it(w):
    call = lambda: services.survey_answer(acting_user=w.officer, survey=w.survey, organisation=w.other, answers=_answers(w))  # noqa: E731
    assert_invalid(call, None, "This organisation was not sent the survey", WATCHED)


@pytest.mark.parametrize("how", ["closed", "past", "not_yet"])
def test_no_answers_once_it_closes_or_before_it_opens(w, how):
    if how == "closed":
        services.survey_close(acting_user=w.officer, survey=w.survey)
    elif how == "past":
        Survey.objects.filter(pk=w.survey.pk).update(opens_on=TODAY - datetime.timedelta(days=30), closes_on=TODAY - datetime.timedelta(days=1))
    else:
        Survey.objects.filter(pk=w.survey.pk).update(opens_on=TODAY + datetime.timedelta(days=2))
    message = services.CLOSED_MESSAGE if how != "not_yet" else f"This survey opens on {TODAY + datetime.timedelta(days=2):%-d %B %Y}"
    call = lambda: services.survey_answer(acting_user=w.member, survey=w.survey, organisation=w.organisation, answers=_answers(w))  # noqa: E731
    assert_invalid(call, None, message, WATCHED)


def test_sending_reaches_members_then_contacts_else_a_letter_to_post(w, django_capture_on_commit_callbacks, mailoutbox):
    with_contact = OrganisationFactory(name="Canal Boat Trust", email="")
    ContactFactory(organisation=with_contact, email="chair@canal.example", consent_given_on=TODAY)
    nobody = OrganisationFactory(name="Quiet Lane Group", email="")
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.survey_send(acting_user=w.officer, survey=w.survey, organisations=[w.organisation, w.other, with_contact, nobody])
    # The survey's own organisation had it already; the three others are new.
    assert sent == {"sent": 3, "posted": 1, "already": 1}
    routes = dict(OrganisationMessage.objects.filter(object_id=str(w.survey.pk)).values_list("organisation_id", "route"))
    assert routes == {w.other.pk: "members", with_contact.pk: "contact", nobody.pk: "post"}
    assert SurveyInvitation.objects.filter(survey=w.survey).count() == 4


def test_a_survey_without_questions_or_past_its_closing_is_not_sent(w):
    w.draft_question.delete()
    assert_invalid(
        lambda: services.survey_send(acting_user=w.officer, survey=w.draft, organisations=[w.other]),
        "audience",
        "Add at least one question before sending the survey",
        WATCHED,
    )
    services.survey_close(acting_user=w.officer, survey=w.survey)
    assert_invalid(
        lambda: services.survey_send(acting_user=w.officer, survey=w.survey, organisations=[w.other]),
        "audience",
        "This survey is closed, so it can no longer be sent",
        WATCHED,
    )


def test_closing_winds_down_nothing_stays_due(w):
    SurveyInvitation.objects.create(survey=w.survey, organisation=w.other, sent_at=timezone.now())
    services.survey_answer(acting_user=w.member, survey=w.survey, organisation=w.organisation, answers=_answers(w))
    outsider_deadlines = lambda: registry.deadlines["survey_answers"](w.outsider, TODAY - datetime.timedelta(days=60), TODAY + datetime.timedelta(days=60))  # noqa: E731
    assert [deadline.kind for deadline in outsider_deadlines()] == ["Survey"]
    services.survey_close(acting_user=w.officer, survey=w.survey)
    statuses = dict(SurveyInvitation.objects.filter(survey=w.survey).values_list("organisation_id", "status"))
    assert statuses == {w.organisation.pk: "answered", w.other.pk: "closed"}
    assert outsider_deadlines() == []
    assert selectors.portal_surveys(w.outsider) == []


def test_the_daily_duty_closes_surveys_past_their_closing_date(w):
    from lightbulb.engagement.tasks import SURVEYS_ACTOR

    Survey.objects.filter(pk=w.survey.pk).update(opens_on=TODAY - datetime.timedelta(days=30), closes_on=TODAY - datetime.timedelta(days=1))
    assert services.surveys_close_due(acting_user=SURVEYS_ACTOR) == 1
    assert Survey.objects.get(pk=w.survey.pk).status == "closed"
    assert Survey.objects.get(pk=w.draft.pk).status == "draft"
    assert SurveyInvitation.objects.get(survey=w.survey).status == "closed"


def test_results_count_each_answer_and_the_export_lists_them(w, client_for, django_capture_on_commit_callbacks):
    second = OrganisationFactory(name="Apple Tree Centre")
    SurveyInvitation.objects.create(survey=w.survey, organisation=second, sent_at=timezone.now())
    services.survey_answer(acting_user=w.member, survey=w.survey, organisation=w.organisation, answers=_answers(w))
    services.survey_answer(acting_user=w.officer, survey=w.survey, organisation=second, answers=_answers(w, **{w.scale.field_name: "2", w.text.field_name: ""}))
    results = {row["question"].pk: row for row in selectors.results(w.survey)}
    assert results[w.scale.pk]["rows"] == [("1", 0), ("2", 1), ("3", 0), ("4", 1), ("5", 0)] and results[w.scale.pk]["mean"] == 3
    assert results[w.choice.pk]["rows"] == [("Premises", 0), ("Staff", 2), ("Demand", 0)]
    assert results[w.text.pk]["texts"] == [("Riverside Food Bank", "Rent has gone up.")]

    client = client_for(Role.COUNCILLOR)
    page = visible_text(client.get(reverse("engagement:survey_results", kwargs={"pk": w.survey.pk})).content)
    assert "2 of 1 organisation" not in page and "2 of 2 organisations answered" in page
    assert "the average is 3 out of 5" in page
    assert 'data-export="survey_answers"' in client.get(reverse("engagement:survey_results", kwargs={"pk": w.survey.pk})).content.decode()
    job, content = download_list(client, django_capture_on_commit_callbacks, "survey_answers", query=f"survey={w.survey.pk}")
    lines = csv_text(content).splitlines()
    assert lines[0].startswith("Organisation,Answered,Recorded by an officer on its behalf,1. How confident")
    assert lines[1].startswith("Apple Tree Centre,") and ",Yes,2,Staff," in lines[1]
    assert lines[2].startswith("Riverside Food Bank,") and lines[2].endswith(",No,4,Staff,Rent has gone up.")
    # The job's page leads back to the survey's results; a survey that is not there writes no file.
    assert reverse("engagement:survey_results", kwargs={"pk": w.survey.pk}) in client.get(reverse("core:export_detail", kwargs={"pk": job.pk})).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:export_start"), {"list_name": "survey_answers", "query": "survey=999999", "format": "csv"})
    assert ExportJob.objects.order_by("-pk").first().status == "failed"


def test_a_member_answers_in_the_portal(w, client_for):
    client = client_for(Role.VCS)
    listing = visible_text(client.get(reverse("engagement:portal_surveys")).content)
    assert w.survey.title in listing and "Answer" in listing
    url = reverse("engagement:portal_survey_answer", kwargs={"pk": w.survey.pk, "organisation_pk": w.organisation.pk})
    refused = client.post(url, {w.scale.field_name: "9", w.choice.field_name: "Staff"})
    assert refused.status_code == 200 and "Choose a number from 1 to 5" in visible_text(refused.content)
    response = client.post(url, {w.scale.field_name: "5", w.choice.field_name: "Demand", w.text.field_name: ""})
    assert response.status_code == 302 and response["Location"] == reverse("engagement:portal_surveys")
    assert SurveyAnswer.objects.get(survey=w.survey, organisation=w.organisation).answers == {str(w.scale.pk): 5, str(w.choice.pk): "Demand"}
    # A member of another organisation finds no such survey.
    assert client_for(Role.VCS).get(reverse("engagement:portal_survey_answer", kwargs={"pk": w.survey.pk, "organisation_pk": w.other.pk})).status_code == 404


def test_an_officer_writes_adds_a_question_and_sends_a_survey_through_the_pages(w, officer_client):
    AgreementFactory(organisation=w.other, status="live", start_date=TODAY - datetime.timedelta(days=30), end_date=TODAY + datetime.timedelta(days=300))
    response = officer_client.post(
        reverse("engagement:survey_create"),
        {
            "title": "Spring survey",
            "opens_on_0": TODAY.day,
            "opens_on_1": TODAY.month,
            "opens_on_2": TODAY.year,
            "closes_on_0": 1,
            "closes_on_1": 1,
            "closes_on_2": TODAY.year + 1,
        },
    )
    survey = Survey.objects.get(title="Spring survey")
    assert response.status_code == 302
    officer_client.post(
        reverse("engagement:survey_question_add", kwargs={"pk": survey.pk}), {"text": "How are you?", "kind": "choice", "options": "Well\nBadly"}
    )
    assert list(survey.questions.values_list("options", flat=True)) == [["Well", "Badly"]]
    response = officer_client.post(reverse("engagement:survey_send", kwargs={"pk": survey.pk}), {"audience": "funded"}, follow=True)
    assert "Survey sent to 1 organisation" in visible_text(response.content)
    assert list(survey.invitations.values_list("organisation_id", flat=True)) == [w.other.pk]
