"""The portal pages as a `vcs` user sees them, and the claim pages as an officer sees them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.accounts.models import Membership
from lightbulb.core.roles import Role
from lightbulb.organisations.models import Organisation, OrganisationClaim, ProfileChange
from tests.conftest import sign_in
from tests.exports import csv_text, download_list, xlsx_rows
from tests.factories import IdentifierFactory, MembershipFactory, OrganisationClaimFactory, OrganisationFactory, ProfileChangeFactory, UserFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "name": "Northside Repair Café",
    "legal_form": "unincorporated",
    "charity_number": "",
    "company_number": "",
    "address": "Parish Hall, 1 High Street",
    "postcode": "at2 2bb",
    "description": "Volunteers fix household things",
    "role_in_organisation": "Organiser",
    "evidence": "Ask the parish hall manager",
}


@pytest.fixture
def vcs_client(client_for, own_organisation):
    return client_for(Role.VCS)


# --- the portal user's side -------------------------------------------------------------


def test_home_lists_own_organisations_and_claims_with_the_officers_reason(vcs_client, users, own_organisation):
    OrganisationClaimFactory(user=users[Role.VCS], organisation=OrganisationFactory(name="Hilltop Youth Club"))
    OrganisationClaimFactory(
        user=users[Role.VCS],
        organisation=OrganisationFactory(name="Canal Rowing Club"),
        status=OrganisationClaim.Status.REJECTED,
        decision_reason="The club told us you left in 2024",
    )
    text = visible_text(vcs_client.get(reverse("organisations:portal_home")).content)
    assert "Riverside Food Bank" in text
    assert "Hilltop Youth Club Sent" not in text  # a table row, not a heading
    assert "Hilltop Youth Club" in text and "Waiting" in text
    assert "Canal Rowing Club" in text and "Not accepted" in text and "The club told us you left in 2024" in text
    assert "Claim an organisation" in text


def test_search_finds_by_name_charity_number_and_postcode(vcs_client):
    found = OrganisationFactory(name="Anytown Soup Kitchen", postcode="AT3 3CC")
    IdentifierFactory(organisation=found, scheme="GB-CHC", value="1123456")
    OrganisationFactory(name="Chess Club", postcode="AT9 9ZZ")
    url = reverse("organisations:portal_claim_start")
    for query in ("soup kitchen", "1123456", "GB-CHC-1123456", "at33cc"):
        text = visible_text(vcs_client.get(url, {"q": query}).content)
        assert "1 organisation found" in text, query
        assert "Anytown Soup Kitchen" in text and "Chess Club" not in text
        assert "Claim this organisation" in text and "My organisation is not listed" in text


def test_search_marks_organisations_you_already_act_for(vcs_client):
    text = visible_text(vcs_client.get(reverse("organisations:portal_claim_start"), {"q": "Riverside"}).content)
    assert "Riverside Food Bank" in text and "You already act for this organisation" in text
    assert "Claim this organisation" not in text


def test_search_with_nothing_found_offers_to_propose(vcs_client):
    text = visible_text(vcs_client.get(reverse("organisations:portal_claim_start"), {"q": "Nothing Like It"}).content)
    assert "0 organisations found" in text
    assert "Propose a new organisation" in text


def test_search_leaves_out_archived_and_removed_records(vcs_client):
    OrganisationFactory(name="Gone Group", status="removed")
    text = visible_text(vcs_client.get(reverse("organisations:portal_claim_start"), {"q": "Gone Group"}).content)
    assert "0 organisations found" in text


def test_claiming_an_organisation(vcs_client, users):
    organisation = OrganisationFactory(name="Hilltop Youth Club")
    url = reverse("organisations:portal_claim", kwargs={"pk": organisation.pk})
    assert "Hilltop Youth Club" in visible_text(vcs_client.get(url).content)
    response = vcs_client.post(url, {"role_in_organisation": "Treasurer", "evidence": "Named in the annual report"}, follow=True)
    text = visible_text(response.content)
    assert "Your claim for Hilltop Youth Club has been sent" in text
    claim = OrganisationClaim.objects.get()
    assert (claim.user, claim.organisation, claim.status) == (users[Role.VCS], organisation, "pending")


def test_a_duplicate_claim_is_refused_with_a_message(vcs_client, users):
    organisation = OrganisationFactory(name="Hilltop Youth Club")
    OrganisationClaimFactory(user=users[Role.VCS], organisation=organisation)
    url = reverse("organisations:portal_claim", kwargs={"pk": organisation.pk})
    assert "You have already claimed this organisation" in visible_text(vcs_client.get(url).content)
    response = vcs_client.post(url, {"role_in_organisation": "Treasurer", "evidence": "Again"})
    assert response.status_code == 200
    assert "You have already claimed this organisation" in visible_text(response.content)
    assert OrganisationClaim.objects.count() == 1


def test_claiming_an_organisation_you_belong_to_goes_to_its_page(vcs_client, own_organisation):
    response = vcs_client.get(reverse("organisations:portal_claim", kwargs={"pk": own_organisation.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:portal_organisation", kwargs={"pk": own_organisation.pk})


def test_a_claim_is_always_made_for_the_signed_in_user(vcs_client, users):
    """Posting someone else's id changes nothing: the form has no user field and the service uses the acting user."""
    organisation = OrganisationFactory()
    someone = UserFactory(role=Role.VCS, email="someone@example.org")
    url = reverse("organisations:portal_claim", kwargs={"pk": organisation.pk})
    vcs_client.post(url, {"role_in_organisation": "Chair", "evidence": "x", "user": someone.pk, "user_id": someone.pk})
    assert OrganisationClaim.objects.get().user == users[Role.VCS]
    assert not OrganisationClaim.objects.filter(user=someone).exists()


