"""Agreement pages: list, spend, create, edit, detail, life-cycle steps, conditions and due diligence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.history import render_history
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.page_cache import kept_page
from lightbulb.funding import exports
from lightbulb.funding.forms.agreements import AgreementForm, ConditionForm, ConfirmForm, DueDiligenceForm, TransitionForm
from lightbulb.funding.lifecycle import next_statuses
from lightbulb.funding.rules import can_manage_agreements, can_read_funding
from lightbulb.funding.selectors import agreements as selectors
from lightbulb.funding.selectors.performance import agreement_performance
from lightbulb.funding.services import agreements as services
from lightbulb.funding.services.lifecycle import agreement_transition as transition_service


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


@permission_required(can_read_funding)
@kept_page
def agreement_list(request: HttpRequest) -> HttpResponse:
    choices = selectors.choices()
    queryset, sort, filters, mine, form = exports.agreement_rows(request, choices)
    page = paginate(request, selectors.agreement_list_columns(queryset))
    return render(
        request,
        "funding/agreements/list.html",
        {
            "page": page,
            "pagination": pagination_params(request, page),
            "filters": filters,
            "form": form,
            "mine": mine,
            "sort": sort,
            "choices": choices,
            "may_write": selectors.may_write(request),
        },
    )


@permission_required(can_read_funding)
def spend(request: HttpRequest) -> HttpResponse:
    return render(request, "funding/agreements/spend.html", {"by_year": selectors.spend_by_year_and_kind(), "by_ward": selectors.spend_by_ward()})


def _agreement_values(form: AgreementForm) -> tuple[dict[str, Any], list[Any]]:
    values = dict(form.cleaned_data)
    wards = list(values.pop("wards", []))
    return values, wards


@permission_required(can_manage_agreements)
def agreement_create(request: HttpRequest) -> HttpResponse:
    initial = {
        "accountable_officer": request.user.pk,
        "recipient_is_vcse": True,
        "recipient_is_sme": True,
        "risk_level": "low",
        "payment_basis": "arrears",
    }
    organisation = _int(request.GET.get("organisation"))
    if organisation:
        initial["organisation"] = organisation
    form = AgreementForm(request.POST or None, initial=initial, new=True)
    if request.method == "POST" and form.is_valid():
        values, wards = _agreement_values(form)
        try:
            agreement = services.agreement_create(acting_user=request.user, wards=wards, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Agreement {agreement.reference} created.")
            return redirect("funding:agreement_detail", pk=agreement.pk)
    return render(request, "funding/agreements/form.html", {"form": form, "title": "Add an agreement", "back_url": reverse("funding:agreement_list")})


@permission_required(can_manage_agreements)
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk, write=True)
    initial = {name: getattr(agreement, name) for name in services.AGREEMENT_FIELDS}
    initial["wards"] = [ward.pk for ward in agreement.wards.all()]
    initial["version"] = agreement.version
    initial["previous"] = agreement.previous.reference if agreement.previous else ""
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values, wards = _agreement_values(form)
        try:
            services.agreement_update(acting_user=request.user, agreement=agreement, wards=wards, expected_version=form.expected_version, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Agreement {agreement.reference} saved.")
            return redirect("funding:agreement_detail", pk=agreement.pk)
    back = reverse("funding:agreement_detail", kwargs={"pk": agreement.pk})
    return render(request, "funding/agreements/form.html", {"form": form, "title": f"Change {agreement.reference}", "back_url": back, "agreement": agreement})


@permission_required(can_read_funding)
@kept_page
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk)
    context = selectors.agreement_for_page(agreement)
    context["may_write"] = selectors.may_write(request)
    context["performance"] = agreement_performance(agreement)
    return render(request, "funding/agreements/detail.html", context)


@permission_required(can_read_funding)
def agreement_history(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk)
    return render_history(request, obj=agreement, title=agreement.reference, back_url=reverse("funding:agreement_detail", kwargs={"pk": agreement.pk}))


@permission_required(can_manage_agreements)
def agreement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk, write=True)
    allowed = next_statuses(agreement.status)
    initial = {"to_status": request.GET.get("to")} if request.GET.get("to") in allowed else {}
    form = TransitionForm(request.POST or None, allowed=allowed, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            transition_service(agreement=agreement, to_status=form.cleaned_data["to_status"], acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Agreement {agreement.reference} is now {agreement.get_status_display().lower()}.")
            return redirect("funding:agreement_detail", pk=agreement.pk)
    return render(request, "funding/agreements/transition.html", {"form": form, "agreement": agreement, "allowed": allowed})


@permission_required(can_manage_agreements)
def condition_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk, write=True)
    form = ConditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_add(acting_user=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Condition added.")
            return redirect(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk}) + "#conditions")
    return render(request, "funding/agreements/condition_form.html", {"form": form, "agreement": agreement, "title": "Add a condition"})


@permission_required(can_manage_agreements)
def condition_edit(request: HttpRequest, pk: int, condition_pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk, write=True)
    condition = selectors.condition_get(agreement, condition_pk)
    initial = {"kind": condition.kind, "description": condition.description, "target": condition.target, "unit": condition.unit, "version": condition.version}
    form = ConditionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_update(acting_user=request.user, condition=condition, expected_version=form.expected_version, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Condition saved.")
            return redirect(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk}) + "#conditions")
    return render(request, "funding/agreements/condition_form.html", {"form": form, "agreement": agreement, "title": "Change a condition"})


@permission_required(can_manage_agreements)
def condition_remove(request: HttpRequest, pk: int, condition_pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk, write=True)
    condition = selectors.condition_get(agreement, condition_pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_remove(acting_user=request.user, condition=condition)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Condition removed.")
            return redirect(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk}) + "#conditions")
    return render(request, "funding/agreements/condition_remove.html", {"form": form, "agreement": agreement, "condition": condition})


@permission_required(can_manage_agreements)
def due_diligence(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk, write=True)
    code = request.GET.get("check", "")
    form = DueDiligenceForm(request.POST or None, initial={"check_code": code} if code else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.due_diligence_record(acting_user=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Due-diligence check recorded.")
            return redirect(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk}) + "#due-diligence")
    checks = selectors.agreement_checks(agreement)
    return render(request, "funding/agreements/due_diligence.html", {"form": form, "agreement": agreement, "checks": checks})
