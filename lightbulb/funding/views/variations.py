"""The page to vary an awarded agreement's terms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lightbulb.core import outbox
from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.funding.forms.variations import VariationForm
from lightbulb.funding.rules import can_manage_agreements
from lightbulb.funding.selectors.agreements import get_agreement_for_user
from lightbulb.funding.services.variations import VariationRequest, agreement_vary

TERMS = ("amount", "end_date", "payment_basis", "risk_level")


@permission_required(can_manage_agreements)
def agreement_vary_page(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk, write=True)
    form = VariationForm(request.POST or None, initial=VariationForm.initial_for(agreement))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        variation_request = VariationRequest(
            changes={name: data[name] for name in TERMS},
            reason=data["reason"],
            approved_by=data["approved_by"],
            approved_on=data["approved_on"],
            impact_assessment=data["impact_assessment"],
            effective_date=data["effective_date"],
            short_notice_reason=data["short_notice_reason"],
        )
        try:
            variation = agreement_vary(acting_user=request.user, agreement=agreement, request=variation_request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Variation of {agreement.reference} recorded{' as a reduction, with notice to the organisation' if variation.is_reduction else ''}."
            )
            outbox.report_delivery(request, variation)
            return redirect("funding:agreement_detail", pk=pk)
    return render(request, "funding/agreements/vary.html", {"form": form, "agreement": agreement})
