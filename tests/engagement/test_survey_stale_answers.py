"""A member and an officer answering for one organisation: a form drawn before the other's answer is refused, not saved over it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.locking import StaleEdit
from lightbulb.core.roles import Role
from lightbulb.engagement.models import SurveyAnswer, SurveyInvitation
from lightbulb.engagement.services import surveys as services
from tests.engagement.factories import SurveyFactory, SurveyQuestionFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(users, own_organisation):
    survey = SurveyFactory(created_by=users[Role.OFFICER])
    SurveyInvitation.objects.create(survey=survey, organisation=own_organisation, sent_at=timezone.now())
    return survey


def test_a_form_drawn_before_an_officers_answer_is_refused_and_sends_once_read(survey, own_organisation, client_for):
    scale = SurveyQuestionFactory(survey=survey, kind="scale")
    member = client_for(Role.VCS)
    portal = reverse("engagement:portal_survey_answer", kwargs={"pk": survey.pk, "organisation_pk": own_organisation.pk})
    assert 'name="version" value="0"' in member.get(portal).content.decode()  # drawn with nothing answered yet
    record = reverse("engagement:survey_record", kwargs={"pk": survey.pk, "organisation_pk": own_organisation.pk})
    client_for(Role.OFFICER).post(record, {scale.field_name: "1", "version": "0"})  # the answer given by phone
    refused = member.post(portal, {scale.field_name: "5", "version": "0"})
    assert refused.status_code == 200
    assert SurveyAnswer.objects.get().answers == {str(scale.pk): 1}
    assert "changed" in visible_text(refused.content).lower()
    # The member's choice is kept on the page, with the version they have now seen: sending again goes through.
    page = refused.content.decode()
    assert 'value="5" checked' in page and 'name="version" value="1"' in page
    member.post(portal, {scale.field_name: "5", "version": "1"})
    answer = SurveyAnswer.objects.get()
    assert (answer.answers, answer.version) == ({str(scale.pk): 5}, 2)


def test_the_service_refuses_a_stale_answer_whoever_calls_it(survey, own_organisation, users):
    scale = SurveyQuestionFactory(survey=survey, kind="scale")
    services.survey_answer(acting_user=users[Role.OFFICER], survey=survey, organisation=own_organisation, answers={scale.field_name: "2"}, expected_version=0)
    with pytest.raises(StaleEdit):
        services.survey_answer(acting_user=users[Role.VCS], survey=survey, organisation=own_organisation, answers={scale.field_name: "4"}, expected_version=0)
    assert SurveyAnswer.objects.get().answers == {str(scale.pk): 2}
    # Without a version (a caller that does not draw a form) the answer is changed as before.
    services.survey_answer(acting_user=users[Role.VCS], survey=survey, organisation=own_organisation, answers={scale.field_name: "4"})
    assert SurveyAnswer.objects.get().answers == {str(scale.pk): 4}
