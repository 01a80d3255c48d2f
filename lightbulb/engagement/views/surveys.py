"""Surveys: officers write, send, follow, close and export them; organisations answer in the portal (or an officer records it for them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.outbox import messages_context
from lightbulb.core.rules import allowed
from lightbulb.engagement import exports
from lightbulb.engagement.forms import QuestionForm, SendSurveyForm, SurveyAnswerForm, SurveyForm
from lightbulb.engagement.rules import can_manage_surveys, can_read_surveys, can_record_survey_answer, can_use_portal_surveys
from lightbulb.engagement.selectors import surveys as selectors
from lightbulb.engagement.services import surveys as services


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@permission_required(can_read_surveys)
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys, sort, filter_form = exports.survey_rows(request)
    page = paginate(request, surveys)
    context = {
        "page": page,
        "pagination": pagination_params(request, page),
        "sort": sort,
        "filter_form": filter_form,
        "may_write": allowed(can_manage_surveys, request.user),
    }
    return render(request, "engagement/survey_list.html", context)


@permission_required(can_manage_surveys)
def survey_create(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(acting_user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Survey written. Add its questions, then send it.")
            return redirect("engagement:survey_detail", pk=survey.pk)
    return render(request, "engagement/survey_form.html", {"form": form})


@permission_required(can_manage_surveys)
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a survey's title, introduction and dates until it closes (its questions change only before it is sent)."""
    survey = selectors.survey_for_user(pk, request.user, write=True)
    initial = {
        "title": survey.title,
        "introduction": survey.introduction,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "version": survey.version,
    }
    form = SurveyForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(acting_user=request.user, survey=survey, data=form.cleaned_data, expected_version=form.expected_version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Survey saved.")
            return redirect("engagement:survey_detail", pk=survey.pk)
    return render(request, "engagement/survey_form.html", {"form": form, "survey": survey})


def _detail(request: HttpRequest, survey: Any, *, question_form: Any = None, send_form: Any = None, status: int = 200) -> HttpResponse:
    may_write = allowed(can_manage_surveys, request.user)
    context = {
        "survey": survey,
        "questions": selectors.questions(survey),
        "invitations": selectors.invitations(survey),
        "counts": selectors.invitation_counts(survey),
        "may_write": may_write,
        "may_record": allowed(can_record_survey_answer, request.user) and services.is_open(survey),
        "question_form": question_form or (QuestionForm() if may_write and survey.status == "draft" else None),
        "send_form": send_form or (SendSurveyForm() if may_write and survey.status != "closed" else None),
        **messages_context(request, survey),
    }
    return render(request, "engagement/survey_detail.html", context, status=status)


@permission_required(can_read_surveys)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.survey_for_user(pk, request.user))


@permission_required(can_manage_surveys)
@require_POST
def survey_question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_user(pk, request.user, write=True)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.survey_question_add(acting_user=request.user, survey=survey, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, default_field="text")
        else:
            messages.success(request, "Question added.")
            return redirect("engagement:survey_detail", pk=survey.pk)
    return _detail(request, survey, question_form=form, status=400)


@permission_required(can_manage_surveys)
@require_POST
def survey_question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_for_user(pk, request.user)
    try:
        services.survey_question_remove(acting_user=request.user, question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Question taken off the survey.")
    return redirect("engagement:survey_detail", pk=question.survey_id)


@permission_required(can_manage_surveys)
@require_POST
def survey_send(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_user(pk, request.user, write=True)
    form = SendSurveyForm(request.POST)
    if form.is_valid():
        try:
            sent = services.survey_send(acting_user=request.user, survey=survey, organisations=selectors.audience(form.cleaned_data["audience"]))
        except ValidationError as error:
            add_service_errors(form, error, default_field="audience")
        else:
            messages.success(request, f"Survey sent to {sent['sent']:,} organisation{'s' if sent['sent'] != 1 else ''} ({sent['already']:,} had it already).")
            if sent["posted"]:
                messages.warning(
                    request,
                    f"{sent['posted']:,} of them have no portal member and no e-mail address on record: print their letters "
                    "(under Messages to the organisation on this page) and post them.",
                )
            return redirect("engagement:survey_detail", pk=survey.pk)
    return _detail(request, survey, send_form=form, status=400)


@permission_required(can_manage_surveys)
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_user(pk, request.user, write=True)
    try:
        services.survey_close(acting_user=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Survey closed. It takes no more answers, and organisations that did not answer are no longer asked to.")
    return redirect("engagement:survey_detail", pk=survey.pk)


@permission_required(can_read_surveys)
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_user(pk, request.user)
    context = {"survey": survey, "results": selectors.results(survey), "counts": selectors.invitation_counts(survey)}
    return render(request, "engagement/survey_results.html", context)


def _answer_page(request: HttpRequest, pk: int, organisation_pk: int, *, done: str, back: Callable[[Any], HttpResponse]) -> HttpResponse:
    survey, organisation, existing = selectors.survey_to_answer(request, pk, organisation_pk)
    questions = selectors.questions(survey)
    initial: dict[str, Any] = {f"question_{key}": str(value) for key, value in (existing.answers if existing else {}).items()}
    initial["version"] = existing.version if existing else 0
    form = SurveyAnswerForm(_posted(request), initial=initial, questions=questions)
    if request.method == "POST" and form.is_valid():
        answers = dict(form.cleaned_data)
        expected_version = answers.pop("version", None)
        try:
            services.survey_answer(acting_user=request.user, survey=survey, organisation=organisation, answers=answers, expected_version=expected_version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return back(survey)
    context = {
        "form": form,
        "survey": survey,
        "organisation": organisation,
        "existing": existing,
        "is_open": services.is_open(survey),
        "on_behalf": allowed(can_record_survey_answer, request.user),
    }
    return render(request, "engagement/survey_answer.html", context)


@permission_required(can_record_survey_answer)
def survey_record(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """An officer records an organisation's answers on its behalf (by phone, on paper, at a meeting)."""
    return _answer_page(
        request,
        pk,
        organisation_pk,
        done="The organisation's answers are recorded, as given on its behalf.",
        back=lambda survey: redirect("engagement:survey_detail", pk=survey.pk),
    )


@permission_required(can_use_portal_surveys)
def portal_surveys(request: HttpRequest) -> HttpResponse:
    return render(request, "engagement/portal_surveys.html", {"rows": selectors.portal_surveys(selectors.request_user(request))})


@permission_required(can_use_portal_surveys)
def portal_survey_answer(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    return _answer_page(
        request,
        pk,
        organisation_pk,
        done="Your organisation's answers have been sent to the council.",
        back=lambda survey: redirect("engagement:portal_surveys"),
    )
