"""Other funders' grants: the list, the review queue and one grant with its match."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.grants import exports, selectors, services
from lightbulb.grants.forms import ChooseOrganisationForm, MatchForm
from lightbulb.grants.rules import can_read_grants, can_review_grant_matches

STATUS_LABELS = exports.STATUS_LABELS


@permission_required(can_read_grants)
def grant_list(request: HttpRequest) -> HttpResponse:
    grants, status = exports.grant_rows(request)
    page = paginate(request, grants)
    return render(
        request,
        "grants/list.html",
        {"page": page, "pagination": pagination_params(request, page), "status": status, "labels": STATUS_LABELS, "counts": selectors.status_counts()},
    )


def _choose_form(request: HttpRequest, grant: object, data: object = None) -> ChooseOrganisationForm:
    found = selectors.candidates(grant)  # type: ignore[arg-type]
    choices = [(item["organisation"].pk, f"{item['organisation'].name} ({item['score']}% alike)") for item in found]
    return ChooseOrganisationForm(data, choices=choices)  # type: ignore[arg-type]


@permission_required(can_read_grants)
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.get_grant_for_user(request, pk)
    return render(request, "grants/detail.html", {"grant": grant, "form": MatchForm(), "choose": _choose_form(request, grant)})


@permission_required(can_review_grant_matches)
@require_POST
def grant_match(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or reject the proposed organisation."""
    grant = selectors.get_grant_for_user(request, pk, write=True)
    form = MatchForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "confirm":
                services.grant_match_confirm(acting_user=request.user, grant=grant)
                messages.success(request, "The grant is now shown on the organisation's page.")
            else:
                services.grant_match_reject(acting_user=request.user, grant=grant)
                messages.success(request, "The proposal was rejected. It will not be proposed again.")
            return redirect("grants:grant_detail", pk=grant.pk)
        except ValidationError as error:
            add_service_errors(form, error, default_field="decision")
    return render(request, "grants/detail.html", {"grant": grant, "form": form, "choose": _choose_form(request, grant)}, status=400)


@permission_required(can_review_grant_matches)
@require_POST
def grant_choose(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the grant to an organisation the officer chose."""
    grant = selectors.get_grant_for_user(request, pk, write=True)
    choose = _choose_form(request, grant, request.POST)
    if choose.is_valid():
        organisation = selectors.organisation_for_match(choose.cleaned_data["organisation"])
        try:
            services.grant_match_confirm(acting_user=request.user, grant=grant, organisation=organisation)
            messages.success(request, "The grant is now shown on the organisation's page.")
            return redirect("grants:grant_detail", pk=grant.pk)
        except ValidationError as error:
            add_service_errors(choose, error)
    return render(request, "grants/detail.html", {"grant": grant, "form": MatchForm(), "choose": choose}, status=400)
