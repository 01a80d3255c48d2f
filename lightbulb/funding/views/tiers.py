"""Proportionality tiers: a setting administrators keep."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.funding.forms.tiers import TierForm
from lightbulb.funding.rules import can_manage_tiers
from lightbulb.funding.selectors import tiers as selectors
from lightbulb.funding.services import tiers as services


@permission_required(can_manage_tiers)
def tier_list(request: HttpRequest) -> HttpResponse:
    return render(request, "funding/tiers/list.html", {"tiers": selectors.tier_list(), "check_label": selectors.check_label})


@permission_required(can_manage_tiers)
def tier_create(request: HttpRequest) -> HttpResponse:
    form = TierForm(request.POST or None, initial={"min_value": "0", "monitoring_every_months": 12, "risk_level": "low"})
    if request.method == "POST" and form.is_valid():
        try:
            tier = services.tier_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Tier {tier.name} added.")
            return redirect("funding:tier_list")
    return render(request, "funding/tiers/form.html", {"form": form, "title": "Add a proportionality tier", "back_url": reverse("funding:tier_list")})


@permission_required(can_manage_tiers)
def tier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tier = selectors.tier_get(pk)
    initial = {
        "name": tier.name,
        "min_value": f"{tier.min_value:.2f}",
        "max_value": "" if tier.max_value is None else f"{tier.max_value:.2f}",
        "risk_level": tier.risk_level,
        "required_checks": list(tier.required_checks),
        "monitoring_every_months": tier.monitoring_every_months,
        "advance_payment_allowed": tier.advance_payment_allowed,
    }
    form = TierForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.tier_update(acting_user=request.user, tier=tier, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Tier {tier.name} saved.")
            return redirect("funding:tier_list")
    return render(request, "funding/tiers/form.html", {"form": form, "title": f"Change tier: {tier.name}", "back_url": reverse("funding:tier_list")})
