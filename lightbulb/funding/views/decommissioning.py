"""Decommissioning pages: the officer's journey to a written notice, the response, and completion."""

from __future__ import annotations

import datetime
import os
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from lightbulb.core import outbox
from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.history import render_history
from lightbulb.core.rules import allowed
from lightbulb.funding import pdf
from lightbulb.funding.forms.decommissioning import (
    ConsiderationForm,
    ExitForm,
    ImpactForm,
    LessonsForm,
    NoticeForm,
    ReasonsForm,
    RecordedResponseForm,
    ResponseForm,
)
from lightbulb.funding.rules import (
    can_decommission,
    can_open_notice_letters,
    can_read_decommissioning,
    can_record_notice_response,
    can_see_who_responded,
    can_use_portal_notices,
)
from lightbulb.funding.selectors import decommissioning as selectors
from lightbulb.funding.services import decommissioning as services
from lightbulb.funding.services.returns import ATTACHMENT_TYPES

DATE_FIELDS = ("outside_date", "funding_end_date", "response_due_date")
TOLD_LABELS = dict(selectors.TOLD_CHOICES)

# The journey's pages in order: url name suffix, form, heading.
STEPS: list[tuple[str, type[forms.Form], str]] = [
    ("reasons", ReasonsForm, "Why the funding is ending"),
    ("impact", ImpactForm, "Impact assessment"),
    ("exit", ExitForm, "Mitigations and exit plan"),
    ("notice", NoticeForm, "The written notice"),
]


def _session_key(agreement_pk: int) -> str:
    return f"decommissioning:{agreement_pk}"


def _answers(request: HttpRequest, agreement_pk: int) -> dict[str, Any]:
    """The answers typed so far, with dates as dates."""
    stored = dict(request.session.get(_session_key(agreement_pk), {}))
    for name in DATE_FIELDS:
        if stored.get(name):
            stored[name] = datetime.date.fromisoformat(stored[name])
    return stored


def _save_answers(request: HttpRequest, agreement_pk: int, cleaned: dict[str, Any]) -> None:
    stored = dict(request.session.get(_session_key(agreement_pk), {}))
    for name, value in cleaned.items():
        stored[name] = value.isoformat() if isinstance(value, datetime.date) else value
    request.session[_session_key(agreement_pk)] = stored


def _missing_step(answers: dict[str, Any]) -> str | None:
    for name, form_class, _ in STEPS:
        if any(field not in answers for field in form_class.base_fields):
            return name
    return None


def agreement_url(agreement: Any) -> str | None:
    try:
        return reverse("funding:agreement_detail", kwargs={"pk": agreement.pk})
    except NoReverseMatch:
        return None


def _already_started(request: HttpRequest, agreement: Any) -> HttpResponse | None:
    existing = selectors.decommissioning_for_agreement(agreement)
    if existing is not None and existing.stage != existing.Stage.DRAFT:
        messages.info(request, "A notice has already been issued for this agreement.")
        return redirect("funding:decommissioning_detail", pk=existing.pk)
    if agreement.status not in selectors.DECOMMISSIONABLE:
        messages.info(request, f"An agreement that is {agreement.get_status_display().lower()} cannot be decommissioned. It must be live or under review.")
        return redirect(agreement_url(agreement) or "core:home")
    return None


def _step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    agreement = selectors.get_agreement_for_decommissioning(request, pk)
    blocked = _already_started(request, agreement)
    if blocked:
        return blocked
    index = [name for name, _, _ in STEPS].index(step)
    _, form_class, heading = STEPS[index]
    answers = _answers(request, pk)
    form = form_class(request.POST or None, initial=answers)
    if request.method == "POST" and form.is_valid():
        _save_answers(request, pk, form.cleaned_data)
        if request.GET.get("return") == "check" or index == len(STEPS) - 1:
            return redirect("funding:decommission_check", pk=pk)
        return redirect(f"funding:decommission_{STEPS[index + 1][0]}", pk=pk)
    back = reverse(f"funding:decommission_{STEPS[index - 1][0]}", kwargs={"pk": pk}) if index else agreement_url(agreement)
    context = {"form": form, "agreement": agreement, "heading": heading, "step": step, "step_number": index + 1, "step_count": len(STEPS), "back_url": back}
    return render(request, "funding/decommissioning/step.html", context)


@permission_required(can_decommission)
def decommission_reasons(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "reasons")


@permission_required(can_decommission)
def decommission_impact(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "impact")


