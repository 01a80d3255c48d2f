"""Monitoring returns: the council's lists and review, and the portal where organisations submit them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from lightbulb.core.access import roles_required
from lightbulb.core.exports import EXPORT_FORMATS, Column, export_response
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params, sort_queryset
from lightbulb.core.roles import Role
from lightbulb.funding.forms.returns import ReturnFilterForm, ReturnReviewForm, ReturnSubmitForm
from lightbulb.funding.selectors import returns as selectors
from lightbulb.funding.services import returns as services

READERS = selectors.READERS

EXPORT_COLUMNS = [
    Column("Agreement", lambda r: r.agreement.reference),
    Column("Agreement title", lambda r: r.agreement.title),
    Column("Organisation", lambda r: r.agreement.organisation.name),
    Column("Accountable officer", lambda r: r.agreement.accountable_officer.display_name),
    Column("Period start", lambda r: r.period_start),
    Column("Period end", lambda r: r.period_end),
    Column("Due date", lambda r: r.due_date),
    Column("Status", lambda r: r.get_status_display()),
    Column("Overdue", lambda r: r.is_overdue),
    Column("Submitted", lambda r: r.submitted_at),
    Column("Reviewed", lambda r: r.reviewed_at),
]


@roles_required(*READERS)
def return_list(request: HttpRequest) -> HttpResponse:
    form = ReturnFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    filters = selectors.ReturnFilters(**form.filters(), user_id=request.user.pk)
    returns, sort = sort_queryset(request, selectors.return_list(filters), selectors.RETURN_SORTS, "due")
    fmt = request.GET.get("format", "")
    if fmt in EXPORT_FORMATS:
        return export_response(rows=returns.iterator(chunk_size=2000), columns=EXPORT_COLUMNS, filename="monitoring-returns", fmt=fmt)  # type: ignore[return-value]
    page = paginate(request, returns)
    return render(request, "funding/returns/list.html", {"form": form, "page": page, "pagination": pagination_params(request, page), "sort": sort})


@roles_required(*READERS)
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    monitoring_return = selectors.get_return_for_user(request, pk)
    return render(request, "funding/returns/detail.html", {"item": monitoring_return, "may_act": selectors.may_act(request)})


@roles_required(Role.OFFICER)
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
            return redirect("funding:return_detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "funding/returns/review.html", {"item": monitoring_return, "form": form})


@roles_required(*READERS)
def return_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    monitoring_return = selectors.get_return_for_user(request, pk)
    return _file(selectors.attachment_get(monitoring_return, attachment_pk))


def _file(attachment: Any) -> HttpResponse:
    # Always a download with the type we sniffed, never rendered in the page's origin (files are 10 MB at most).
    with attachment.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.original_name)
    return response


@roles_required(*READERS)
def agreement_returns(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk)
    return render(
        request,
        "funding/returns/agreement.html",
        {"agreement": agreement, "returns": list(selectors.agreement_returns(agreement)), "may_act": selectors.may_act(request)},
    )


@roles_required(Role.OFFICER)
@require_POST
def agreement_returns_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_user(request, pk, write=True)
    created = services.returns_schedule(agreement=agreement, acting_user=request.user)
    if created:
        messages.success(request, f"{len(created)} monitoring return{'' if len(created) == 1 else 's'} scheduled.")
    else:
        messages.info(request, "Every return the reporting schedule calls for already exists.")
    return redirect("funding:agreement_returns", pk=pk)


# --- the portal ---------------------------------------------------------------------------


@roles_required(Role.VCS)
def portal_returns(request: HttpRequest) -> HttpResponse:
    agreements = list(selectors.portal_agreements(selectors.request_user(request)))
    return render(request, "funding/returns/portal_home.html", {"agreements": agreements})


@roles_required(Role.VCS)
def portal_return(request: HttpRequest, pk: int) -> HttpResponse:
    monitoring_return = selectors.get_portal_return(request, pk)
    open_for_submission = monitoring_return.status in services.SUBMITTABLE
    conditions = list(selectors.measured_conditions(monitoring_return.agreement))
    form = ReturnSubmitForm(request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None, conditions=conditions)
    if request.method == "POST":
        if not open_for_submission:
            messages.error(request, f"This return is already {monitoring_return.get_status_display().lower()}: it cannot be submitted again.")
            return redirect("funding:portal_return", pk=pk)
        if form.is_valid():
            try:
                services.return_submit(
                    monitoring_return=monitoring_return,
                    acting_user=request.user,
                    figures=form.figures(),
                    narrative=form.cleaned_data["narrative"],
                    attachments=form.cleaned_data["attachments"],
                )
                messages.success(request, "Return submitted. A council officer will review it.")
                return redirect("funding:portal_return", pk=pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return render(request, "funding/returns/portal_return.html", {"item": monitoring_return, "form": form, "open_for_submission": open_for_submission})


@roles_required(Role.VCS)
def portal_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    monitoring_return = selectors.get_portal_return(request, pk)
    return _file(selectors.attachment_get(monitoring_return, attachment_pk))
