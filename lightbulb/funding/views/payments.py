"""Payments: the list, one payment and what an officer does with it, and an agreement's schedule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lightbulb.core import outbox
from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.page_cache import kept_page
from lightbulb.core.rules import allowed
from lightbulb.funding import exports
from lightbulb.funding.forms.payments import MilestoneForm, PaymentClawBackForm, PaymentHoldForm, PaymentInvoiceForm, PaymentPaidForm
from lightbulb.funding.rules import can_manage_payments, can_read_payments
from lightbulb.funding.selectors import payments as selectors
from lightbulb.funding.selectors.agreements import get_agreement_for_user
from lightbulb.funding.services import payments as services


@permission_required(can_read_payments)
@kept_page
def payment_list(request: HttpRequest) -> HttpResponse:
    payments, sort, form = exports.payment_rows(request)
    page = paginate(request, selectors.payment_list_columns(payments))
    return render(request, "funding/payments/list.html", {"form": form, "page": page, "pagination": pagination_params(request, page), "sort": sort})


@permission_required(can_read_payments)
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = selectors.get_payment_for_user(request, pk)
    context = {"payment": payment, "may_act": allowed(can_manage_payments, request.user), **outbox.messages_context(request, payment)}
    return render(request, "funding/payments/detail.html", context)


def _payment_action(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    template: str,
    act: Callable[[Any, dict[str, Any]], Any],
    done: str,
    tells_organisation: bool = False,
) -> HttpResponse:
    payment = selectors.get_payment_for_user(request, pk, write=True)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            act(payment, form.cleaned_data)
            messages.success(request, done)
            if tells_organisation:
                outbox.report_delivery(request, payment)
            return redirect("funding:payment_detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, template, {"payment": payment, "form": form})


@permission_required(can_manage_payments)
def payment_paid(request: HttpRequest, pk: int) -> HttpResponse:
    return _payment_action(
        request,
        pk,
        form_class=PaymentPaidForm,
        template="funding/payments/paid.html",
        act=lambda payment, data: services.payment_record_paid(
            payment=payment, acting_user=request.user, paid_on=data["paid_on"], invoice_received_on=data.get("invoice_received_on")
        ),
        done="Payment recorded as paid.",
    )


@permission_required(can_manage_payments)
def payment_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    return _payment_action(
        request,
        pk,
        form_class=PaymentInvoiceForm,
        template="funding/payments/invoice.html",
        act=lambda payment, data: services.payment_invoice_record(payment=payment, acting_user=request.user, received_on=data["received_on"]),
        done="Invoice or claim recorded: the 30 days to pay run from the day it arrived.",
    )


@permission_required(can_manage_payments)
def payment_hold(request: HttpRequest, pk: int) -> HttpResponse:
    return _payment_action(
        request,
        pk,
        form_class=PaymentHoldForm,
        template="funding/payments/hold.html",
        act=lambda payment, data: services.payment_hold(payment=payment, acting_user=request.user, reason=data["reason"]),
        done="Payment held.",
        tells_organisation=True,
    )


@permission_required(can_manage_payments)
def payment_claw_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _payment_action(
        request,
        pk,
        form_class=PaymentClawBackForm,
        template="funding/payments/claw_back.html",
        act=lambda payment, data: services.payment_claw_back(payment=payment, acting_user=request.user, amount=data["amount"], reason=data["reason"]),
        done="Claw-back recorded.",
    )


@permission_required(can_manage_payments)
@require_POST
def payment_release(request: HttpRequest, pk: int) -> HttpResponse:
    payment = selectors.get_payment_for_user(request, pk, write=True)
    try:
        services.payment_release(payment=payment, acting_user=request.user)
        messages.success(request, "Payment released: it is scheduled again.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("funding:payment_detail", pk=pk)


@permission_required(can_read_payments)
def agreement_payments(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk)
    return render(
        request,
        "funding/payments/agreement.html",
        {"agreement": agreement, "payments": list(selectors.agreement_payments(agreement)), "may_act": allowed(can_manage_payments, request.user)},
    )


@permission_required(can_manage_payments)
@require_POST
def agreement_payments_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk, write=True)
    try:
        created = services.payments_schedule(agreement=agreement, acting_user=request.user)
        if created:
            messages.success(request, f"{len(created)} payments scheduled.")
        else:
            messages.info(request, "The payments are already scheduled.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("funding:agreement_payments", pk=pk)


@permission_required(can_manage_payments)
def agreement_milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk, write=True)
    form = MilestoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_milestone_add(agreement=agreement, acting_user=request.user, **form.cleaned_data)
            messages.success(request, "Milestone payment added.")
            return redirect("funding:agreement_payments", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "funding/payments/milestone.html", {"agreement": agreement, "form": form})
