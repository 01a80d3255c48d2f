"""A survey's answers against hostile input: a scale answered with something that only looks like a number."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.roles import Role
from lightbulb.engagement.models import SurveyAnswer, SurveyInvitation
from lightbulb.engagement.services import surveys as services
from tests.engagement.factories import SurveyFactory, SurveyQuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(users, own_organisation):
    survey = SurveyFactory(created_by=users[Role.OFFICER])
    SurveyInvitation.objects.create(survey=survey, organisation=own_organisation, sent_at=timezone.now())
    return survey


# str.isdigit() calls each of these a digit; the scale's radios send only 1 to 5 (and int() refuses the first two).
NOT_NUMBERS = ["²", "①", "３"]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_scale_answered_with_a_character_that_is_not_a_plain_number_is_refused_in_words(users, own_organisation, survey, value):
    scale = SurveyQuestionFactory(survey=survey, kind="scale")
    with pytest.raises(ValidationError) as refused:
        services.survey_answer(acting_user=users[Role.VCS], survey=survey, organisation=own_organisation, answers={scale.field_name: value})
    assert refused.value.message_dict == {scale.field_name: ["Choose a number from 1 to 5"]}
    assert not SurveyAnswer.objects.exists()


def test_the_portal_page_refuses_a_superscript_scale_answer_rather_than_failing(users, own_organisation, survey, client_for):
    scale = SurveyQuestionFactory(survey=survey, kind="scale")
    client = client_for(Role.VCS)
    client.raise_request_exception = False
    url = reverse("engagement:portal_survey_answer", kwargs={"pk": survey.pk, "organisation_pk": own_organisation.pk})
    response = client.post(url, {scale.field_name: "²"})
    assert response.status_code == 200
    assert "Choose a number from 1 to 5" in response.content.decode()
    assert not SurveyAnswer.objects.exists()
