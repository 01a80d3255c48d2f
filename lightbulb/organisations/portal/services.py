"""Writes for the portal: claims, their verification, and members' profile changes.

Each runs in one transaction, is audited on the organisation's timeline, and
sends its e-mail only once the transaction has committed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from lightbulb.accounts.models import Membership, User
from lightbulb.core.audit import audit_event_record
from lightbulb.organisations.models import AreaOfWork, IdentifierScheme, Organisation, OrganisationClaim, ProfileChange
from lightbulb.organisations.services import identifier_add, organisation_create, organisation_update

# What a member may change about their organisation. Name, legal form, status and
# identifiers are what the council verifies, so they stay with officers.
PROFILE_FIELDS = ["other_names", "description", "address", "postcode", "website", "email", "phone"]
AREAS_OF_WORK = "areas_of_work"
# What a proposal of a new organisation carries beside its name.
PROPOSAL_FIELDS = ["legal_form", "charity_number", "company_number", "address", "postcode", "description"]
_IDENTIFIER_SCHEMES = {"charity_number": IdentifierScheme.CHC, "company_number": IdentifierScheme.COH}


class ClaimAlreadyDecided(ValidationError):
    """Another officer decided the claim first."""


def _notify(user: User, subject: str, body: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


def _claim_label(claim: OrganisationClaim) -> str:
    return claim.organisation.name if claim.organisation is not None else claim.proposed_name


@transaction.atomic
def organisation_claim_create(*, acting_user: User, organisation: Organisation, role_in_organisation: str, evidence: str) -> OrganisationClaim:
    """The signed-in user asks to act for an organisation already on the register.

    A claim is always made by and for the acting user: nobody can claim on another's behalf.
    """
    # Lock the user's row so two quick submissions cannot both pass the duplicate check.
    User.objects.select_for_update().filter(pk=acting_user.pk).first()
    if Membership.objects.filter(user=acting_user, organisation=organisation).exists():
        raise ValidationError("You are already a member of this organisation")
    if OrganisationClaim.objects.filter(user=acting_user, organisation=organisation, status=OrganisationClaim.Status.PENDING).exists():
        raise ValidationError("You have already claimed this organisation. A council officer will check your claim.")
    claim = OrganisationClaim(user=acting_user, organisation=organisation, role_in_organisation=role_in_organisation, evidence=evidence)
    claim.full_clean()
    claim.save()
    audit_event_record(
        actor=acting_user,
        action="organisation_claim_create",
        obj=claim,
        changes={"role_in_organisation": [None, role_in_organisation]},
        summary=f"{acting_user.display_name} claimed to act for the organisation",
        organisation_id=organisation.pk,
    )
    return claim


@transaction.atomic
def organisation_proposal_create(*, acting_user: User, name: str, details: dict[str, Any], role_in_organisation: str, evidence: str) -> OrganisationClaim:
    """The signed-in user proposes an organisation the register does not hold yet."""
    unknown = set(details) - set(PROPOSAL_FIELDS)
    if unknown:
        raise ValueError(f"Unknown proposal fields: {', '.join(sorted(unknown))}")
    User.objects.select_for_update().filter(pk=acting_user.pk).first()
    pending = OrganisationClaim.objects.filter(user=acting_user, organisation__isnull=True, status=OrganisationClaim.Status.PENDING)
    if pending.filter(proposed_name__iexact=name.strip()).exists():
        raise ValidationError("You have already proposed an organisation with this name. A council officer will check it.")
    claim = OrganisationClaim(
        user=acting_user,
        proposed_name=name.strip(),
        proposed_details={key: value for key, value in details.items() if value not in (None, "")},
        role_in_organisation=role_in_organisation,
        evidence=evidence,
    )
    claim.full_clean()
    claim.save()
    audit_event_record(
        actor=acting_user,
        action="organisation_proposal_create",
        obj=claim,
        changes={"proposed_name": [None, claim.proposed_name], **{key: [None, value] for key, value in claim.proposed_details.items()}},
        summary=f"{acting_user.display_name} proposed a new organisation: {claim.proposed_name}",
    )
    return claim


def _locked_pending_claim(claim: OrganisationClaim) -> OrganisationClaim:
    """The claim re-read under a row lock, refused if someone decided it meanwhile."""
    locked = OrganisationClaim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != OrganisationClaim.Status.PENDING:
        raise ClaimAlreadyDecided(f"This claim has already been {locked.get_status_display().lower()}. Nothing was changed.")
    return locked


def _organisation_from_proposal(*, acting_user: User, claim: OrganisationClaim) -> Organisation:
    details = claim.proposed_details or {}
    fields = {name: details[name] for name in ("legal_form", "address", "postcode", "description") if details.get(name)}
    organisation = organisation_create(acting_user=acting_user, name=claim.proposed_name, **fields)
    for detail, scheme in _IDENTIFIER_SCHEMES.items():
        if details.get(detail):
            identifier_add(acting_user=acting_user, organisation=organisation, raw=details[detail], scheme=scheme, source="Proposed through the portal")
    return organisation


@transaction.atomic
def organisation_claim_verify(*, acting_user: User, claim: OrganisationClaim) -> Membership:
    """An officer confirms the claimant acts for the organisation; a proposal becomes a register record first."""
    locked = _locked_pending_claim(claim)
    organisation = locked.organisation
    if organisation is None:
        organisation = _organisation_from_proposal(acting_user=acting_user, claim=locked)
        locked.organisation = organisation
    role = Membership.MemberRole.MEMBER if Membership.objects.filter(organisation=organisation).exists() else Membership.MemberRole.LEAD
    membership, _ = Membership.objects.get_or_create(user=locked.user, organisation=organisation, defaults={"role": role})
    locked.status = OrganisationClaim.Status.VERIFIED
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_event_record(
        actor=acting_user,
        action="organisation_claim_verify",
        obj=locked,
        changes={"status": [OrganisationClaim.Status.PENDING.value, locked.status], "member": [None, locked.user.display_name]},
        summary=f"{locked.user.display_name} verified as {membership.get_role_display().lower()} of {organisation.name}",
        organisation_id=organisation.pk,
    )
    _notify(
        locked.user,
        f"You can now act for {organisation.name}",
        f"Hello {locked.user.display_name},\n\n"
        f"{settings.COUNCIL_NAME} has checked your claim and you can now act for {organisation.name} in {settings.SERVICE_NAME}.\n\n"
        "Sign in to see and update your organisation's details.\n",
    )
    claim.refresh_from_db()
    return membership


@transaction.atomic
def organisation_claim_reject(*, acting_user: User, claim: OrganisationClaim, reason: str) -> OrganisationClaim:
    """An officer turns a claim down; the reason is shown and sent to the claimant."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter the reason the claim is rejected. The person who made it will see it."})
    locked = _locked_pending_claim(claim)
    locked.status = OrganisationClaim.Status.REJECTED
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    locked.decision_reason = reason.strip()
    locked.full_clean()
    locked.save()
    label = _claim_label(locked)
    audit_event_record(
        actor=acting_user,
        action="organisation_claim_reject",
        obj=locked,
        changes={"status": [OrganisationClaim.Status.PENDING.value, locked.status], "decision_reason": [None, locked.decision_reason]},
        summary=f"Claim by {locked.user.display_name} rejected",
        organisation_id=locked.organisation_id,
    )
    _notify(
        locked.user,
        f"Your claim for {label} was not accepted",
        f"Hello {locked.user.display_name},\n\n"
        f"{settings.COUNCIL_NAME} could not confirm that you act for {label}.\n\n"
        f"The reason given: {locked.decision_reason}\n\n"
        f"You can sign in to {settings.SERVICE_NAME} to make a new claim with more detail.\n",
    )
    claim.refresh_from_db()
    return locked


