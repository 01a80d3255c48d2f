"""The engagement log's pages, read as people see them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.pickers import ALL_SHOWN
from lightbulb.core.roles import Role
from lightbulb.engagement.models import Engagement
from tests.conftest import sign_in
from tests.engagement.factories import EngagementFactory, FollowUpActionFactory, ThemeFactory
from tests.factories import CouncillorFactory, OrganisationFactory, WardFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, users):
    return sign_in(client, users[Role.OFFICER])


def test_an_officer_logs_a_meeting_finding_organisations_by_name_without_javascript(officer_client, users):
    """The organisations box is searched when the form is sent: several matches come back to tick, what was typed kept."""
    theme = ThemeFactory(name="Volunteer recruitment")
    club = OrganisationFactory(name="Hilltop Youth Club", postcode="AT1 1AA")
    OrganisationFactory(name="Hilltop Bowls Club", postcode="AT2 2BB")
    # More than a multi picker lists in full, so the organisations are found by searching.
    OrganisationFactory.create_batch(ALL_SHOWN, name="Valley Lunch Club")
    url = reverse("engagement:engagement_create")
    post = {
        "kind": "meeting",
        "title": "Youth providers' meeting",
        "held_on_0": "3",
        "held_on_1": "3",
        "held_on_2": "2026",
        "themes": [str(theme.pk)],
        "organisations_find": "hilltop",
    }
    found = officer_client.post(url, post)
    text = visible_text(found.content)
    assert "More than one organisation on the register matches “hilltop”: tick the ones you want" in text
    assert "Hilltop Youth Club, AT1 1AA" in text and "Hilltop Bowls Club, AT2 2BB" in text
    assert 'value="hilltop"' in found.content.decode() and "Youth providers&#39; meeting" in found.content.decode()
    assert not Engagement.objects.exists()
    # Ticking one and sending the same text again saves, without asking again.
    saved = officer_client.post(url, {**post, "organisations": [str(club.pk)], "organisations_searched": "hilltop"}, follow=True)
    text = visible_text(saved.content)
    assert "Engagement saved" in text
    assert "Youth providers' meeting" in text and "Hilltop Youth Club" in text and "Hilltop Bowls Club" not in text
    assert "Volunteer recruitment" in text and "3 March 2026" in text


def test_an_engagement_takes_its_ward_and_one_organisation_by_what_was_typed(officer_client):
    ward = WardFactory(name="Abbey", gss_code="E05000001")
    OrganisationFactory(name="Riverside Food Bank")
    OrganisationFactory.create_batch(ALL_SHOWN, name="Valley Lunch Club")
    post = {
        "kind": "visit",
        "title": "Food bank visit",
        "held_on_0": "4",
        "held_on_1": "3",
        "held_on_2": "2026",
        "ward": "abbey",
        "organisations_find": "food bank",
    }
    officer_client.post(reverse("engagement:engagement_create"), post)
    engagement = Engagement.objects.get()
    assert engagement.ward == ward
    assert [organisation.name for organisation in engagement.organisations.all()] == ["Riverside Food Bank"]


def test_an_organisation_number_that_does_not_exist_is_refused(officer_client):
    post = {"kind": "visit", "title": "Visit", "held_on_0": "4", "held_on_1": "3", "held_on_2": "2026", "organisations": ["999999"]}
    text = visible_text(officer_client.post(reverse("engagement:engagement_create"), post).content)
    assert "Select organisations from the register" in text
    assert not Engagement.objects.exists()


@pytest.fixture
def councillors(db):
    """Councillors in Abbey and Castle, and more elsewhere than a multi picker lists in full."""
    abbey, castle = WardFactory(name="Abbey"), WardFactory(name="Castle")
    CouncillorFactory.create_batch(ALL_SHOWN, name="Valley Councillor", ward=WardFactory(name="Valley"))
    return {
        "patel": CouncillorFactory(name="Priya Patel", ward=abbey),
        "jones": CouncillorFactory(name="Huw Jones", ward=abbey),
        "jonas": CouncillorFactory(name="Mary Jonas", ward=castle),
        "roberts": CouncillorFactory(name="Abbey Roberts", ward=castle),
    }


VISIT = {"kind": "visit", "title": "Ward walkabout", "held_on_0": "4", "held_on_1": "3", "held_on_2": "2026"}


def test_councillors_are_found_by_name_without_javascript_and_several_kept(officer_client, councillors):
    """The councillors box is searched when the form is sent: several matches come back to tick beside those chosen."""
    url = reverse("engagement:engagement_create")
    page = officer_client.get(url).content.decode()
    assert f'data-multi-picker="{reverse("engagement:councillor_pick")}"' in page and "Valley Councillor" not in page
    patel, jones = councillors["patel"], councillors["jones"]
    found = officer_client.post(url, {**VISIT, "councillors": [str(patel.pk)], "councillors_find": "jon"})
    text = visible_text(found.content)
    assert "More than one councillor matches “jon”: tick the ones you want" in text
    assert "Priya Patel (Abbey)" in text and "Huw Jones (Abbey)" in text and "Mary Jonas (Castle)" in text
    assert not Engagement.objects.exists()
    saved = officer_client.post(url, {**VISIT, "councillors": [str(patel.pk), str(jones.pk)], "councillors_find": "jon", "councillors_searched": "jon"})
    engagement = Engagement.objects.get()
    assert saved.status_code == 302 and {councillor.pk for councillor in engagement.councillors.all()} == {patel.pk, jones.pk}
    # Changing it shows the two ticked, never every councillor.
    edit = visible_text(officer_client.get(reverse("engagement:engagement_edit", kwargs={"pk": engagement.pk})).content)
    assert "Huw Jones (Abbey)" in edit and "Priya Patel (Abbey)" in edit and "Mary Jonas" not in edit and "Valley Councillor" not in edit


def test_a_councillor_is_added_by_their_wards_name(officer_client, councillors):
    officer_client.post(reverse("engagement:engagement_create"), {**VISIT, "councillors_find": "castle"})
    assert not Engagement.objects.exists(), "two councillors sit for Castle: both are offered"
    officer_client.post(reverse("engagement:engagement_create"), {**VISIT, "councillors_find": "Mary Jonas"})
    assert [councillor.name for councillor in Engagement.objects.get().councillors.all()] == ["Mary Jonas"]


def test_a_councillor_number_that_does_not_exist_is_refused(officer_client, councillors):
    post = {**VISIT, "councillors": [str(councillors["patel"].pk), "999999"]}
    text = visible_text(officer_client.post(reverse("engagement:engagement_create"), post).content)
    assert "Select councillors from the list" in text
    assert not Engagement.objects.exists()


def test_the_councillor_search_answers_by_name_then_ward_for_those_who_record_engagements(client_for, councillors):
    officer = client_for(Role.OFFICER)
    url = reverse("engagement:councillor_pick")
    results = officer.get(url, {"q": "abbey"}).json()["results"]
    # A name starting with the text first, then the ward's councillors by name.
    assert [result["label"] for result in results] == [
        f"Abbey Roberts (Castle) (#{councillors['roberts'].pk})",
        f"Huw Jones (Abbey) (#{councillors['jones'].pk})",
        f"Priya Patel (Abbey) (#{councillors['patel'].pk})",
    ]
    assert officer.get(url, {"q": "valley"}).json()["results"][9]["label"].startswith("Valley Councillor (Valley)")
    assert len(officer.get(url, {"q": "valley"}).json()["results"]) == 10
    assert officer.get(url, {"q": "j"}).json() == {"results": []}
    for role in (Role.COUNCILLOR, Role.INVESTIGATOR, Role.VCS):
        assert client_for(role).get(url, {"q": "abbey"}).status_code == 403, role


def test_the_form_says_what_is_missing(officer_client):
    response = officer_client.post(reverse("engagement:engagement_create"), {"title": ""})
    text = visible_text(response.content)
    assert "Select what kind of engagement it was" in text and "Enter a title" in text and "Enter the date it took place" in text


def test_an_action_reaches_its_owners_dashboard_and_is_marked_done(client, users):
    councillor = users[Role.COUNCILLOR]
    action = FollowUpActionFactory(owner=councillor, description="Visit the lunch club", due_date=datetime.date(2026, 1, 5))
    FollowUpActionFactory(owner=councillor, description="Send the minutes", due_date=timezone.localdate() + datetime.timedelta(days=7))
    sign_in(client, councillor)
    home = visible_text(client.get(reverse("core:home")).content)
    assert "Your follow-up actions" in home and "Visit the lunch club" in home and "Overdue" in home
    assert "2 follow-up actions of yours are open, 1 overdue." in home
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


def test_the_list_filters_by_ward_typed_by_name(officer_client):
    abbey = WardFactory(name="Abbey")
    EngagementFactory(title="Abbey forum", ward=abbey)
    EngagementFactory(title="Town forum")
    text = visible_text(officer_client.get(reverse("engagement:engagement_list"), {"ward": "abbey"}).content)
    assert "Abbey forum" in text and "Town forum" not in text and "1 engagement" in text


def test_themes_are_managed_by_officers(officer_client):
    response = officer_client.post(reverse("engagement:theme_list"), {"name": "Late payments", "description": "Council paying late"}, follow=True)
    text = visible_text(response.content)
    assert "Theme Late payments added" in text and "Council paying late" in text
