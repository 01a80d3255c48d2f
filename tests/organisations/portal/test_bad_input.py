"""Every portal form against missing, malformed, oversized and hostile input: a clear message, no 500, nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.organisations.models import AreaOfWork, OrganisationClaim, ProfileChange
from tests.factories import OrganisationClaimFactory, OrganisationFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
NO_TAGS = "Enter text without HTML tags"

GOOD_PROPOSAL = {
    "name": "Northside Repair Café",
    "legal_form": "unincorporated",
    "charity_number": "",
    "company_number": "",
    "address": "1 High Street",
    "postcode": "AT2 2BB",
    "description": "Fixing things",
    "role_in_organisation": "Organiser",
    "evidence": "Ask the hall",
}
GOOD_PROFILE = {"other_names": "", "description": "Food parcels", "address": "", "postcode": "AT1 1AA", "website": "", "email": "", "phone": ""}


@pytest.fixture
def vcs_client(client_for, own_organisation):
    return client_for(Role.VCS)


def _assert_refused(response, *messages: str) -> None:
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "There is a problem" in text
    for message in messages:
        assert message in text, message
    # Nothing a person typed is echoed as markup.
    assert SCRIPT not in response.content.decode()


# --- search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "This field is required"), ("x" * 201, "at most 200 characters"), (SCRIPT, NO_TAGS)],
)
def test_search_refuses_bad_queries(vcs_client, query, message):
    response = vcs_client.get(reverse("organisations:portal_claim_start"), {"q": query})
    _assert_refused(response, message)


def test_search_with_formula_text_simply_finds_nothing(vcs_client):
    response = vcs_client.get(reverse("organisations:portal_claim_start"), {"q": FORMULA})
    assert response.status_code == 200
    assert "0 organisations found" in visible_text(response.content)


# --- claim ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["This field is required"]),
        ({"role_in_organisation": "   ", "evidence": "   "}, ["This field is required"]),
        ({"role_in_organisation": "x" * 201, "evidence": "y" * 2001}, ["at most 200 characters", "at most 2000 characters"]),
        ({"role_in_organisation": SCRIPT, "evidence": f"Ask {SCRIPT}"}, [NO_TAGS]),
    ],
)
def test_claim_refuses_bad_input(vcs_client, data, messages):
    organisation = OrganisationFactory()
    response = vcs_client.post(reverse("organisations:portal_claim", kwargs={"pk": organisation.pk}), data)
    _assert_refused(response, *messages)
    assert not OrganisationClaim.objects.exists()


def test_claim_keeps_formula_text_as_plain_text(vcs_client):
    organisation = OrganisationFactory()
    vcs_client.post(reverse("organisations:portal_claim", kwargs={"pk": organisation.pk}), {"role_in_organisation": FORMULA, "evidence": FORMULA})
    # Stored as typed; exports prefix it so a spreadsheet never runs it (tested on the claims export).
    assert OrganisationClaim.objects.get().role_in_organisation == FORMULA


@pytest.mark.parametrize("pk", [999999, "abc"])
def test_claiming_a_missing_organisation_is_not_found(vcs_client, pk):
    url = f"/organisations/portal/claim/{pk}"
    assert vcs_client.post(url, {"role_in_organisation": "Chair", "evidence": "x"}).status_code == 404
    assert not OrganisationClaim.objects.exists()


# --- proposal ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({key: "" for key in GOOD_PROPOSAL}, ["This field is required"]),
        ({"name": "x" * 301, "address": "a" * 501}, ["at most 300 characters", "at most 500 characters"]),
        ({"name": SCRIPT, "description": SCRIPT}, [NO_TAGS]),
        ({"postcode": "NOT A POSTCODE"}, ["Enter a real postcode, like AT1 1AA"]),
        ({"postcode": FORMULA}, ["Enter a real postcode"]),
        ({"charity_number": "12AB"}, ["Enter a charity number of 6 or 7 numbers"]),
        ({"company_number": "123456789"}, ["Enter a company number of 8 characters"]),
        ({"charity_number": "GB-COH-01234567"}, ["is a GB-COH identifier, not GB-CHC"]),
        ({"legal_form": "pirate ship"}, ["Select a valid choice"]),
    ],
)
def test_proposal_refuses_bad_input(vcs_client, changes, messages):
    response = vcs_client.post(reverse("organisations:portal_propose"), {**GOOD_PROPOSAL, **changes})
    _assert_refused(response, *messages)
    assert "portal_proposal" not in vcs_client.session
    assert not OrganisationClaim.objects.exists()


def test_proposal_keeps_what_was_typed_after_an_error(vcs_client):
    response = vcs_client.post(reverse("organisations:portal_propose"), {**GOOD_PROPOSAL, "postcode": "nope"})
    assert "Northside Repair Café" in response.content.decode()
    assert "Fixing things" in response.content.decode()


def test_proposal_normalises_identifiers_a_person_would_read_the_same_way(vcs_client):
    vcs_client.post(reverse("organisations:portal_propose"), {**GOOD_PROPOSAL, "charity_number": "GB-CHC-1123456", "company_number": "1234567"})
    vcs_client.post(reverse("organisations:portal_propose_check"))
    details = OrganisationClaim.objects.get().proposed_details
    assert (details["charity_number"], details["company_number"]) == ("1123456", "01234567")


def test_the_check_page_revalidates_tampered_session_answers(vcs_client):
    session = vcs_client.session
    session["portal_proposal"] = {**GOOD_PROPOSAL, "name": SCRIPT}
    session.save()
    response = vcs_client.post(reverse("organisations:portal_propose_check"))
    assert response.status_code == 302 and response["Location"] == reverse("organisations:portal_propose")
    assert not OrganisationClaim.objects.exists()


# --- profile ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"description": "x" * 2001}, ["at most 2000 characters"]),
        ({"other_names": SCRIPT, "address": SCRIPT}, [NO_TAGS]),
        ({"postcode": "12345"}, ["Enter a real postcode"]),
        ({"website": "javascript:alert(1)"}, ["Enter a valid URL"]),
        ({"email": "not-an-email"}, ["Enter a valid email address"]),
        ({"phone": "call me"}, ["Enter a phone number"]),
        ({"phone": FORMULA}, ["Enter a phone number"]),
    ],
)
def test_profile_edit_refuses_bad_input(vcs_client, own_organisation, changes, messages):
    url = reverse("organisations:portal_profile_edit", kwargs={"pk": own_organisation.pk})
    response = vcs_client.post(url, {**GOOD_PROFILE, **changes})
    _assert_refused(response, *messages)
    own_organisation.refresh_from_db()
    assert own_organisation.description == ""
    assert not ProfileChange.objects.exists()


def test_profile_edit_refuses_an_unknown_area_of_work(vcs_client, own_organisation):
    AreaOfWork.objects.create(name="Food")
    url = reverse("organisations:portal_profile_edit", kwargs={"pk": own_organisation.pk})
    response = vcs_client.post(url, {**GOOD_PROFILE, "areas_of_work": ["999"]})
    _assert_refused(response, "Select a valid choice")
    assert not own_organisation.areas_of_work.exists()
    assert not ProfileChange.objects.exists()


def test_profile_edit_refuses_to_leave_no_way_to_reach_the_organisation(vcs_client, own_organisation):
    url = reverse("organisations:portal_profile_edit", kwargs={"pk": own_organisation.pk})
    response = vcs_client.post(url, {})
    _assert_refused(response, "Give at least one way to reach the organisation")
    own_organisation.refresh_from_db()
    assert own_organisation.postcode == "AT1 1AA"
    assert not ProfileChange.objects.exists()


def test_profile_edit_may_clear_optional_details_while_keeping_one_way_to_reach_it(vcs_client, own_organisation):
    url = reverse("organisations:portal_profile_edit", kwargs={"pk": own_organisation.pk})
    response = vcs_client.post(url, {"email": "hello@riverside.example"})
    assert response.status_code == 302
    own_organisation.refresh_from_db()
    assert own_organisation.postcode == ""
    assert own_organisation.email == "hello@riverside.example"


# --- decision ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required"),
        ({"decision": "maybe"}, "Select a valid choice"),
        ({"decision": "reject", "reason": "  "}, "Enter the reason the claim is rejected"),
        ({"decision": "reject", "reason": "x" * 2001}, "at most 2000 characters"),
        ({"decision": "reject", "reason": SCRIPT}, NO_TAGS),
    ],
)
def test_decision_refuses_bad_input(officer_client, data, message):
    claim = OrganisationClaimFactory()
    response = officer_client.post(reverse("organisations:claims_decide", kwargs={"pk": claim.pk}), data)
    _assert_refused(response, message)
    claim.refresh_from_db()
    assert claim.status == "pending"
