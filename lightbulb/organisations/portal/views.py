"""The portal pages for `vcs` users and the claim and profile-change pages for officers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.page_cache import kept_page
from lightbulb.organisations import exports
from lightbulb.organisations.portal import selectors, services
from lightbulb.organisations.portal.forms import (
    ClaimDecisionForm,
    ClaimForm,
    ClaimSearchForm,
    ProfileForm,
    ProposalForm,
)
from lightbulb.organisations.rules import can_review_profile_changes, can_use_portal, can_verify_claims
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode
from lightbulb.places.selectors import ward_for_postcode

PROPOSAL_SESSION_KEY = "portal_proposal"
LEGAL_FORMS = dict(ProposalForm.base_fields["legal_form"].choices)  # type: ignore[attr-defined]


def _posted(request: HttpRequest) -> Any:
    """The submitted data on a POST, even when empty (an empty form must still be validated), else None."""
    return request.POST if request.method == "POST" else None


# --- vcs users ------------------------------------------------------------------------------


@permission_required(can_use_portal)
@kept_page
def portal_home(request: HttpRequest) -> HttpResponse:
    user = selectors.request_user(request)
    return render(
        request,
        "organisations/portal/home.html",
        {"organisations": list(selectors.portal_organisations(user)), "claims": list(selectors.portal_claims(user)), "statuses": selectors.CLAIM_STATUSES},
    )


@permission_required(can_use_portal)
@kept_page
def portal_claim_start(request: HttpRequest) -> HttpResponse:
    """Find the organisation on the register before claiming it."""
    searched = "q" in request.GET
    form = ClaimSearchForm(request.GET if searched else None)
    results = selectors.organisation_search(form.cleaned_data["q"]) if searched and form.is_valid() else []
    member_of = set(selectors.portal_organisations(selectors.request_user(request)).values_list("pk", flat=True)) if results else set()
    context = {"form": form, "searched": searched and form.is_valid(), "results": results, "member_of": member_of}
    if context["searched"]:
        context["propose_query"] = _proposal_start(form.cleaned_data["q"])
    return render(request, "organisations/portal/claim_start.html", context)


def _proposal_start(searched: str) -> str:
    """What a search already says about a new organisation: a postcode is its postcode, a number is
    a charity or company number, anything else its name (a postcode is never its name)."""
    text = searched.strip()
    if is_valid_postcode(text):
        return urlencode({"postcode": normalise_postcode(text)})
    if re.fullmatch(r"(?:SC|NI|OC|SO|NC)?\d{6,8}", text.replace(" ", "").upper()):
        return ""
    return urlencode({"name": text[:300]})


@permission_required(can_use_portal)
def portal_claim(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.request_user(request)
    organisation = selectors.get_claimable_organisation(pk)
    if selectors.user_is_member(user, organisation):
        messages.info(request, f"You are already a member of {organisation.name}.")
        return redirect("organisations:portal_organisation", pk=organisation.pk)
    form = ClaimForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_claim_create(acting_user=user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your claim for {organisation.name} has been sent. A council officer will check it and e-mail you.")
            return redirect("organisations:portal_home")
    context = {"form": form, "organisation": organisation, "already_claimed": selectors.user_has_pending_claim(user, organisation)}
    return render(request, "organisations/portal/claim.html", context)


@permission_required(can_use_portal)
def portal_propose(request: HttpRequest) -> HttpResponse:
    """Propose an organisation the register does not hold; answers are checked on the next page."""
    initial = request.session.get(PROPOSAL_SESSION_KEY) or {"name": request.GET.get("name", "")[:300], "postcode": request.GET.get("postcode", "")[:10]}
    form = ProposalForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        request.session[PROPOSAL_SESSION_KEY] = form.cleaned_data
        return redirect("organisations:portal_propose_check")
    return render(request, "organisations/portal/propose.html", {"form": form})


@permission_required(can_use_portal)
def portal_propose_check(request: HttpRequest) -> HttpResponse:
    """Check your answers, then send the proposal."""
    answers = request.session.get(PROPOSAL_SESSION_KEY)
    if not answers:
        return redirect("organisations:portal_propose")
    # Re-validate: the session holds what was typed, and the rules may refuse it now.
    form = ProposalForm(answers)
    if not form.is_valid():
        return redirect("organisations:portal_propose")
    if request.method == "POST":
        data = dict(form.cleaned_data)
        try:
            services.organisation_proposal_create(
                acting_user=selectors.request_user(request),
                name=data.pop("name"),
                role_in_organisation=data.pop("role_in_organisation"),
                evidence=data.pop("evidence"),
                details=data,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("organisations:portal_home")
        del request.session[PROPOSAL_SESSION_KEY]
        messages.success(request, f"Your proposal for {answers['name']} has been sent. A council officer will check it and e-mail you.")
        return redirect("organisations:portal_home")
    # A postcode the council's lookup does not hold is flagged: the organisation may be outside the area.
    outside = ward_for_postcode(normalise_postcode(form.cleaned_data["postcode"])) is None
    return render(request, "organisations/portal/propose_check.html", {"answers": form.cleaned_data, "legal_forms": LEGAL_FORMS, "outside": outside})


@permission_required(can_use_portal)
@kept_page
def portal_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_portal_organisation(request, pk)
    return render(request, "organisations/portal/organisation.html", {"organisation": organisation})


@permission_required(can_use_portal)
def portal_profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_portal_organisation(request, pk)
    initial: dict[str, Any] = {name: getattr(organisation, name) for name in services.PROFILE_FIELDS}
    initial["areas_of_work"] = [str(area.pk) for area in organisation.areas_of_work.all()]
    form = ProfileForm(_posted(request), initial=initial, area_choices=selectors.area_of_work_choices())
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        areas = selectors.areas_of_work_by_ids(form.cleaned_data["areas_of_work"]) if "areas_of_work" in form.fields else None
        try:
            change = services.organisation_profile_update(
                acting_user=selectors.request_user(request), organisation=organisation, changes=changes, areas_of_work=areas
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your organisation's details have been updated." if change else "Nothing was changed.")
            return redirect("organisations:portal_organisation", pk=organisation.pk)
    return render(request, "organisations/portal/profile_edit.html", {"form": form, "organisation": organisation})


# --- officers -------------------------------------------------------------------------------


@permission_required(can_verify_claims)
def claims_list(request: HttpRequest) -> HttpResponse:
    claims, sort, status = exports.claim_rows(request)
    page = paginate(request, claims)
    context = {"page": page, "pagination": pagination_params(request, page), "status": status, "statuses": selectors.CLAIM_STATUSES, "sort": sort}
    return render(request, "organisations/portal/claims_list.html", context)


def _claim_context(claim: Any) -> dict[str, Any]:
    return {
        "claim": claim,
        "members": selectors.claim_members(claim),
        "similar": selectors.similar_organisations(claim),
        "other_claims": selectors.claimant_other_claims(claim),
        "claimant_memberships": selectors.claimant_memberships(claim),
        "legal_forms": LEGAL_FORMS,
        "statuses": selectors.CLAIM_STATUSES,
    }


@permission_required(can_verify_claims)
def claims_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.get_claim(pk)
    return render(request, "organisations/portal/claim_detail.html", _claim_context(claim))


@permission_required(can_verify_claims)
def claims_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.get_claim(pk)
    if claim.status != selectors.CLAIM_STATUSES.PENDING:
        messages.error(request, f"This claim has already been {claim.get_status_display().lower()}. Nothing was changed.")
        return redirect("organisations:claims_detail", pk=claim.pk)
    form = ClaimDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        user = selectors.request_user(request)
        try:
            if form.cleaned_data["decision"] == "verify":
                services.organisation_claim_verify(acting_user=user, claim=claim)
                messages.success(request, f"{claim.user.display_name} can now act for {claim.organisation}. They have been e-mailed.")
            else:
                services.organisation_claim_reject(acting_user=user, claim=claim, reason=form.cleaned_data["reason"])
                messages.success(request, f"The claim by {claim.user.display_name} has been rejected. They have been e-mailed the reason.")
        except services.ClaimAlreadyDecided as error:
            messages.error(request, " ".join(error.messages))
        except ValidationError as error:
            add_service_errors(form, error)
            return render(request, "organisations/portal/claim_decide.html", {**_claim_context(claim), "form": form})
        return redirect("organisations:claims_detail", pk=claim.pk)
    return render(request, "organisations/portal/claim_decide.html", {**_claim_context(claim), "form": form})


@permission_required(can_review_profile_changes)
def profile_changes(request: HttpRequest) -> HttpResponse:
    changes, reviewed = exports.profile_change_rows(request)
    page = paginate(request, changes)
    return render(request, "organisations/portal/profile_changes.html", {"page": page, "pagination": pagination_params(request, page), "reviewed": reviewed})


@permission_required(can_review_profile_changes)
@require_POST
def profile_change_review(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.get_profile_change(pk)
    services.profile_change_review(acting_user=selectors.request_user(request), profile_change=change)
    messages.success(request, f"The change to {change.organisation.name} is marked as reviewed.")
    return redirect("organisations:profile_changes")