def test_proposing_a_new_organisation_checks_answers_before_sending(vcs_client, users):
    response = vcs_client.post(reverse("organisations:portal_propose"), PROPOSAL)
    assert response.status_code == 302 and response["Location"] == reverse("organisations:portal_propose_check")
    assert not OrganisationClaim.objects.exists()
    text = visible_text(vcs_client.get(response["Location"]).content)
    assert "Check your answers before sending your proposal" in text
    assert "Northside Repair Café" in text and "AT2 2BB" in text and "Unincorporated group" in text
    # "Change" goes back to the form with the answers kept.
    form_text = vcs_client.get(reverse("organisations:portal_propose")).content.decode()
    assert "Parish Hall, 1 High Street" in form_text
    response = vcs_client.post(reverse("organisations:portal_propose_check"), follow=True)
    assert "Your proposal for Northside Repair Café has been sent" in visible_text(response.content)
    claim = OrganisationClaim.objects.get()
    assert claim.organisation is None and claim.user == users[Role.VCS]
    assert claim.proposed_details["postcode"] == "AT2 2BB"
    # The answers are gone once sent, so the check page cannot send them twice.
    assert vcs_client.post(reverse("organisations:portal_propose_check")).status_code == 302
    assert OrganisationClaim.objects.count() == 1


def test_own_organisation_page_shows_what_the_council_holds(vcs_client, own_organisation):
    IdentifierFactory(organisation=own_organisation, scheme="GB-CHC", value="1123456")
    text = visible_text(vcs_client.get(reverse("organisations:portal_organisation", kwargs={"pk": own_organisation.pk})).content)
    assert "Riverside Food Bank" in text and "GB-CHC-1123456" in text
    assert "Update your organisation's details" in text


def test_another_organisations_pages_are_not_found(vcs_client, other_organisation):
    for name in ("portal_organisation", "portal_profile_edit"):
        url = reverse(f"organisations:{name}", kwargs={"pk": other_organisation.pk})
        assert vcs_client.get(url).status_code == 404
    response = vcs_client.post(
        reverse("organisations:portal_profile_edit", kwargs={"pk": other_organisation.pk}), {"description": "Taken over", "postcode": "AT1 1AA"}
    )
    assert response.status_code == 404
    other_organisation.refresh_from_db()
    assert other_organisation.description == ""
    assert not ProfileChange.objects.exists()


def test_a_pending_claim_gives_no_access_to_the_organisation(vcs_client, users):
    organisation = OrganisationFactory()
    OrganisationClaimFactory(user=users[Role.VCS], organisation=organisation)
    assert vcs_client.get(reverse("organisations:portal_organisation", kwargs={"pk": organisation.pk})).status_code == 404


