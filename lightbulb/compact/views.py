"""The Compact page, managing commitments, and consultations (officers, the portal and the public)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lightbulb.compact import exports, selectors, services
from lightbulb.compact.forms import CommitmentForm, CompactForm, ConsultationForm, InviteForm, ResponseForm, SummaryForm
from lightbulb.compact.rules import can_manage_compact, can_manage_consultations, can_read_compact, can_read_consultations, can_use_portal_consultations
from lightbulb.core.access import permission_required, public
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.rules import allowed


@permission_required(can_read_compact)
def compact_page(request: HttpRequest) -> HttpResponse:
    compact = selectors.compact_get()
    rows = selectors.compact_measures(compact) if compact and compact.enabled else []
    start, end = selectors.window()
    context = {"compact": compact, "rows": rows, "start": start, "end": end, "may_manage": allowed(can_manage_compact, request.user)}
    return render(request, "compact/compact.html", context)


@permission_required(can_manage_compact)
@require_POST
def compact_create_default(request: HttpRequest) -> HttpResponse:
    try:
        services.compact_create_default(acting_user=request.user)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(request, "Compact created with the five commitments the system can measure.")
    return redirect("compact:compact")


@permission_required(can_manage_compact)
def compact_manage(request: HttpRequest) -> HttpResponse:
    compact = selectors.compact_get()
    if compact is None:
        return redirect("compact:compact")
    initial = {"title": compact.title, "adopted_on": compact.adopted_on, "introduction": compact.introduction, "enabled": compact.enabled}
    form = CompactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.compact_update(acting_user=request.user, compact=compact, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Compact saved.")
            return redirect("compact:manage")
    return render(request, "compact/manage.html", {"form": form, "compact": compact})


@permission_required(can_manage_compact)
def commitment_add(request: HttpRequest) -> HttpResponse:
    compact = selectors.compact_get()
    if compact is None:
        return redirect("compact:compact")
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.commitment_create(acting_user=request.user, compact=compact, text=form.cleaned_data["text"], rule=form.cleaned_data["rule"])
        messages.success(request, "Commitment added.")
        return redirect("compact:manage")
    return render(request, "compact/commitment_form.html", {"form": form, "heading": "Add a commitment"})


@permission_required(can_manage_compact)
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_get(pk)
    form = CommitmentForm(request.POST or None, initial={"text": commitment.text, "rule": commitment.rule})
    if request.method == "POST" and form.is_valid():
        services.commitment_update(acting_user=request.user, commitment=commitment, text=form.cleaned_data["text"], rule=form.cleaned_data["rule"])
        messages.success(request, "Commitment saved.")
        return redirect("compact:manage")
    return render(request, "compact/commitment_form.html", {"form": form, "heading": "Change a commitment", "commitment": commitment})


@permission_required(can_manage_compact)
@require_POST
def commitment_move(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_get(pk)
    services.commitment_move(acting_user=request.user, commitment=commitment, direction=request.POST.get("direction", ""))
    return redirect("compact:manage")


@permission_required(can_manage_compact)
def commitment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_get(pk)
    if request.method == "POST":
        services.commitment_remove(acting_user=request.user, commitment=commitment)
        messages.success(request, "Commitment removed.")
        return redirect("compact:manage")
    return render(request, "compact/commitment_remove.html", {"commitment": commitment})


@permission_required(can_read_consultations)
def consultation_list(request: HttpRequest) -> HttpResponse:
    queryset, sort, status = exports.consultation_rows(request)
    today = timezone.localdate()
    page = paginate(request, queryset)
    context = {
        "page": page,
        "pagination": pagination_params(request, page),
        "sort": sort,
        "status": status,
        "today": today,
        "may_write": allowed(can_manage_consultations, request.user),
    }  # type: ignore[union-attr]
    return render(request, "compact/consultation_list.html", context)


def _consultation_initial(consultation: object) -> dict[str, object]:
    return {name: getattr(consultation, name) for name in services.CONSULTATION_FIELDS}


@permission_required(can_manage_consultations)
def consultation_create(request: HttpRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(acting_user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Consultation created. Now invite organisations.")
            return redirect("compact:consultation_detail", pk=consultation.pk)
    return render(request, "compact/consultation_form.html", {"form": form, "heading": "Create a consultation"})


@permission_required(can_manage_consultations)
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.get_consultation_for_user(request, pk, write=True)
    form = ConsultationForm(request.POST or None, initial=_consultation_initial(consultation) | {"version": consultation.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(acting_user=request.user, consultation=consultation, data=form.cleaned_data, expected_version=form.expected_version)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Consultation saved.")
            return redirect("compact:consultation_detail", pk=pk)
    return render(request, "compact/consultation_form.html", {"form": form, "heading": "Change a consultation", "consultation": consultation})


@permission_required(can_read_consultations)
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.get_consultation_for_user(request, pk)
    context = {
        "consultation": consultation,
        "responses": selectors.consultation_responses(consultation),
        "invited": selectors.consultation_invited(consultation),
        "is_open": selectors.is_open(consultation),
        "may_write": allowed(can_manage_consultations, request.user),
    }
    return render(request, "compact/consultation_detail.html", context)


@permission_required(can_manage_consultations)
def consultation_invite(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.get_consultation_for_user(request, pk, write=True)
    query = request.GET.get("q", "").strip()[:100]
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("organisations") if value.isdigit()]
        candidates = list(selectors.organisations_by_ids(ids))
    else:
        candidates = list(selectors.organisations_to_invite(consultation, query))
    form = InviteForm(request.POST or None, choices=[(organisation.pk, organisation.name) for organisation in candidates])
    if request.method == "POST" and form.is_valid():
        chosen = [organisation for organisation in candidates if organisation.pk in form.cleaned_data["organisations"]]
        portal_url = request.build_absolute_uri(reverse("compact:portal_consultations"))
        count = services.consultation_invite(acting_user=request.user, consultation=consultation, organisations=chosen, portal_url=portal_url)
        messages.success(request, f"{count} organisation{'s' if count != 1 else ''} invited. Their members will get an e-mail.")
        return redirect("compact:consultation_detail", pk=pk)
    return render(request, "compact/consultation_invite.html", {"form": form, "consultation": consultation, "query": query, "candidates": candidates})


@permission_required(can_manage_consultations)
def consultation_summary(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.get_consultation_for_user(request, pk, write=True)
    form = SummaryForm(request.POST or None, initial={"you_said_we_did": consultation.you_said_we_did})
    if request.method == "POST" and form.is_valid():
        services.consultation_publish_summary(acting_user=request.user, consultation=consultation, text=form.cleaned_data["you_said_we_did"])
        messages.success(request, '"You said, we did" summary published.')
        return redirect("compact:consultation_detail", pk=pk)
    return render(request, "compact/consultation_summary.html", {"form": form, "consultation": consultation})


@public
def public_consultations(request: HttpRequest) -> HttpResponse:
    return render(request, "compact/public_list.html", selectors.public_consultations())


@public
def public_consultation(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.public_consultation_get(pk)
    return render(request, "compact/public_detail.html", {"consultation": consultation, "is_open": selectors.is_open(consultation)})


@permission_required(can_use_portal_consultations)
def portal_consultations(request: HttpRequest) -> HttpResponse:
    return render(request, "compact/portal_list.html", {"rows": selectors.portal_consultations(request.user)})


@permission_required(can_use_portal_consultations)
def portal_consultation_respond(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    consultation, organisation, existing = selectors.get_portal_consultation(request, pk, organisation_pk)
    is_open = selectors.is_open(consultation)
    form = ResponseForm(request.POST or None, initial={"text": existing.text if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_respond(acting_user=request.user, consultation=consultation, organisation=organisation, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your organisation's response has been sent to the council.")
            return redirect("compact:portal_consultations")
    context = {"form": form, "consultation": consultation, "organisation": organisation, "existing": existing, "is_open": is_open}
    return render(request, "compact/portal_respond.html", context)
