"""Reads for surveys: the list, one survey with who was sent it, its results, its export, the portal's and the deadlines."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.access import object_for_user
from lightbulb.core.registry import Deadline
from lightbulb.core.rules import allowed
from lightbulb.engagement.models import Engagement, QuestionKind, Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion
from lightbulb.engagement.rules import can_answer_survey, can_manage_surveys, can_read_surveys, can_record_survey_answer, can_use_portal_surveys
from lightbulb.funding.models import Agreement
from lightbulb.organisations.models import Organisation

SURVEY_SORTS = {"opens": ["opens_on", "id"], "closes": ["closes_on", "id"], "title": ["title", "id"]}
LIVE = ("awarded", "live", "under_review", "extended")
# Who a survey may be sent to, in words.
AUDIENCES = [
    ("funded", "Every organisation the council funds now (an agreement live today)"),
    ("engaged", "Every organisation in the engagement log in the last 12 months"),
    ("both", "Both of these"),
]


def survey_list(*, q: str = "", status: str = "") -> QuerySet[Survey]:
    surveys = Survey.objects.annotate(
        invited=Count("invitations", distinct=True), answered=Count("invitations", filter=Q(invitations__status="answered"), distinct=True)
    )
    if status in Survey.Status.values:
        surveys = surveys.filter(status=status)
    if q:
        surveys = surveys.filter(title__icontains=q)
    return surveys


def survey_for_user(pk: int, user: Any, *, write: bool = False) -> Survey:
    survey = Survey.objects.select_related("created_by").filter(pk=pk).first()
    return object_for_user(survey, user, read=can_read_surveys, write=can_manage_surveys if write else None, what="survey")


def question_for_user(pk: int, user: Any) -> SurveyQuestion:
    question = SurveyQuestion.objects.select_related("survey").filter(pk=pk).first()
    return object_for_user(question, user, read=can_read_surveys, write=can_manage_surveys, what="question")


def questions(survey: Survey) -> list[SurveyQuestion]:
    return list(survey.questions.all())


def invitations(survey: Survey) -> list[dict[str, Any]]:
    """Who was sent the survey, whether each answered, and how (in the portal or recorded by an officer)."""
    answers = {answer.organisation_id: answer for answer in SurveyAnswer.objects.filter(survey=survey).select_related("submitted_by")}
    rows = SurveyInvitation.objects.filter(survey=survey).select_related("organisation").order_by("organisation__name", "pk")
    return [{"invitation": invitation, "organisation": invitation.organisation, "answer": answers.get(invitation.organisation_id)} for invitation in rows]


def invitation_counts(survey: Survey) -> dict[str, int]:
    counts = dict(survey.invitations.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in SurveyInvitation.Status.values} | {"all": sum(counts.values())}


def audience(kind: str, today: datetime.date | None = None) -> list[Organisation]:
    """The organisations an audience names: funded now, in the engagement log in the last 12 months, or both."""
    today = today or timezone.localdate()
    ids: set[int] = set()
    if kind in ("funded", "both"):
        live = Agreement.objects.filter(status__in=LIVE, start_date__lte=today, end_date__gte=today)
        ids |= set(live.values_list("organisation_id", flat=True))
    if kind in ("engaged", "both"):
        recent = Engagement.objects.filter(held_on__gte=today - datetime.timedelta(days=365), organisations__isnull=False)
        ids |= set(recent.values_list("organisations", flat=True))
    return list(Organisation.objects.filter(pk__in=ids, archived_at__isnull=True).order_by("name"))


def _scale(question: SurveyQuestion, values: list[Any]) -> dict[str, Any]:
    counts = Counter(value for value in values if isinstance(value, int))
    total = sum(counts.values())
    mean = sum(number * count for number, count in counts.items()) / total if total else None
    return {"rows": [(str(number), counts.get(number, 0)) for number in range(1, 6)], "total": total, "mean": mean}


def _choice(question: SurveyQuestion, values: list[Any]) -> dict[str, Any]:
    counts = Counter(values)
    return {"rows": [(option, counts.get(option, 0)) for option in question.options], "total": sum(counts[option] for option in question.options)}


def results(survey: Survey) -> list[dict[str, Any]]:
    """Each question with its answers counted (a scale by number with its average, a choice by option) or listed (free text)."""
    answers = list(SurveyAnswer.objects.filter(survey=survey).select_related("organisation").order_by("organisation__name", "pk"))
    found = []
    for question in survey.questions.all():
        key = str(question.pk)
        if question.kind == QuestionKind.TEXT:
            texts = [(answer.organisation.name, answer.answers[key]) for answer in answers if answer.answers.get(key)]
            found.append({"question": question, "texts": texts, "total": len(texts)})
            continue
        values = [answer.answers[key] for answer in answers if key in answer.answers]
        counted = _scale(question, values) if question.kind == QuestionKind.SCALE else _choice(question, values)
        found.append({"question": question, **counted})
    return found


def export_rows(survey: Survey) -> QuerySet[SurveyAnswer]:
    return SurveyAnswer.objects.filter(survey=survey).select_related("organisation", "submitted_by").order_by("organisation__name", "pk")


# The portal


def request_user(request: HttpRequest) -> Any:
    return request.user


def portal_surveys(user: Any, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Open surveys sent to a member's organisations, with whether each has answered."""
    today = today or timezone.localdate()
    if not allowed(can_use_portal_surveys, user):
        return []
    invited = SurveyInvitation.objects.filter(
        organisation__memberships__user_id=user.pk, survey__status=Survey.Status.OPEN, survey__opens_on__lte=today, survey__closes_on__gte=today
    ).select_related("survey", "organisation")
    return [{"survey": row.survey, "organisation": row.organisation, "invitation": row} for row in invited.order_by("survey__closes_on", "organisation__name")]


