"""Claims, their verification, and members' profile changes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from lightbulb.accounts.models import Membership
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.organisations.models import AreaOfWork, Organisation, OrganisationClaim, ProfileChange
from lightbulb.organisations.portal import services
from tests.factories import MembershipFactory, OrganisationClaimFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimant():
    return UserFactory(role=Role.VCS, email="claimant@example.org", full_name="Cara Claimant")


@pytest.fixture
def officer():
    return UserFactory(role=Role.OFFICER, email="officer@example.org", full_name="Olu Officer")


def _proposal(claimant, **details):
    return services.organisation_proposal_create(
        acting_user=claimant,
        name="Northside Repair Café",
        details={"legal_form": "unincorporated", "address": "1 High Street", "postcode": "AT2 2BB", "description": "Fixing things", **details},
        role_in_organisation="Organiser",
        evidence="Ask the parish hall",
    )


def test_claim_records_a_pending_claim_for_the_acting_user_and_audits_it(claimant):
    organisation = OrganisationFactory(name="Riverside Food Bank")
    claim = services.organisation_claim_create(acting_user=claimant, organisation=organisation, role_in_organisation="Treasurer", evidence="On the register")
    assert claim.user == claimant
    assert claim.status == OrganisationClaim.Status.PENDING
    event = AuditEvent.objects.get(action="organisation_claim_create")
    assert event.organisation_id == organisation.pk


def test_a_second_pending_claim_for_the_same_organisation_is_refused(claimant):
    organisation = OrganisationFactory()
    services.organisation_claim_create(acting_user=claimant, organisation=organisation, role_in_organisation="Treasurer", evidence="On the register")
    with pytest.raises(ValidationError, match="already claimed"):
        services.organisation_claim_create(acting_user=claimant, organisation=organisation, role_in_organisation="Chair", evidence="Again")
    assert OrganisationClaim.objects.count() == 1


def test_a_member_cannot_claim_their_own_organisation_again(claimant):
    organisation = OrganisationFactory()
    MembershipFactory(user=claimant, organisation=organisation)
    with pytest.raises(ValidationError, match="already a member"):
        services.organisation_claim_create(acting_user=claimant, organisation=organisation, role_in_organisation="Chair", evidence="x")
    assert not OrganisationClaim.objects.exists()


def test_after_a_rejection_the_person_may_claim_again(claimant, officer):
    organisation = OrganisationFactory()
    first = OrganisationClaimFactory(user=claimant, organisation=organisation)
    services.organisation_claim_reject(acting_user=officer, claim=first, reason="Not on the trustee list")
    again = services.organisation_claim_create(acting_user=claimant, organisation=organisation, role_in_organisation="Trustee", evidence="Appointed last month")
    assert again.status == OrganisationClaim.Status.PENDING


def test_verifying_a_claim_for_an_existing_organisation_creates_the_membership_and_emails(claimant, officer, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Riverside Food Bank")
    claim = OrganisationClaimFactory(user=claimant, organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.organisation_claim_verify(acting_user=officer, claim=claim)
    assert membership.user == claimant and membership.organisation == organisation
    assert membership.role == Membership.MemberRole.LEAD  # the first member is the lead contact
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (OrganisationClaim.Status.VERIFIED, officer)
    assert claim.decided_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claimant@example.org"]
    assert "Riverside Food Bank" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="organisation_claim_verify", organisation_id=organisation.pk).exists()


def test_no_email_is_sent_when_the_decision_is_rolled_back(claimant, officer, django_capture_on_commit_callbacks):
    claim = OrganisationClaimFactory(user=claimant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.organisation_claim_verify(acting_user=officer, claim=claim)
    # The e-mail waits for the commit rather than going out mid-transaction.
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_verifying_a_proposal_creates_the_organisation_its_identifiers_and_the_membership(claimant, officer, django_capture_on_commit_callbacks):
    claim = _proposal(claimant, charity_number="1123456", company_number="01234567")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.organisation_claim_verify(acting_user=officer, claim=claim)
    organisation = Organisation.objects.get(name="Northside Repair Café")
    assert membership.organisation == organisation
    assert (organisation.postcode, organisation.address, organisation.legal_form) == ("AT2 2BB", "1 High Street", "unincorporated")
    assert sorted(identifier.org_id for identifier in organisation.identifiers.all()) == ["GB-CHC-1123456", "GB-COH-01234567"]
    claim.refresh_from_db()
    assert claim.organisation == organisation
    assert AuditEvent.objects.filter(action="organisation_create", organisation_id=organisation.pk).exists()
    assert len(mail.outbox) == 1


def test_rejecting_needs_a_reason(claimant, officer):
    claim = OrganisationClaimFactory(user=claimant)
    with pytest.raises(ValidationError):
        services.organisation_claim_reject(acting_user=officer, claim=claim, reason="   ")
    claim.refresh_from_db()
    assert claim.status == OrganisationClaim.Status.PENDING


def test_rejecting_records_and_emails_the_reason(claimant, officer, django_capture_on_commit_callbacks):
    claim = OrganisationClaimFactory(user=claimant)
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_claim_reject(acting_user=officer, claim=claim, reason="We could not reach the chair")
    claim.refresh_from_db()
    assert (claim.status, claim.decision_reason) == (OrganisationClaim.Status.REJECTED, "We could not reach the chair")
    assert not Membership.objects.filter(user=claimant).exists()
    assert "We could not reach the chair" in mail.outbox[0].body


@pytest.mark.parametrize("first", ["verify", "reject"])
def test_a_decided_claim_cannot_be_decided_again(claimant, officer, first):
    claim = _proposal(claimant)
    if first == "verify":
        services.organisation_claim_verify(acting_user=officer, claim=claim)
    else:
        services.organisation_claim_reject(acting_user=officer, claim=claim, reason="Duplicate of an existing record")
    with pytest.raises(services.ClaimAlreadyDecided):
        services.organisation_claim_verify(acting_user=officer, claim=claim)
    with pytest.raises(services.ClaimAlreadyDecided):
        services.organisation_claim_reject(acting_user=officer, claim=claim, reason="Again")
    assert Organisation.objects.filter(name="Northside Repair Café").count() == (1 if first == "verify" else 0)


def test_a_stale_copy_of_a_claim_is_refused_once_someone_else_decided_it(claimant, officer):
    claim = _proposal(claimant)
    stale = OrganisationClaim.objects.get(pk=claim.pk)
    services.organisation_claim_verify(acting_user=officer, claim=claim)
    with pytest.raises(services.ClaimAlreadyDecided):
        services.organisation_claim_verify(acting_user=officer, claim=stale)
    assert Organisation.objects.filter(name="Northside Repair Café").count() == 1


def test_profile_edit_records_exactly_what_changed(claimant):
    organisation = OrganisationFactory(name="Riverside Food Bank", phone="", description="Food parcels", postcode="AT1 1AA")
    MembershipFactory(user=claimant, organisation=organisation)
    food = AreaOfWork.objects.create(name="Food")
    change = services.organisation_profile_update(
        acting_user=claimant,
        organisation=organisation,
        changes={"description": "Food parcels and a community fridge", "phone": "01632 960001", "postcode": "at1 1aa"},
        areas_of_work=[food],
    )
    assert change is not None
    assert change.changes == {
        "description": ["Food parcels", "Food parcels and a community fridge"],
        "phone": ["", "01632 960001"],
        "areas_of_work": [[], ["Food"]],
    }
    assert change.changed_by == claimant and change.reviewed_at is None
    event = AuditEvent.objects.get(action="organisation_update", organisation_id=organisation.pk)
    assert "portal" in event.summary


def test_profile_edit_with_nothing_changed_records_nothing(claimant):
    organisation = OrganisationFactory(description="Food parcels", email="hello@riverside.example")
    MembershipFactory(user=claimant, organisation=organisation)
    assert services.organisation_profile_update(acting_user=claimant, organisation=organisation, changes={"description": "Food parcels"}) is None
    assert not ProfileChange.objects.exists()


@pytest.mark.parametrize("field", ["name", "status", "legal_form", "is_vcse", "date_registered"])
def test_profile_edit_cannot_touch_what_the_council_verifies(claimant, field):
    organisation = OrganisationFactory(name="Riverside Food Bank")
    MembershipFactory(user=claimant, organisation=organisation)
    with pytest.raises(ValueError, match="Members cannot change"):
        services.organisation_profile_update(acting_user=claimant, organisation=organisation, changes={field: "dissolved"})
    organisation.refresh_from_db()
    assert organisation.name == "Riverside Food Bank" and organisation.status == "active"
    assert not ProfileChange.objects.exists()


def test_profile_edit_by_a_non_member_is_refused(claimant):
    organisation = OrganisationFactory(description="Food parcels")
    with pytest.raises(PermissionDenied):
        services.organisation_profile_update(acting_user=claimant, organisation=organisation, changes={"description": "Taken over"})
    organisation.refresh_from_db()
    assert organisation.description == "Food parcels"


def test_reviewing_a_profile_change(claimant, officer):
    organisation = OrganisationFactory()
    MembershipFactory(user=claimant, organisation=organisation)
    change = services.organisation_profile_update(acting_user=claimant, organisation=organisation, changes={"phone": "01632 960001"})
    assert change is not None
    services.profile_change_review(acting_user=officer, profile_change=change)
    change.refresh_from_db()
    assert change.reviewed_by == officer and change.reviewed_at is not None
    assert AuditEvent.objects.filter(action="profile_change_review", organisation_id=organisation.pk).count() == 1
