"""The risk register: the heat map with its table, appetite per area, and adding and changing risks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lightbulb.concerns import risk_services, selectors
from lightbulb.concerns.forms import AppetiteForm, RiskForm
from lightbulb.concerns.rules import can_manage_risks, can_read_risks, can_set_risk_appetite
from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.rules import allowed


@permission_required(can_read_risks)
def risk_list(request: HttpRequest) -> HttpResponse:
    area = request.GET.get("area", "")
    risks = list(selectors.risk_list(area=area))
    context = {
        "risks": selectors.risk_rows(risks),  # the rows `risks` downloads (concerns/exports.py)
        "heat_map": selectors.heat_map(risks),
        "areas": selectors.appetite_rows(),
        "area": area if area in dict(selectors.area_choices()) else "",
        "area_choices": selectors.area_choices(),
        "may_manage": allowed(can_manage_risks, request.user),
        "may_set_appetite": allowed(can_set_risk_appetite, request.user),
    }
    return render(request, "concerns/risks/list.html", context)


def _risk_form(request: HttpRequest, risk: Any = None) -> HttpResponse:
    initial: dict[str, Any] = {"status": "open"}
    if risk is not None:
        initial = {name: getattr(risk, name) for name in risk_services.RISK_FIELDS if name not in ("agreement", "owner")}
        initial.update(
            agreement_reference=risk.agreement.reference if risk.agreement else "",
            owner=risk.owner_id,
            version=risk.version,
            likelihood=str(risk.likelihood),
            impact=str(risk.impact),
        )
    form = RiskForm(request.POST or None, initial=initial, find_agreement=selectors.agreement_by_reference, owners=selectors.owner_choices())
    if request.method == "POST" and form.is_valid():
        try:
            if risk is None:
                risk_services.risk_create(acting_user=request.user, answers=form.cleaned_data)
            else:
                risk_services.risk_update(acting_user=request.user, risk=risk, answers=form.cleaned_data, expected_version=form.expected_version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The risk is saved.")
            return redirect("concerns:risk_list")
    title = "Add a risk" if risk is None else f"Change the risk: {risk.title}"
    return render(request, "concerns/risks/form.html", {"form": form, "title": title, "back_url": reverse("concerns:risk_list")})


@permission_required(can_manage_risks)
def risk_create(request: HttpRequest) -> HttpResponse:
    return _risk_form(request)


@permission_required(can_manage_risks)
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _risk_form(request, selectors.get_risk_for_user(request, pk, write=True))


@permission_required(can_set_risk_appetite)
def risk_appetite(request: HttpRequest, area: str) -> HttpResponse:
    labels = dict(selectors.area_choices())
    # Administrators set the appetite from the concern settings; they do not read the register.
    back = "concerns:risk_list" if allowed(can_read_risks, request.user) else "concerns:settings"
    if area not in labels:
        raise Http404("No such area of risk")
    current = selectors.appetites().get(area)
    initial = {"lowest": current.lowest, "highest": current.highest, "statement": current.statement} if current else {}
    form = AppetiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            risk_services.risk_appetite_set(acting_user=request.user, area=area, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The appetite for {labels[area].lower()} risk is saved.")
            return redirect(back)
    return render(request, "concerns/risks/form.html", {"form": form, "title": f"Risk appetite: {labels[area].lower()}", "back_url": reverse(back)})