def survey_to_answer(request: HttpRequest, pk: int, organisation_pk: int) -> tuple[Survey, Organisation, SurveyAnswer | None]:
    """A survey sent to the member's organisation (or, for an officer, to any organisation); 404 for anyone else."""
    user = request.user
    predicate = can_record_survey_answer if allowed(can_record_survey_answer, user) else can_answer_survey
    organisation = object_for_user(Organisation.objects.filter(pk=organisation_pk).first(), user, read=predicate, what="survey")
    survey = Survey.objects.filter(pk=pk, invitations__organisation_id=organisation.pk).first()
    if survey is None:
        raise Http404("No such survey")
    return survey, organisation, SurveyAnswer.objects.filter(survey=survey, organisation=organisation).first()


def waiting_count(user: Any, today: datetime.date | None = None) -> int:
    """Surveys a member's organisations have not answered yet and that are open now."""
    return sum(1 for row in portal_surveys(user, today) if row["invitation"].status == SurveyInvitation.Status.DUE)


def survey_deadlines(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Deadline]:
    """For a member: each open survey their organisations have not answered, due on its closing date.

    A survey past its closing date takes no answers, so it is due for no one (never overdue), even before the daily duty closes it.
    """
    if not allowed(can_use_portal_surveys, user):
        return []
    today = timezone.localdate()
    due = SurveyInvitation.objects.filter(
        organisation__memberships__user_id=user.pk,
        status=SurveyInvitation.Status.DUE,
        survey__status=Survey.Status.OPEN,
        survey__closes_on__gte=max(start, today),
        survey__closes_on__lte=end,
    ).select_related("survey", "organisation")
    return [
        Deadline(
            date=row.survey.closes_on,
            title=f"Survey to answer for {row.organisation.name}: {row.survey.title}",
            url=reverse("engagement:portal_survey_answer", kwargs={"pk": row.survey_id, "organisation_pk": row.organisation_id}),
            kind="Survey",
            overdue=False,
        )
        for row in due.order_by("survey__closes_on", "pk")
    ]
