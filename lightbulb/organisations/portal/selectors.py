"""Reads for the portal and for the officers who verify claims and review profile changes."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When, Window
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from lightbulb.accounts.models import Membership, User
from lightbulb.organisations.models import AreaOfWork, Organisation, OrganisationClaim, OrganisationIdentifier, OrganisationStatus, ProfileChange
from lightbulb.organisations.normalise import name_key, normalise_postcode

CLAIM_STATUSES = OrganisationClaim.Status
SEARCH_LIMIT = 25


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- the portal user's side -------------------------------------------------------------


def portal_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations `user` is a verified member of."""
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def portal_claims(user: User) -> QuerySet[OrganisationClaim]:
    """The user's claims that are still waiting or were turned down (verified ones show as organisations)."""
    return (
        OrganisationClaim.objects.filter(user=user)
        .exclude(status=OrganisationClaim.Status.VERIFIED)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )


def get_portal_organisation(request: HttpRequest, pk: int) -> Organisation:
    """The user's own organisation; 404 for any other, so nobody learns which ids exist."""
    user = request_user(request)
    organisation = (
        Organisation.objects.filter(pk=pk, memberships__user=user)
        .select_related("ward")
        .prefetch_related("areas_of_work", Prefetch("identifiers", queryset=OrganisationIdentifier.objects.order_by("scheme", "value")))
        .first()
    )
    if organisation is None:
        raise Http404("No such organisation among yours")
    return organisation


def claimable_organisations() -> QuerySet[Organisation]:
    """Organisations a person may claim: on the register, not archived, not merged away or removed."""
    return Organisation.objects.filter(archived_at__isnull=True).exclude(status__in=[OrganisationStatus.MERGED, OrganisationStatus.REMOVED])


def get_claimable_organisation(pk: int) -> Organisation:
    return get_object_or_404(claimable_organisations(), pk=pk)


def _identifier_digits(query: str) -> str:
    """'GB-CHC-1123456' or 'charity 1123456' → '1123456'; company numbers keep their letters."""
    text = query.upper().replace("GB-CHC-", "").replace("GB-COH-", "").replace("GB-SC-", "").replace("GB-NIC-", "").replace("GB-MPR-", "")
    return "".join(text.split())


def organisation_search(query: str) -> list[Organisation]:
    """Register search by name, charity or company number, or postcode, for the claim journey."""
    query = query.strip()
    if not query:
        return []
    key = name_key(query)
    compact = _identifier_digits(query)
    condition = Q(postcode=normalise_postcode(query)) | Q(identifiers__value__iexact=compact)
    if compact.isdigit() and len(compact) < 8:
        # Companies House numbers are often typed without their leading zeros.
        condition |= Q(identifiers__value=compact.zfill(8))
    if key:
        condition |= Q(name_key__contains=key)
    condition |= Q(name__icontains=query)
    ids = claimable_organisations().filter(condition).values("pk")
    return list(Organisation.objects.filter(pk__in=ids).prefetch_related("identifiers").order_by("name", "pk")[:SEARCH_LIMIT])


def user_is_member(user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def user_has_pending_claim(user: User, organisation: Organisation) -> bool:
    return OrganisationClaim.objects.filter(user=user, organisation=organisation, status=OrganisationClaim.Status.PENDING).exists()


def area_of_work_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in AreaOfWork.objects.order_by("name").values_list("pk", "name")]


def areas_of_work_by_ids(ids: list[str]) -> list[AreaOfWork]:
    return list(AreaOfWork.objects.filter(pk__in=[int(pk) for pk in ids]))


# --- the officer's side -----------------------------------------------------------------


def claim_list(*, status: str = "") -> QuerySet[OrganisationClaim]:
    """Claims, those waiting first; `pending_rank` lets a sort keep waiting claims on top."""
    claims = OrganisationClaim.objects.select_related("user", "organisation", "decided_by").annotate(
        pending_rank=Case(When(status=OrganisationClaim.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    if status in OrganisationClaim.Status.values:
        claims = claims.filter(status=status)
    return claims


def get_claim(pk: int) -> OrganisationClaim:
    return get_object_or_404(OrganisationClaim.objects.select_related("user", "organisation", "decided_by"), pk=pk)


def claim_members(claim: OrganisationClaim) -> list[Membership]:
    """Who already acts for the claimed organisation."""
    if claim.organisation_id is None:
        return []
    return list(Membership.objects.filter(organisation_id=claim.organisation_id).select_related("user").order_by("user__full_name"))


def claimant_other_claims(claim: OrganisationClaim) -> list[OrganisationClaim]:
    return list(OrganisationClaim.objects.filter(user_id=claim.user_id).exclude(pk=claim.pk).select_related("organisation").order_by("-created_at")[:20])


def claimant_memberships(claim: OrganisationClaim) -> list[Membership]:
    return list(Membership.objects.filter(user_id=claim.user_id).select_related("organisation").order_by("organisation__name"))


def similar_organisations(claim: OrganisationClaim) -> list[Organisation]:
    """Records that may already be the proposed organisation: same name, postcode or identifier."""
    if claim.organisation_id is not None:
        return []
    details: dict[str, Any] = claim.proposed_details or {}
    key = name_key(claim.proposed_name)
    condition = Q(name_key=key) if key else Q(pk__in=[])
    if len(key) >= 4:
        condition |= Q(name_key__contains=key)
    if details.get("postcode"):
        condition |= Q(postcode=details["postcode"])
    values = [details[name] for name in ("charity_number", "company_number") if details.get(name)]
    if values:
        condition |= Q(identifiers__value__in=values)
    ids = Organisation.objects.filter(archived_at__isnull=True).filter(condition).values("pk")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk")[:20])


def pending_claim_summary(limit: int = 3) -> tuple[int, list[OrganisationClaim]]:
    """How many claims wait, and the oldest few, for the dashboard."""
    waiting = OrganisationClaim.objects.filter(status=OrganisationClaim.Status.PENDING)
    # One query: each of the oldest few carries how many wait in all (a window count over every row).
    oldest: list[Any] = list(waiting.select_related("user", "organisation").annotate(waiting=Window(Count("pk"))).order_by("created_at", "pk")[:limit])
    return (oldest[0].waiting if oldest else 0), oldest


def profile_change_list(*, reviewed: str = "") -> QuerySet[ProfileChange]:
    """Profile changes, unreviewed first and newest first within each group."""
    changes = ProfileChange.objects.select_related("organisation", "changed_by", "reviewed_by").annotate(
        reviewed_rank=Case(When(reviewed_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    if reviewed == "no":
        changes = changes.filter(reviewed_at__isnull=True)
    elif reviewed == "yes":
        changes = changes.filter(reviewed_at__isnull=False)
    return changes.order_by("reviewed_rank", "-created_at", "-pk")


def unreviewed_profile_change_count() -> int:
    return ProfileChange.objects.filter(reviewed_at__isnull=True).count()


def get_profile_change(pk: int) -> ProfileChange:
    return get_object_or_404(ProfileChange.objects.select_related("organisation"), pk=pk)


def portal_organisation_summary(user: User) -> dict[str, Any]:
    """The user's organisations and how many of their claims wait, for the dashboard."""
    organisations = list(Organisation.objects.filter(memberships__user=user).order_by("name").values("pk", "name"))
    pending = OrganisationClaim.objects.filter(user=user, status=OrganisationClaim.Status.PENDING).aggregate(n=Count("pk"))["n"]
    return {"organisations": organisations, "pending": pending}