def test_editing_the_profile_records_a_profile_change(vcs_client, users, own_organisation):
    url = reverse("organisations:portal_profile_edit", kwargs={"pk": own_organisation.pk})
    assert "Update your organisation's details" in visible_text(vcs_client.get(url).content)
    data = {"other_names": "", "description": "Food parcels", "address": "", "postcode": "at1 1aa", "website": "riverside.example", "email": "", "phone": ""}
    response = vcs_client.post(url, data, follow=True)
    assert "Your organisation's details have been updated" in visible_text(response.content)
    change = ProfileChange.objects.get()
    assert change.changes == {"description": ["", "Food parcels"], "website": ["", "https://riverside.example"]}
    assert change.changed_by == users[Role.VCS]


def test_the_profile_form_has_no_name_or_status_and_ignores_them_if_posted(vcs_client, own_organisation):
    url = reverse("organisations:portal_profile_edit", kwargs={"pk": own_organisation.pk})
    page = vcs_client.get(url).content.decode()
    assert 'name="name"' not in page and 'name="status"' not in page and 'name="legal_form"' not in page
    vcs_client.post(url, {"name": "Hijacked", "status": "dissolved", "legal_form": "cic", "postcode": "AT1 1AA", "description": "x"})
    own_organisation.refresh_from_db()
    assert (own_organisation.name, own_organisation.status, own_organisation.legal_form) == ("Riverside Food Bank", "active", "unincorporated")


# --- the officer's side -----------------------------------------------------------------


def test_claims_list_puts_waiting_claims_first_and_filters_by_status(officer_client):
    OrganisationClaimFactory(organisation=OrganisationFactory(name="Decided Group"), status="verified")
    OrganisationClaimFactory(organisation=OrganisationFactory(name="Waiting Group"))
    text = visible_text(officer_client.get(reverse("organisations:claims_list")).content)
    assert "2 claims" in text
    assert text.index("Waiting Group") < text.index("Decided Group")
    text = visible_text(officer_client.get(reverse("organisations:claims_list"), {"status": "verified"}).content)
    assert "1 claim," in text and "Decided Group" in text and "Waiting Group" not in text


def test_claims_list_exports_safely(officer_client, django_capture_on_commit_callbacks):
    OrganisationClaimFactory(role_in_organisation="=cmd|' /C calc'!A0")
    OrganisationClaimFactory(role_in_organisation="Treasurer", status="rejected")
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "claims", query="status=pending")
    body = csv_text(content)
    assert "'=cmd|' /C calc'!A0" in body and "Treasurer" not in body
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "claims", fmt="xlsx")
    assert len(xlsx_rows(content)) == 3


def test_profile_changes_download(officer_client, django_capture_on_commit_callbacks):
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "profile_changes")
    assert csv_text(content).splitlines()[0] == "Changed at,Organisation,Changed by,What changed,Reviewed by,Reviewed at"


def test_claims_list_query_count_does_not_grow(officer_client):
    OrganisationClaimFactory()

    def grow():
        for _ in range(5):
            OrganisationClaimFactory(decided_by=UserFactory(), status="rejected")
            OrganisationClaimFactory(organisation=None, proposed_name="New Group")

    assert_queries_independent_of_size(officer_client, reverse("organisations:claims_list"), grow)


def test_claim_detail_shows_evidence_members_and_similar_organisations(officer_client):
    existing = OrganisationFactory(name="Northside Repair Cafe", postcode="AT2 2BB")
    MembershipFactory(organisation=existing, user=UserFactory(role=Role.VCS, full_name="Mo Member"))
    proposal = OrganisationClaimFactory(
        organisation=None, proposed_name="Northside Repair Café Ltd", proposed_details={"postcode": "AT2 2BB"}, evidence="Ask the hall"
    )
    text = visible_text(officer_client.get(reverse("organisations:claims_detail", kwargs={"pk": proposal.pk})).content)
    assert "Ask the hall" in text and "may be the same" in text and "Northside Repair Cafe, AT2 2BB" in text
    claim = OrganisationClaimFactory(organisation=existing)
    text = visible_text(officer_client.get(reverse("organisations:claims_detail", kwargs={"pk": claim.pk})).content)
    assert "Mo Member (member)" in text


