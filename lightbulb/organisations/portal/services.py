"""Writes for the portal: claims, their verification, and members' profile changes.

Each runs in one transaction, is audited on the organisation's timeline, and
sends its e-mail only once the transaction has committed.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from lightbulb.accounts.models import Membership, User
from lightbulb.core.audit import audit_event_record
from lightbulb.core.checks import REQUIRED, FieldChecks, as_text
from lightbulb.core.rules import require
from lightbulb.organisations.identifiers import parse_identifier
from lightbulb.organisations.models import AreaOfWork, IdentifierScheme, LegalForm, Organisation, OrganisationClaim, OrganisationStatus, ProfileChange
from lightbulb.organisations.rules import can_act_for_organisation, can_review_profile_changes, can_use_portal, can_verify_claims
from lightbulb.organisations.services import POSTCODE_MESSAGE, _organisation_change, identifier_add, normalise_postcode, organisation_create

# What a member may change about their organisation. Name, legal form, status and
# identifiers are what the council verifies, so they stay with officers.
PROFILE_FIELDS = ["other_names", "description", "address", "postcode", "website", "email", "phone"]
AREAS_OF_WORK = "areas_of_work"
# What a proposal of a new organisation carries beside its name.
PROPOSAL_FIELDS = ["legal_form", "charity_number", "company_number", "address", "postcode", "description"]
_IDENTIFIER_SCHEMES = {"charity_number": IdentifierScheme.CHC, "company_number": IdentifierScheme.COH}
# What the portal's forms (portal/forms.py) accept, checked again here in their words.
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")
PHONE_MESSAGE = "Enter a phone number, like 01632 960 001 or +44 7700 900 982"
REACH_MESSAGE = "Give at least one way to reach the organisation: an address, website, e-mail address or phone number"
REJECT_REASON_MESSAGE = "Enter the reason the claim is rejected. The person who made it will see it."
# Where a claim can be made: on the register, not archived, merged away or removed.
_UNCLAIMABLE_STATUSES = (OrganisationStatus.MERGED, OrganisationStatus.REMOVED)


class ClaimAlreadyDecided(ValidationError):
    """Another officer decided the claim first."""


def _notify(user: User, subject: str, body: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


def _claim_label(claim: OrganisationClaim) -> str:
    return claim.organisation.name if claim.organisation is not None else claim.proposed_name


def _portal_postcode(checks: FieldChecks, value: Any, *, required: bool = False) -> str:
    text = " ".join(as_text(value).upper().split())
    if not text:
        if required:
            checks.add("postcode", REQUIRED)
        return ""
    if not _POSTCODE.match(text):
        checks.add("postcode", POSTCODE_MESSAGE)
        return text
    return normalise_postcode(text)


def _claim_answers(checks: FieldChecks, role_in_organisation: Any, evidence: Any) -> tuple[str, str]:
    """ClaimForm's rules: a role of 200 characters or fewer and how to check it, 2,000 or fewer; no markup."""
    role = checks.text("role_in_organisation", role_in_organisation, required=REQUIRED, max_length=200)
    return role, checks.text("evidence", evidence, required=REQUIRED, max_length=2000)


def _identifier_number(checks: FieldChecks, field: str, value: Any, scheme: str) -> str:
    text = checks.text(field, value, max_length=30, markup=True)
    if not text or checks.failed(field):
        return text
    try:
        return parse_identifier(text, scheme).value
    except ValidationError as error:
        for message in error.messages:
            checks.add(field, message)
        return text


def _proposal_details(checks: FieldChecks, details: dict[str, Any]) -> dict[str, Any]:
    """ProposalForm's rules on what a proposal carries beside its name."""
    return {
        "legal_form": checks.choice("legal_form", details.get("legal_form"), LegalForm.values, required=REQUIRED),
        "charity_number": _identifier_number(checks, "charity_number", details.get("charity_number"), IdentifierScheme.CHC),
        "company_number": _identifier_number(checks, "company_number", details.get("company_number"), IdentifierScheme.COH),
        "address": checks.text("address", details.get("address"), required=REQUIRED, max_length=500),
        "postcode": _portal_postcode(checks, details.get("postcode"), required=True),
        "description": checks.text("description", details.get("description"), required=REQUIRED, max_length=2000),
    }


