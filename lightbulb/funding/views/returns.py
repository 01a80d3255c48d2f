"""Monitoring returns: the council's lists and review, and the portal where organisations submit them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from lightbulb.core import outbox
from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.page_cache import kept_page
from lightbulb.funding import exports
from lightbulb.funding.forms.returns import ReturnReviewForm, ReturnSubmitForm
from lightbulb.funding.rules import can_enter_returns, can_read_return_files, can_read_returns, can_review_returns, can_schedule_returns, can_use_portal_returns
from lightbulb.funding.selectors import returns as selectors
from lightbulb.funding.selectors.agreements import get_agreement_for_user
from lightbulb.funding.services import returns as services


@permission_required(can_read_returns)
@kept_page
def return_list(request: HttpRequest) -> HttpResponse:
    returns, sort, form = exports.return_rows(request)
    page = paginate(request, selectors.return_list_columns(returns))
    return render(request, "funding/returns/list.html", {"form": form, "page": page, "pagination": pagination_params(request, page), "sort": sort})


@permission_required(can_read_returns)
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    monitoring_return = selectors.get_return_for_user(request, pk)
    context = {
        "item": monitoring_return,
        "may_act": selectors.may_act(request),
        "see_submitter": selectors.may_see_submitter(request, monitoring_return),
        **outbox.messages_context(request, monitoring_return),
    }
    return render(request, "funding/returns/detail.html", context)


@permission_required(can_review_returns)
def return_review(request: HttpRequest, pk: int) -> HttpResponse:
    monitoring_return = selectors.get_return_for_user(request, pk, write=True)
    form = ReturnReviewForm(request.POST if request.method == "POST" else None)
    if monitoring_return.status != monitoring_return.Status.SUBMITTED:
        messages.info(request, f"This return is {monitoring_return.get_status_display().lower()}: only a submitted return can be reviewed.")
        return redirect("funding:return_detail", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == ReturnReviewForm.ACCEPT:
                services.return_accept(monitoring_return=monitoring_return, acting_user=request.user, note=form.cleaned_data["note"])
                messages.success(request, "Return accepted.")
            else:
                services.return_query(monitoring_return=monitoring_return, acting_user=request.user, note=form.cleaned_data["note"])
                messages.success(request, "Return queried. The organisation can now answer and submit it again.")
                outbox.report_delivery(request, monitoring_return)
            return redirect("funding:return_detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "funding/returns/review.html", {"item": monitoring_return, "form": form})


@permission_required(can_read_return_files)
def return_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    monitoring_return = selectors.get_return_for_user(request, pk)
    if not selectors.may_see_submitter(request, monitoring_return):
        raise PermissionDenied("The files an organisation sent with a return are not shown to councillors.")
    return _file(selectors.attachment_get(monitoring_return, attachment_pk))


def _file(attachment: Any) -> HttpResponse:
    # Always a download with the type we sniffed, never rendered in the page's origin (files are 10 MB at most).
    with attachment.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.original_name)
    return response


@permission_required(can_read_returns)
def agreement_returns(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk)
    return render(
        request,
        "funding/returns/agreement.html",
        {"agreement": agreement, "returns": list(selectors.agreement_returns(agreement)), "may_act": selectors.may_act(request)},
    )


@permission_required(can_schedule_returns)
@require_POST
def agreement_returns_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk, write=True)
    created = services.returns_schedule(agreement=agreement, acting_user=request.user)
    if created:
        messages.success(request, f"{len(created)} monitoring return{'' if len(created) == 1 else 's'} scheduled.")
    else:
        messages.info(request, "Every return the reporting schedule calls for already exists.")
    return redirect("funding:agreement_returns", pk=pk)


# --- the portal ---------------------------------------------------------------------------


@permission_required(can_use_portal_returns)
def portal_returns(request: HttpRequest) -> HttpResponse:
    agreements = list(selectors.portal_agreements(selectors.request_user(request)))
    return render(request, "funding/returns/portal_home.html", {"agreements": agreements})


def _submit_page(request: HttpRequest, monitoring_return: Any, *, template: str, done_url: str, done: str) -> HttpResponse:
    """The return form, for the organisation in the portal or an officer entering what arrived by post or e-mail."""
    open_for_submission = monitoring_return.status in services.SUBMITTABLE
    conditions = list(selectors.measured_conditions(monitoring_return.agreement))
    posted = request.method == "POST"
    form = ReturnSubmitForm(
        request.POST if posted else None, request.FILES if posted else None, conditions=conditions, initial=ReturnSubmitForm.initial_for(monitoring_return)
    )
    if posted:
        if not open_for_submission:
            messages.error(request, f"This return is already {monitoring_return.get_status_display().lower()}: it cannot be submitted again.")
            return redirect(done_url)
        if form.is_valid():
            try:
                services.return_submit(
                    monitoring_return=monitoring_return,
                    acting_user=request.user,
                    figures=form.figures(),
                    narrative=form.cleaned_data["narrative"],
                    attachments=form.cleaned_data["attachments"],
                )
                messages.success(request, done)
                return redirect(done_url)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return render(request, template, {"item": monitoring_return, "form": form, "open_for_submission": open_for_submission})


@permission_required(can_use_portal_returns)
def portal_return(request: HttpRequest, pk: int) -> HttpResponse:
    monitoring_return = selectors.get_portal_return(request, pk)
    done_url = reverse("funding:portal_return", kwargs={"pk": pk})
    return _submit_page(
        request, monitoring_return, template="funding/returns/portal_return.html", done_url=done_url, done="Return submitted. A council officer will review it."
    )


@permission_required(can_enter_returns)
def return_record(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer enters a return that arrived by post or e-mail, marked as entered by the council, with the document."""
    monitoring_return = selectors.get_return_for_user(request, pk, write=True)
    done_url = reverse("funding:return_detail", kwargs={"pk": pk})
    return _submit_page(
        request,
        monitoring_return,
        template="funding/returns/record.html",
        done_url=done_url,
        done="Return entered for the organisation. You or another officer can now review it.",
    )


@permission_required(can_use_portal_returns)
def portal_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    monitoring_return = selectors.get_portal_return(request, pk)
    return _file(selectors.attachment_get(monitoring_return, attachment_pk))
