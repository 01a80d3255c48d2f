"""The engagement log's pages, read as people see them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.engagement.models import Engagement
from tests.conftest import sign_in
from tests.engagement.factories import EngagementFactory, FollowUpActionFactory, ThemeFactory
from tests.factories import OrganisationFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, users):
    return sign_in(client, users[Role.OFFICER])


def test_an_officer_logs_a_meeting_finding_an_organisation_by_name(officer_client, users):
    theme = ThemeFactory(name="Volunteer recruitment")
    OrganisationFactory(name="Hilltop Youth Club")
    url = reverse("engagement:engagement_create")
    post = {
        "kind": "meeting",
        "title": "Youth providers' meeting",
        "held_on_0": "3",
        "held_on_1": "3",
        "held_on_2": "2026",
        "themes": [str(theme.pk)],
        "find_organisations": "hilltop",
        "find": "1",
    }
    found = officer_client.post(url, post)
    text = visible_text(found.content)
    assert "Hilltop Youth Club (AT1 1AA)" in text and "There is a problem" not in text
    assert not Engagement.objects.exists()
    club = OrganisationFactory._meta.model.objects.get(name="Hilltop Youth Club")
    post.pop("find")
    post["organisations"] = [str(club.pk)]
    saved = officer_client.post(url, post, follow=True)
    text = visible_text(saved.content)
    assert "Engagement saved" in text
    assert "Youth providers' meeting" in text and "Hilltop Youth Club" in text and "Volunteer recruitment" in text and "3 March 2026" in text


def test_the_form_says_what_is_missing(officer_client):
    response = officer_client.post(reverse("engagement:engagement_create"), {"title": ""})
    text = visible_text(response.content)
    assert "Select what kind of engagement it was" in text and "Enter a title" in text and "Enter the date it took place" in text


def test_an_action_reaches_its_owners_dashboard_and_is_marked_done(client, users):
    councillor = users[Role.COUNCILLOR]
    action = FollowUpActionFactory(owner=councillor, description="Visit the lunch club", due_date=datetime.date(2026, 1, 5))
    sign_in(client, councillor)
    home = visible_text(client.get(reverse("core:home")).content)
    assert "Your follow-up actions" in home and "Visit the lunch club" in home and "Overdue" in home
    done = client.post(reverse("engagement:action_complete", kwargs={"pk": action.pk}), {"completion_note": "Went on Tuesday"}, follow=True)
    assert "Action marked done" in visible_text(done.content)
    assert "Visit the lunch club" not in visible_text(client.get(reverse("core:home")).content)


def test_the_organisation_page_says_what_we_have_heard(officer_client, own_organisation):
    engagement = EngagementFactory(title="Spring forum")
    engagement.organisations.add(own_organisation)
    engagement.themes.add(ThemeFactory(name="Premises costs"))
    text = visible_text(officer_client.get(reverse("organisations:detail", kwargs={"pk": own_organisation.pk})).content)
    assert "What we've heard" in text and "Spring forum" in text and "Premises costs (1)" in text


def test_the_list_filters_by_theme(officer_client):
    premises = ThemeFactory(name="Premises costs")
    EngagementFactory(title="About rent").themes.add(premises)
    EngagementFactory(title="About volunteers")
    text = visible_text(officer_client.get(reverse("engagement:engagement_list"), {"theme": premises.pk}).content)
    assert "About rent" in text and "About volunteers" not in text and "1 engagement" in text


def test_themes_are_managed_by_officers(officer_client):
    response = officer_client.post(reverse("engagement:theme_list"), {"name": "Late payments", "description": "Council paying late"}, follow=True)
    text = visible_text(response.content)
    assert "Theme Late payments added" in text and "Council paying late" in text