@transaction.atomic
def organisation_profile_update(
    *, acting_user: User, organisation: Organisation, changes: dict[str, Any], areas_of_work: list[AreaOfWork] | None = None
) -> ProfileChange | None:
    """A verified member changes their organisation's public profile; officers see exactly what changed."""
    refused = set(changes) - set(PROFILE_FIELDS)
    if refused:
        raise ValueError(f"Members cannot change: {', '.join(sorted(refused))}")
    if not Membership.objects.filter(user=acting_user, organisation=organisation).exists():
        raise ValidationError("Only a verified member can change this organisation's profile")
    update: dict[str, Any] = dict(changes)
    if areas_of_work is not None:
        update[AREAS_OF_WORK] = areas_of_work
    delta = organisation_update(acting_user=acting_user, organisation=organisation, changes=update, summary="Profile updated through the portal")
    if not delta:
        return None
    profile_change = ProfileChange(organisation=organisation, changed_by=acting_user, changes=delta)
    profile_change.full_clean()
    profile_change.save()
    return profile_change


@transaction.atomic
def profile_change_review(*, acting_user: User, profile_change: ProfileChange) -> ProfileChange:
    """An officer has looked at what a member changed."""
    locked = ProfileChange.objects.select_for_update().get(pk=profile_change.pk)
    if locked.reviewed_at is not None:
        return locked
    locked.reviewed_by = acting_user
    locked.reviewed_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_event_record(
        actor=acting_user,
        action="profile_change_review",
        obj=locked,
        changes={"reviewed": [False, True]},
        summary="Profile change reviewed by the council",
        organisation_id=locked.organisation_id,
    )
    return locked
