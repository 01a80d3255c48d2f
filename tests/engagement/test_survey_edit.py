"""Changing a survey's title, introduction and dates: who may, the form's rules in the service, what stays fixed once answered or closed, no lost work."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.locking import StaleEdit
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.engagement.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion
from lightbulb.engagement.services import surveys as services
from tests.engagement.factories import SurveyFactory, SurveyQuestionFactory
from tests.engagement.test_surveys import SURVEY_INVALID
from tests.helpers import visible_text
from tests.service_rules import assert_invalid, assert_refused, identity, wrong_identities

pytestmark = pytest.mark.django_db

WATCHED = [Survey, SurveyQuestion, SurveyInvitation, SurveyAnswer]
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def w(users, own_organisation, other_organisation):
    officer = users[Role.OFFICER]
    survey = SurveyFactory(created_by=officer, title="State of the sector, spring", opens_on=TODAY - 7 * DAY, closes_on=TODAY + 30 * DAY)
    question = SurveyQuestionFactory(survey=survey, kind="scale")
    SurveyInvitation.objects.create(survey=survey, organisation=own_organisation, sent_at=timezone.now())
    return SimpleNamespace(
        users=users, officer=officer, outsider=other_organisation.memberships.get().user, organisation=own_organisation, survey=survey, question=question
    )


def _data(w: Any, **overrides: Any) -> dict[str, Any]:
    survey = w.survey
    return {"title": survey.title, "introduction": survey.introduction, "opens_on": survey.opens_on, "closes_on": survey.closes_on, **overrides}


def _update(w: Any, acting_user: Any = "officer", expected_version: int | None = None, **overrides: Any) -> Survey:
    acting_user = w.officer if acting_user == "officer" else acting_user
    return services.survey_update(acting_user=acting_user, survey=w.survey, data=_data(w, **overrides), expected_version=expected_version)


def _answered(w: Any, on: datetime.date) -> None:
    answer = SurveyAnswer.objects.create(survey=w.survey, organisation=w.organisation, submitted_by=w.users[Role.VCS], answers={str(w.question.pk): 4})
    SurveyAnswer.objects.filter(pk=answer.pk).update(created_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(12))))


@pytest.mark.parametrize("who", wrong_identities("officer"))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, who):
    assert_refused(lambda: _update(w, identity(who, w.users, w.outsider), title="Renamed"), WATCHED)


@pytest.mark.parametrize(("field", "overrides", "message"), SURVEY_INVALID, ids=[f"{f}-{m[:24]}" for f, _o, m in SURVEY_INVALID])
def test_the_survey_forms_rules_hold_when_it_is_changed(w, field, overrides, message):
    assert_invalid(lambda: _update(w, **overrides), field, message, WATCHED)


def test_an_officer_changes_the_title_and_dates_and_it_is_audited_with_what_changed(w):
    survey = _update(w, title="State of the sector, summer", closes_on=TODAY + 40 * DAY)
    stored = Survey.objects.get(pk=w.survey.pk)
    assert (stored.title, stored.closes_on, stored.version, survey.version) == ("State of the sector, summer", TODAY + 40 * DAY, 2, 2)
    event = AuditEvent.objects.get(action="survey_update")
    assert event.changes == {
        "title": ["State of the sector, spring", "State of the sector, summer"],
        "closes_on": [str(TODAY + 30 * DAY), str(TODAY + 40 * DAY)],
    }


def test_saving_it_unchanged_writes_nothing(w):
    _update(w)
    assert Survey.objects.get(pk=w.survey.pk).version == 1 and not AuditEvent.objects.filter(action="survey_update").exists()


def test_a_stale_version_is_refused_and_nothing_is_written(w):
    Survey.objects.filter(pk=w.survey.pk).update(title="Changed by a colleague", version=2)
    before = list(Survey.objects.filter(pk=w.survey.pk).values())
    with pytest.raises(StaleEdit) as refused:
        _update(w, title="Mine", expected_version=1)
    assert "Title is now 'Changed by a colleague'" in refused.value.messages[0] and refused.value.current_version == 2
    assert list(Survey.objects.filter(pk=w.survey.pk).values()) == before and not AuditEvent.objects.filter(action="survey_update").exists()


def test_a_closed_survey_does_not_change(w):
    services.survey_close(acting_user=w.officer, survey=w.survey)
    assert_invalid(lambda: _update(w, title="Renamed"), None, "This survey is closed: its title and dates can no longer change", WATCHED)


def test_once_answered_it_still_opens_on_or_before_the_first_answer(w):
    _answered(w, TODAY - 3 * DAY)
    message = f"The first answer came in on {TODAY - 3 * DAY:%-d %B %Y}: the opening date must be on or before it"
    assert_invalid(lambda: _update(w, opens_on=TODAY - 2 * DAY), "opens_on", message, WATCHED)
    _update(w, opens_on=TODAY - 3 * DAY, title="Renamed once answered")
    assert Survey.objects.get(pk=w.survey.pk).opens_on == TODAY - 3 * DAY


def test_a_closing_date_already_past_may_stay_but_a_new_one_is_today_or_later(w):
    # Past its closing date, not yet closed by the daily duty: the title may still be put right.
    Survey.objects.filter(pk=w.survey.pk).update(closes_on=TODAY - DAY)
    w.survey.refresh_from_db()
    _update(w, title="Renamed after it ended")
    assert Survey.objects.get(pk=w.survey.pk).title == "Renamed after it ended"
    assert_invalid(lambda: _update(w, closes_on=TODAY - 2 * DAY), "closes_on", "The closing date must be today or later", WATCHED)


def _posted(survey: Any, **overrides: Any) -> dict[str, Any]:
    data = {"title": survey.title, "introduction": survey.introduction, "version": survey.version}
    for name in ("opens_on", "closes_on"):
        when = overrides.pop(name, getattr(survey, name))
        data |= {f"{name}_0": when.day, f"{name}_1": when.month, f"{name}_2": when.year}
    return {**data, **overrides}


def test_an_officer_changes_it_through_the_page_linked_from_the_survey(w, client_for):
    officer = client_for(Role.OFFICER)
    detail = reverse("engagement:survey_detail", kwargs={"pk": w.survey.pk})
    edit = reverse("engagement:survey_edit", kwargs={"pk": w.survey.pk})
    assert edit in officer.get(detail).content.decode()
    assert edit not in client_for(Role.COUNCILLOR).get(detail).content.decode()
    page = officer.get(edit)
    assert page.status_code == 200 and 'value="State of the sector, spring"' in page.content.decode()
    assert "<title>Change the survey" in page.content.decode()
    refused = officer.post(edit, _posted(w.survey, opens_on=TODAY + 50 * DAY))
    assert refused.status_code == 200 and "The closing date must be on or after the opening date" in visible_text(refused.content)
    response = officer.post(edit, _posted(w.survey, title="State of the sector, summer", closes_on=TODAY + 60 * DAY))
    assert response.status_code == 302 and response["Location"] == detail
    assert Survey.objects.filter(pk=w.survey.pk, title="State of the sector, summer", closes_on=TODAY + 60 * DAY, version=2).exists()


def test_a_page_drawn_before_a_colleagues_save_is_refused_keeping_the_officers_input(w, client_for):
    officer = client_for(Role.OFFICER)
    edit = reverse("engagement:survey_edit", kwargs={"pk": w.survey.pk})
    drawn = _posted(w.survey, title="Mine")
    _update(w, title="A colleague's")
    refused = officer.post(edit, drawn)
    text, page = visible_text(refused.content), refused.content.decode()
    assert refused.status_code == 200 and "changed by someone else" in text and "A colleague's" in text
    assert 'value="Mine"' in page and 'name="version" value="2"' in page
    assert Survey.objects.get(pk=w.survey.pk).title == "A colleague's"


def test_a_closed_survey_offers_no_change_and_says_why_when_asked(w, client_for):
    services.survey_close(acting_user=w.officer, survey=w.survey)
    officer = client_for(Role.OFFICER)
    edit = reverse("engagement:survey_edit", kwargs={"pk": w.survey.pk})
    assert edit not in officer.get(reverse("engagement:survey_detail", kwargs={"pk": w.survey.pk})).content.decode()
    w.survey.refresh_from_db()
    refused = officer.post(edit, _posted(w.survey, title="Renamed"))
    assert refused.status_code == 200 and "This survey is closed: its title and dates can no longer change" in visible_text(refused.content)