@transaction.atomic
def organisation_claim_create(*, acting_user: User, organisation: Organisation, role_in_organisation: str, evidence: str) -> OrganisationClaim:
    """The signed-in user asks to act for an organisation already on the register.

    A claim is always made by and for the acting user: nobody can claim on another's behalf.
    """
    require(can_use_portal, acting_user, organisation, message="Only members of voluntary and community organisations claim organisations.")
    checks = FieldChecks()
    role_in_organisation, evidence = _claim_answers(checks, role_in_organisation, evidence)
    checks.raise_if_any()
    if organisation.is_archived or organisation.status in _UNCLAIMABLE_STATUSES:
        raise ValidationError("This organisation is no longer on the register, so it cannot be claimed")
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
    require(can_use_portal, acting_user, message="Only members of voluntary and community organisations propose organisations.")
    unknown = set(details) - set(PROPOSAL_FIELDS)
    if unknown:
        raise ValueError(f"Unknown proposal fields: {', '.join(sorted(unknown))}")
    checks = FieldChecks()
    name = checks.text("name", name, required=REQUIRED, max_length=300)
    details = _proposal_details(checks, details)
    role_in_organisation, evidence = _claim_answers(checks, role_in_organisation, evidence)
    checks.raise_if_any()
    User.objects.select_for_update().filter(pk=acting_user.pk).first()
    pending = OrganisationClaim.objects.filter(user=acting_user, organisation__isnull=True, status=OrganisationClaim.Status.PENDING)
    if pending.filter(proposed_name__iexact=name).exists():
        raise ValidationError("You have already proposed an organisation with this name. A council officer will check it.")
    claim = OrganisationClaim(
        user=acting_user,
        proposed_name=name,
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
    require(can_verify_claims, acting_user, claim, message="Only council officers verify claims.")
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
    require(can_verify_claims, acting_user, claim, message="Only council officers reject claims.")
    checks = FieldChecks()
    reason = checks.text("reason", reason, required=REJECT_REASON_MESSAGE, max_length=2000)
    checks.raise_if_any()
    locked = _locked_pending_claim(claim)
    locked.status = OrganisationClaim.Status.REJECTED
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
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


def _profile_phone(checks: FieldChecks, value: Any) -> str:
    phone = checks.text("phone", value, max_length=30)
    phone = " ".join(phone.split())
    digits = re.sub(r"\D", "", phone)
    if phone and not checks.failed("phone") and (not _PHONE.match(phone) or not 10 <= len(digits) <= 13):
        checks.add("phone", PHONE_MESSAGE)
    return phone


def _profile_checked(organisation: Organisation, changes: dict[str, Any], areas_of_work: Any) -> dict[str, Any]:
    """ProfileForm's rules on the fields changed; the profile keeps at least one way to reach the organisation."""
    checks = FieldChecks()
    rules = {
        "other_names": lambda value: checks.text("other_names", value, max_length=1000),
        "description": lambda value: checks.text("description", value, max_length=2000),
        "address": lambda value: checks.text("address", value, max_length=500),
        "postcode": lambda value: _portal_postcode(checks, value),
        "website": lambda value: checks.url("website", value),
        "email": lambda value: checks.email("email", value),
        "phone": lambda value: _profile_phone(checks, value),
    }
    update: dict[str, Any] = {field: rules[field](value) for field, value in changes.items()}
    if areas_of_work is not None:
        update[AREAS_OF_WORK] = checks.objects(AREAS_OF_WORK, areas_of_work, AreaOfWork, invalid="Choose areas of work from the list")
    profile = {field: update.get(field, getattr(organisation, field)) for field in ("address", "website", "email", "phone")}
    if not checks.errors and not any(profile.values()):
        checks.add("email", REACH_MESSAGE)
    checks.raise_if_any()
    return update


@transaction.atomic
def organisation_profile_update(
    *, acting_user: User, organisation: Organisation, changes: dict[str, Any], areas_of_work: list[AreaOfWork] | None = None
) -> ProfileChange | None:
    """A verified member changes their organisation's public profile; officers see exactly what changed."""
    require(can_act_for_organisation, acting_user, organisation, message="Only a verified member can change this organisation's profile.")
    refused = set(changes) - set(PROFILE_FIELDS)
    if refused:
        raise ValueError(f"Members cannot change: {', '.join(sorted(refused))}")
    update = _profile_checked(organisation, changes, areas_of_work)
    # The register's own change, without its "officers only" check: the check above is who may make this one.
    delta = _organisation_change(acting_user=acting_user, organisation=organisation, changes=update, summary="Profile updated through the portal")
    if not delta:
        return None
    profile_change = ProfileChange(organisation=organisation, changed_by=acting_user, changes=delta)
    profile_change.full_clean()
    profile_change.save()
    return profile_change


@transaction.atomic
def profile_change_review(*, acting_user: User, profile_change: ProfileChange) -> ProfileChange:
    """An officer has looked at what a member changed."""
    require(can_review_profile_changes, acting_user, profile_change, message="Only council officers review profile changes.")
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
