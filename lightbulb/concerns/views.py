"""Concerns: raising (staff, public, portal), the investigator's register and action ladder, counter-fraud figures, the access log.

Every page showing a concern writes an entry to the hash-chained access log before it renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from lightbulb.accounts.protection import client_ip, rate_limit_exceeded
from lightbulb.concerns import exports, selectors, services
from lightbulb.concerns.chain import access_log_verify, settings_row
from lightbulb.concerns.forms import (
    CloseForm,
    CounterFraudYearForm,
    EvidenceForm,
    FindOrganisationForm,
    NoteForm,
    PortalConcernForm,
    PublicConcernForm,
    SettingsForm,
    StaffConcernForm,
    StatusCheckForm,
    StepForm,
    TriageForm,
)
from lightbulb.concerns.rules import (
    can_manage_concern_settings,
    can_manage_concerns,
    can_raise_concern,
    can_raise_concern_in_portal,
    can_read_concerns,
    can_read_counter_fraud,
)
from lightbulb.core.access import permission_required, public
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params


def _over_limit(request: HttpRequest, scope: str, address: str = "") -> bool:
    """The public pages have no CAPTCHA: like sign-up, each client (behind the council's proxies) and each
    e-mail address may ask only so often an hour (accounts.protection, shared by every process)."""
    return rate_limit_exceeded(scope=scope, client=client_ip(request), address=address[:254])


# --- raising -----------------------------------------------------------------------------------


@permission_required(can_raise_concern)
def concern_raise(request: HttpRequest) -> HttpResponse:
    form = StaffConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_raise(acting_user=request.user, answers=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Concern {concern.reference} raised. The council's investigators will look at it by {concern.triage_due:%-d %B %Y}.")
            return redirect("core:home")
    return render(request, "concerns/raise.html", {"form": form, "title": "Raise a concern about an organisation", "portal": False})


@permission_required(can_raise_concern_in_portal)
def portal_raise(request: HttpRequest) -> HttpResponse:
    organisations = selectors.member_organisation_choices(request.user)
    form = PortalConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation_id = organisations[0][0] if organisations else None
        try:
            organisation = selectors.organisation_get(organisation_id)
            concern = services.concern_raise_for_organisation(acting_user=request.user, organisation=organisation, answers=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Concern {concern.reference} raised. The council's investigators will look at it by {concern.triage_due:%-d %B %Y}.")
            return redirect("core:home")
    context = {"form": form, "title": "Raise a concern about an organisation", "portal": True, "has_organisation": bool(organisations)}
    return render(request, "concerns/raise.html", context)


@public
def public_report(request: HttpRequest) -> HttpResponse:
    form = PublicConcernForm(request.POST or None)
    if request.method == "POST":
        if _over_limit(request, "concern_report", str(request.POST.get("reporter_email", ""))):
            return render(request, "concerns/public_busy.html", status=429)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                # Filled in the box people cannot see: a program, not a person. It is told nothing different.
                return render(request, "concerns/public_reported.html", {"reference": "", "code": ""})
            try:
                concern, code = services.concern_report_public(answers=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return render(request, "concerns/public_reported.html", {"reference": concern.reference, "code": code, "triage_due": concern.triage_due})
    return render(request, "concerns/public_report.html", {"form": form})


@public
def public_status(request: HttpRequest) -> HttpResponse:
    form = StatusCheckForm(request.POST or None)
    status = None
    not_found = False
    if request.method == "POST":
        if _over_limit(request, "concern_status"):
            return render(request, "concerns/public_busy.html", status=429)
        if form.is_valid():
            status = services.concern_status_for_reporter(reference=form.cleaned_data["reference"], code=form.cleaned_data["code"])
            not_found = status is None
    return render(request, "concerns/public_status.html", {"form": form, "status": status, "not_found": not_found})


# --- the investigator's register ----------------------------------------------------------------


@permission_required(can_read_concerns)
def concern_list(request: HttpRequest) -> HttpResponse:
    concerns, filter_form = exports.concern_rows(request)
    page = paginate(request, concerns)
    services.access_log_list_viewed(acting_user=request.user)
    context = {"filter_form": filter_form, "page": page, "pagination": pagination_params(request, page), "today": timezone.localdate()}
    return render(request, "concerns/list.html", context)


@permission_required(can_read_concerns)
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.get_concern_for_user(request, pk)
    services.concern_view_record(acting_user=request.user, concern=concern, what="the concern's page")
    context = {
        "concern": concern,
        "notes": selectors.concern_notes(concern),
        "evidence": selectors.concern_evidence(concern),
        "steps": selectors.concern_steps(concern),
        "payments": selectors.agreement_payments_summary(concern),
        "log": selectors.access_log_for(concern)[:20],
        "today": timezone.localdate(),
    }
    return render(request, "concerns/detail.html", context)


def _concern_form(
    request: HttpRequest, pk: int, form_class: type[Any], heading: str, act: Any, *, form_kwargs: Any = None, files: bool = False, extra: Any = None
) -> HttpResponse:
    """One form page for a concern: the form, the service, back to the concern."""
    concern = selectors.get_concern_for_user(request, pk, write=True)
    services.concern_view_record(acting_user=request.user, concern=concern, what=heading.lower())
    kwargs = form_kwargs(concern) if form_kwargs else {}
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted and files else None, **kwargs)
    if posted and form.is_valid():
        try:
            act(concern, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{heading}: saved.")
            return redirect("concerns:detail", pk=concern.pk)
    context = {"form": form, "concern": concern, "heading": heading, "files": files, **(extra(concern) if extra else {})}
    return render(request, "concerns/form.html", context)


def _find_text(request: HttpRequest, concern: Any) -> str:
    """What to look for on the register: the investigator's search, else the name the reporter gave."""
    return (request.GET.get("find") or concern.subject_name)[:200]


@permission_required(can_manage_concerns)
def concern_triage(request: HttpRequest, pk: int) -> HttpResponse:
    def kwargs(concern: Any) -> dict[str, Any]:
        organisations = selectors.organisation_candidates(_find_text(request, concern), include=concern.organisation_id)
        return {
            "organisations": organisations,
            "agreements": selectors.agreement_choices([pk for pk, _ in organisations]),
            "initial": {"organisation": concern.organisation_id, "agreement": concern.agreement_id},
        }

    def act(concern: Any, form: Any) -> None:
        services.concern_triage(acting_user=request.user, concern=concern, answers=form.cleaned_data)

    def extra(concern: Any) -> dict[str, Any]:
        return {"find_form": FindOrganisationForm(initial={"find": _find_text(request, concern)})}

    return _concern_form(request, pk, TriageForm, "Triage", act, form_kwargs=kwargs, extra=extra)


@permission_required(can_manage_concerns)
def concern_note(request: HttpRequest, pk: int) -> HttpResponse:
    def act(concern: Any, form: Any) -> None:
        services.concern_note_add(acting_user=request.user, concern=concern, answers=form.cleaned_data)

    return _concern_form(request, pk, NoteForm, "Investigation note", act)


@permission_required(can_manage_concerns)
def concern_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    def act(concern: Any, form: Any) -> None:
        services.concern_evidence_add(acting_user=request.user, concern=concern, upload=form.cleaned_data["file"], description=form.cleaned_data["description"])

    return _concern_form(request, pk, EvidenceForm, "Evidence", act, files=True)


@permission_required(can_read_concerns)
def concern_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    concern = selectors.get_concern_for_user(request, pk)
    evidence = selectors.evidence_get(concern, evidence_pk)
    if evidence is None:
        from django.http import Http404

        raise Http404("No such file")
    services.concern_view_record(acting_user=request.user, concern=concern, what=f"evidence: {evidence.original_name}")
    with evidence.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=evidence.original_name)
    return response


