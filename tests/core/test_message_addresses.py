"""A message that could not be sent names the addresses it went to only for officers, who post its letter instead.

The addresses are the organisation's portal members' and its contact's: personal data, which a
councillor reading a survey, return or payment never sees (README, roles).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.models import OrganisationMessage
from lightbulb.core.roles import Role
from lightbulb.engagement.models import SurveyInvitation
from tests.engagement.factories import SurveyFactory

pytestmark = pytest.mark.django_db

ADDRESS = "jo.bloggs@riverside.example"


@pytest.fixture
def survey_with_a_failed_message(users, own_organisation):
    survey = SurveyFactory(created_by=users[Role.OFFICER])
    SurveyInvitation.objects.create(survey=survey, organisation=own_organisation, sent_at=timezone.now())
    OrganisationMessage.objects.create(
        organisation_id=own_organisation.pk,
        organisation_name=own_organisation.name,
        object_type=survey._meta.label_lower,
        object_id=str(survey.pk),
        subject=f"Survey: {survey.title}",
        body="Please answer.",
        route=OrganisationMessage.Route.MEMBERS,
        recipients=[ADDRESS],
        failed=True,
    )
    return survey


@pytest.mark.parametrize(("role", "sees"), [(Role.OFFICER, True), (Role.COUNCILLOR, False), (Role.INVESTIGATOR, False)])
def test_only_an_officer_sees_the_addresses_a_message_failed_to_reach(survey_with_a_failed_message, client_for, role, sees):
    page = client_for(role).get(reverse("engagement:survey_detail", kwargs={"pk": survey_with_a_failed_message.pk})).content.decode()
    assert "Not sent" in page
    assert (ADDRESS in page) is sees