def test_verifying_a_proposal_through_the_page(officer_client, mailoutbox, django_capture_on_commit_callbacks):
    claimant = UserFactory(role=Role.VCS, email="new@example.org", full_name="Nia New")
    claim = OrganisationClaimFactory(user=claimant, organisation=None, proposed_name="Northside Repair Café", proposed_details={"postcode": "AT2 2BB"})
    url = reverse("organisations:claims_decide", kwargs={"pk": claim.pk})
    assert "Verifying adds Northside Repair Café to the register" in visible_text(officer_client.get(url).content)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url, {"decision": "verify", "reason": ""}, follow=True)
    assert "Nia New can now act for Northside Repair Café" in visible_text(response.content)
    organisation = Organisation.objects.get(name="Northside Repair Café")
    assert Membership.objects.filter(user=claimant, organisation=organisation).exists()
    assert mailoutbox and mailoutbox[0].to == ["new@example.org"]


def test_rejecting_without_a_reason_says_so_next_to_the_field(officer_client):
    claim = OrganisationClaimFactory()
    response = officer_client.post(reverse("organisations:claims_decide", kwargs={"pk": claim.pk}), {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "There is a problem" in text and "Enter the reason the claim is rejected" in text
    claim.refresh_from_db()
    assert claim.status == "pending"


def test_deciding_an_already_decided_claim_is_refused_with_a_message(officer_client):
    claim = OrganisationClaimFactory(status="rejected", decision_reason="No")
    url = reverse("organisations:claims_decide", kwargs={"pk": claim.pk})
    response = officer_client.post(url, {"decision": "verify"}, follow=True)
    assert "This claim has already been rejected. Nothing was changed." in visible_text(response.content)
    assert not Membership.objects.filter(user=claim.user).exists()


def test_profile_changes_show_before_and_after_and_can_be_marked_reviewed(officer_client, users):
    organisation = OrganisationFactory(name="Riverside Food Bank")
    change = ProfileChangeFactory(organisation=organisation, changes={"phone": ["01632 000000", "01632 960001"], "areas_of_work": [[], ["Food"]]})
    ProfileChangeFactory(organisation=OrganisationFactory(name="Reviewed Group"), reviewed_by=users[Role.OFFICER], reviewed_at="2026-01-01T00:00Z")
    text = visible_text(officer_client.get(reverse("organisations:profile_changes")).content)
    assert "Phone 01632 000000 01632 960001" in text and "Areas of work (none) Food" in text
    assert text.index("Riverside Food Bank") < text.index("Reviewed Group")
    response = officer_client.post(reverse("organisations:profile_change_review", kwargs={"pk": change.pk}), follow=True)
    assert "marked as reviewed" in visible_text(response.content)
    change.refresh_from_db()
    assert change.reviewed_by == users[Role.OFFICER]


def test_profile_changes_query_count_does_not_grow(officer_client):
    ProfileChangeFactory()

    def grow():
        for _ in range(5):
            ProfileChangeFactory(reviewed_by=UserFactory(), reviewed_at="2026-01-01T00:00Z")

    assert_queries_independent_of_size(officer_client, reverse("organisations:profile_changes"), grow)


def test_profile_change_review_refuses_other_roles(client_for, own_organisation):
    change = ProfileChangeFactory()
    assert client_for(Role.VCS).post(reverse("organisations:profile_change_review", kwargs={"pk": change.pk})).status_code == 403
    change.refresh_from_db()
    assert change.reviewed_at is None


# --- dashboard and navigation -----------------------------------------------------------


def test_officer_dashboard_shows_claims_waiting_and_profile_changes(officer_client):
    OrganisationClaimFactory(user=UserFactory(role=Role.VCS, full_name="Oldest Claimant"), organisation=OrganisationFactory(name="Hilltop Youth Club"))
    ProfileChangeFactory()
    text = visible_text(officer_client.get(reverse("core:home")).content)
    assert "Claims waiting" in text and "1 claim waiting to be checked" in text and "Oldest Claimant" in text
    assert "Profile changes to review" in text and "1 change made by organisations" in text
    assert "Claims" in text


def test_vcs_dashboard_shows_your_organisations(vcs_client):
    text = visible_text(vcs_client.get(reverse("core:home")).content)
    assert "Your organisations" in text and "Riverside Food Bank" in text
    assert "Claims waiting" not in text


def test_vcs_dashboard_without_organisations_invites_a_claim(client):
    sign_in(client, UserFactory(role=Role.VCS))
    text = visible_text(client.get(reverse("core:home")).content)
    assert "You are not yet a verified member of an organisation" in text and "Claim an organisation" in text