@permission_required(can_manage_concerns)
def concern_step(request: HttpRequest, pk: int) -> HttpResponse:
    def kwargs(concern: Any) -> dict[str, Any]:
        return {"payments": selectors.paid_payment_choices(concern)}

    def act(concern: Any, form: Any) -> None:
        services.concern_step_take(acting_user=request.user, concern=concern, answers=form.answers())

    return _concern_form(request, pk, StepForm, "Action ladder step", act, form_kwargs=kwargs)


@permission_required(can_manage_concerns)
def concern_close(request: HttpRequest, pk: int) -> HttpResponse:
    def act(concern: Any, form: Any) -> None:
        services.concern_close(acting_user=request.user, concern=concern, outcome=form.cleaned_data["outcome"])

    return _concern_form(request, pk, CloseForm, "Close the concern", act)


@permission_required(can_read_concerns)
def access_log(request: HttpRequest) -> HttpResponse:
    report = access_log_verify()
    services.access_log_list_viewed(acting_user=request.user, what="the access log")
    return render(request, "concerns/access_log.html", {"report": report, "entries": selectors.access_log_recent()})


@permission_required(can_read_counter_fraud)
def counter_fraud(request: HttpRequest) -> HttpResponse:
    years = selectors.counter_fraud_years()
    requested = request.GET.get("year", "")
    year = int(requested) if requested.isdigit() and int(requested) in years else years[0]
    record = selectors.counter_fraud_year_get(year)
    initial = {name: getattr(record, name) for name in ("employees_fte", "accredited_specialists", "accredited_fte", "other_costs")} if record else {}
    form = CounterFraudYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.counter_fraud_year_save(acting_user=request.user, year=year, answers=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The team's figures are saved.")
            return redirect(f"{request.path}?year={year}")
    figures = selectors.counter_fraud_figures(year)
    return render(
        request, "concerns/counter_fraud.html", {"figures": figures, "rows": list(figures.as_row().items()), "years": years, "year": year, "form": form}
    )


@permission_required(can_manage_concern_settings)
def concern_settings(request: HttpRequest) -> HttpResponse:
    row = settings_row()
    form = SettingsForm(request.POST or None, initial={"triage_days": row.triage_days, "version": row.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_settings_update(acting_user=request.user, triage_days=form.cleaned_data["triage_days"], expected_version=form.expected_version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The time to triage a concern is saved.")
            return redirect("concerns:settings")
    return render(request, "concerns/settings.html", {"form": form, "appetites": selectors.appetite_rows()})
