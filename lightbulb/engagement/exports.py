"""Engagement's lists, shared by each page and its CSV or XLSX download (core.exports): the flags, the
sector's relationship health by quarter, the surveys, and a member's open surveys."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from lightbulb.core.exports import Column
from lightbulb.core.lists import Sort, sort_queryset
from lightbulb.core.registry import ExportList, registry
from lightbulb.engagement.forms import EngagementFilterForm, FlagFilterForm, SurveyFilterForm
from lightbulb.engagement.rules import can_manage_themes, can_read_engagement, can_read_flags, can_read_health, can_read_surveys, can_use_portal_surveys
from lightbulb.engagement.selectors import flags as flag_selectors
from lightbulb.engagement.selectors import health as health_selectors
from lightbulb.engagement.selectors import log as log_selectors
from lightbulb.engagement.selectors import surveys as survey_selectors

ENGAGEMENT_COLUMNS = [
    Column("Date", lambda item: item.held_on),
    Column("Engagement", lambda item: item.title),
    Column("Kind", lambda item: item.get_kind_display()),
    Column("Ward", lambda item: item.ward.name if item.ward else ""),
    Column("Organisations", lambda item: item.organisation_count),
    Column("Themes", lambda item: "; ".join(theme.name for theme in item.themes.all())),
]
THEME_COLUMNS = [
    Column("Theme", lambda theme: theme.name),
    Column("Description", lambda theme: theme.description),
    Column("Retired", lambda theme: theme.retired),
    Column("Engagements", lambda theme: theme.use_count),
]
FLAG_COLUMNS = [
    Column("Organisation", lambda flag: flag.organisation.name),
    Column("Flag", lambda flag: flag.get_rule_display()),
    Column("Why", lambda flag: flag.reason),
    Column("Status", lambda flag: flag.get_status_display()),
    Column("Raised", lambda flag: flag.raised_at),
    Column("Resolved", lambda flag: flag.resolved_at),
]
SURVEY_COLUMNS = [
    Column("Title", lambda survey: survey.title),
    Column("Status", lambda survey: survey.get_status_display()),
    Column("Opens", lambda survey: survey.opens_on),
    Column("Closes", lambda survey: survey.closes_on),
    Column("Organisations asked", lambda survey: survey.invited),
    Column("Answered", lambda survey: survey.answered),
]
PORTAL_SURVEY_COLUMNS = [
    Column("Survey", lambda row: row["survey"].title),
    Column("Organisation", lambda row: row["organisation"].name),
    Column("Closes", lambda row: row["survey"].closes_on),
    Column("Answered", lambda row: row["invitation"].status == "answered"),
]


def _survey(request: HttpRequest) -> Any:
    """The survey a download of answers names (`survey=<pk>`), if the user may read it; else 404."""
    pk = request.GET.get("survey", "")
    return survey_selectors.survey_for_user(int(pk) if pk.isdigit() and len(pk) < 12 else 0, request.user)


def _answer_to(key: str) -> Any:
    return lambda answer: answer.answers.get(key, "")


def survey_answer_columns(request: HttpRequest) -> list[Column]:
    """Who answered and when, then one column per question, numbered as the survey asks them."""
    columns = [
        Column("Organisation", lambda answer: answer.organisation.name),
        Column("Answered", lambda answer: answer.updated_at),
        Column("Recorded by an officer on its behalf", lambda answer: answer.on_behalf),
    ]
    for number, question in enumerate(survey_selectors.questions(_survey(request)), start=1):
        columns.append(Column(f"{number}. {question.text}", _answer_to(str(question.pk))))
    return columns


def survey_answer_rows(request: HttpRequest) -> QuerySet[Any]:
    return survey_selectors.export_rows(_survey(request))


def _survey_results_url(query: Any) -> str:
    pk = query.get("survey", "")
    return reverse("engagement:survey_results", kwargs={"pk": int(pk)}) if pk.isdigit() and len(pk) < 12 else reverse("engagement:survey_list")


def _measure(key: str) -> Any:
    return lambda quarter: quarter.scores.get(key)


def health_columns(request: HttpRequest | None = None) -> list[Column]:
    """The quarter, the index and each measure (0 to 100, empty where there was nothing to measure), as the page shows them."""
    measures = [Column(label, _measure(key)) for key, label in health_selectors.MEASURES]
    return [Column("Quarter", lambda q: q.label), Column("Index", lambda q: q.index), *measures, Column("Average days to pay", lambda q: q.average_days)]


def engagement_rows(request: HttpRequest) -> tuple[QuerySet[Any], Sort, EngagementFilterForm]:
    filter_form = EngagementFilterForm(request.GET, themes=log_selectors.theme_choices())
    filters = filter_form.filters()
    engagements = log_selectors.engagement_list(q=filters["q"], kind=filters["kind"], theme_id=filters["theme"], ward_id=filters["ward"])
    engagements, sort = sort_queryset(request, engagements, log_selectors.ENGAGEMENT_SORTS, "-date")
    return engagements, sort, filter_form


def flag_rows(request: HttpRequest) -> tuple[QuerySet[Any], Sort, FlagFilterForm]:
    filter_form = FlagFilterForm(request.GET)
    filters = filter_form.filters()
    status = filters["status"] or "open"
    flags = flag_selectors.flag_list(q=filters["q"], rule=filters["rule"], status="" if status == "all" else status)
    flags, sort = sort_queryset(request, flags, flag_selectors.FLAG_SORTS, "-raised")
    return flags, sort, filter_form


def survey_rows(request: HttpRequest) -> tuple[QuerySet[Any], Sort, SurveyFilterForm]:
    filter_form = SurveyFilterForm(request.GET)
    filters = filter_form.filters()
    surveys, sort = sort_queryset(request, survey_selectors.survey_list(q=filters["q"], status=filters["status"]), survey_selectors.SURVEY_SORTS, "-opens")
    return surveys, sort, filter_form


def register() -> None:
    registry.exports.update(
        {
            "engagements": ExportList(
                "Engagement log", "engagements", can_read_engagement, lambda r: engagement_rows(r)[0], ENGAGEMENT_COLUMNS, "engagement:engagement_list"
            ),
            "themes": ExportList("Themes", "themes", can_manage_themes, lambda r: log_selectors.theme_list(), THEME_COLUMNS, "engagement:theme_list"),
            "flags": ExportList("Flags", "flags", can_read_flags, lambda r: flag_rows(r)[0], FLAG_COLUMNS, "engagement:flag_list"),
            "health_sector": ExportList(
                "Relationship health",
                "relationship-health",
                can_read_health,
                lambda r: health_selectors.health(None),
                health_columns,
                "engagement:health_sector",
            ),
            "surveys": ExportList("Surveys", "surveys", can_read_surveys, lambda r: survey_rows(r)[0], SURVEY_COLUMNS, "engagement:survey_list"),
            # One survey's answers, from its page and its results (the query names the survey).
            "survey_answers": ExportList(
                "Survey answers",
                "survey-answers",
                can_read_surveys,
                survey_answer_rows,
                survey_answer_columns,
                "engagement:survey_list",
                back_url=_survey_results_url,
            ),
            "portal_surveys": ExportList(
                "Open surveys to answer",
                "surveys-to-answer",
                can_use_portal_surveys,
                lambda r: survey_selectors.portal_surveys(r.user),
                PORTAL_SURVEY_COLUMNS,
                "engagement:portal_surveys",
            ),
        }
    )