@permission_required(can_decommission)
def decommission_exit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "exit")


@permission_required(can_decommission)
def decommission_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "notice")


def _check_rows(answers: dict[str, Any], pk: int) -> list[dict[str, Any]]:
    rows = []
    for step, form_class, heading in STEPS:
        change = reverse(f"funding:decommission_{step}", kwargs={"pk": pk}) + "?return=check"
        for name, field in form_class.base_fields.items():
            value = answers.get(name)
            if name == "told":
                value = TOLD_LABELS.get(value or selectors.TOLD_NOW, value)
            elif name.startswith("outside_") and answers.get("told") != selectors.TOLD_OUTSIDE:
                continue
            if isinstance(value, datetime.date):
                value = f"{value:%-d %B %Y}"
            rows.append({"label": str(field.label), "value": value or "None", "href": change, "section": heading, "name": name})
    return rows


@permission_required(can_decommission)
def decommission_check(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.get_agreement_for_decommissioning(request, pk)
    blocked = _already_started(request, agreement)
    if blocked:
        return blocked
    answers = _answers(request, pk)
    missing = _missing_step(answers)
    if missing:
        return redirect(f"funding:decommission_{missing}", pk=pk)
    error = ""
    letter_error = ""
    outside = answers.get("told") == selectors.TOLD_OUTSIDE
    if request.method == "POST":
        try:
            portal_url = request.build_absolute_uri(reverse("funding:portal_notices"))
            decommissioning = services.decommissioning_issue_notice(
                acting_user=request.user, agreement=agreement, answers=answers, portal_url=portal_url, outside_letter=request.FILES.get("outside_letter")
            )
        except ValidationError as exc:
            problems = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            letter_error = " ".join(problems.pop("outside_letter", []))
            error = " ".join(message for messages_ in problems.values() for message in messages_)
        else:
            request.session.pop(_session_key(pk), None)
            messages.success(
                request, f"Notice issued to {agreement.organisation.name}. Their response is due by {decommissioning.response_due_date:%-d %B %Y}."
            )
            if not decommissioning.notice_sent_outside:
                outbox.report_delivery(request, decommissioning)
            return redirect("funding:decommissioning_detail", pk=decommissioning.pk)
    notice_date = answers.get("outside_date") if outside else timezone.localdate()
    if not isinstance(notice_date, datetime.date):
        return redirect("funding:decommission_notice", pk=pk)
    context = {
        "agreement": agreement,
        "rows": _check_rows(answers, pk),
        "error": error,
        "letter_error": letter_error,
        "outside": outside,
        "notice_date": notice_date,
        "short_notice": selectors.is_short_notice(notice_date, answers["funding_end_date"]),
        "gap": selectors.describe_gap(notice_date, answers["funding_end_date"]),
        "back_url": reverse("funding:decommission_notice", kwargs={"pk": pk}),
    }
    return render(request, "funding/decommissioning/check.html", context)


@permission_required(can_read_decommissioning)
def decommissioning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decommissioning = selectors.get_decommissioning_for_user(request, pk)
    today = timezone.localdate()
    context = {
        "decommissioning": decommissioning,
        "agreement": decommissioning.agreement,
        "agreement_url": agreement_url(decommissioning.agreement),
        "may_write": allowed(can_decommission, request.user),
        "see_names": allowed(can_see_who_responded, request.user),
        "may_consider": selectors.may_consider(decommissioning, today),
        "may_complete": selectors.may_complete(decommissioning, today),
        "window_open": selectors.response_window_open(decommissioning, today),
        "lapsed": selectors.response_lapsed(decommissioning, today),
        "short_notice": bool(decommissioning.notice_date) and selectors.is_short_notice(decommissioning.notice_date, decommissioning.funding_end_date),  # type: ignore[arg-type]
        "gap": selectors.describe_gap(decommissioning.notice_date, decommissioning.funding_end_date) if decommissioning.notice_date else "",
        **outbox.messages_context(request, decommissioning),
    }
    return render(request, "funding/decommissioning/detail.html", context)


def _record_step(request: HttpRequest, pk: int, *, form_class: type[forms.Form], service: Any, field: str, heading: str, done: str) -> HttpResponse:
    decommissioning = selectors.get_decommissioning_for_user(request, pk, write=True)
    form = form_class(request.POST or None, initial={field: getattr(decommissioning, field)})
    if request.method == "POST" and form.is_valid():
        try:
            service(acting_user=request.user, decommissioning=decommissioning, **{"text" if field != "lessons_learned" else field: form.cleaned_data[field]})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("funding:decommissioning_detail", pk=pk)
    context = {"form": form, "decommissioning": decommissioning, "agreement": decommissioning.agreement, "heading": heading}
    return render(request, "funding/decommissioning/record.html", context)


@permission_required(can_record_notice_response)
def decommissioning_record_response(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer enters the organisation's response that arrived by post or e-mail, with the letter."""
    decommissioning = selectors.get_decommissioning_for_user(request, pk, write=True)
    posted = request.method == "POST"
    form = RecordedResponseForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            services.decommissioning_respond(
                acting_user=request.user,
                decommissioning=decommissioning,
                text=form.cleaned_data["organisation_response"],
                received_on=form.cleaned_data["received_on"],
                letter=form.cleaned_data["letter"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The organisation's response is recorded. Record next how it was considered.")
            return redirect("funding:decommissioning_detail", pk=pk)
    context = {
        "form": form,
        "decommissioning": decommissioning,
        "agreement": decommissioning.agreement,
        "heading": "Enter a response received by post or e-mail",
    }
    return render(request, "funding/decommissioning/record.html", context)


@permission_required(can_see_who_responded)
def decommissioning_response_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The response that arrived by post or e-mail, as it arrived (not for councillors: it names people)."""
    decommissioning = selectors.get_decommissioning_for_user(request, pk)
    if not decommissioning.response_letter:
        raise Http404("No response letter")
    return _stored_file(decommissioning.response_letter)


@permission_required(can_decommission)
def decommissioning_consider(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_step(
        request,
        pk,
        form_class=ConsiderationForm,
        service=services.decommissioning_consider,
        field="response_consideration",
        heading="Record how the response was considered",
        done="How the response was considered is recorded.",
    )


@permission_required(can_decommission)
def decommissioning_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_step(
        request,
        pk,
        form_class=LessonsForm,
        service=services.decommissioning_complete,
        field="lessons_learned",
        heading="Lessons learned and completion",
        done="Decommissioning complete. The agreement is now decommissioned.",
    )


@permission_required(can_read_decommissioning)
def decommissioning_history(request: HttpRequest, pk: int) -> HttpResponse:
    decommissioning = selectors.get_decommissioning_for_user(request, pk)
    return render_history(request, obj=decommissioning, title=str(decommissioning), back_url=reverse("funding:decommissioning_detail", kwargs={"pk": pk}))


def _outside_letter(decommissioning: Any) -> HttpResponse:
    """The letter that was actually sent, as it was attached."""
    return _stored_file(decommissioning.outside_letter)


def _stored_file(stored: Any) -> HttpResponse:
    """A file as it was attached: always a download with a type from its checked name, never shown in the page's origin."""
    name = os.path.basename(stored.name)
    content_type = ATTACHMENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
    with stored.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@permission_required(can_open_notice_letters)
def decommissioning_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    decommissioning = selectors.get_notice_for_download(request, pk)
    if decommissioning.notice_sent_outside and decommissioning.outside_letter:
        return _outside_letter(decommissioning)
    portal_url = request.build_absolute_uri(reverse("funding:portal_notices"))
    response = HttpResponse(pdf.notice_letter_pdf(decommissioning, portal_url=portal_url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.notice_letter_filename(decommissioning)}"'
    return response


@permission_required(can_use_portal_notices)
def portal_notices(request: HttpRequest) -> HttpResponse:
    notices = selectors.notices_for_member(request.user)
    return render(request, "funding/decommissioning/portal_list.html", {"notices": notices, "today": timezone.localdate()})


@permission_required(can_use_portal_notices)
def portal_notice(request: HttpRequest, pk: int) -> HttpResponse:
    decommissioning = selectors.get_notice_for_member(request, pk)
    today = timezone.localdate()
    window_open = selectors.response_window_open(decommissioning, today)
    form = ResponseForm(request.POST or None, initial={"organisation_response": decommissioning.organisation_response})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.decommissioning_respond(
                    acting_user=request.user, decommissioning=decommissioning, text=form.cleaned_data["organisation_response"], today=today
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Your response has been sent to the council.")
                return redirect("funding:portal_notice", pk=pk)
    context = {"form": form, "decommissioning": decommissioning, "agreement": decommissioning.agreement, "window_open": window_open}
    return render(request, "funding/decommissioning/portal_notice.html", context)
