"""The consultation lists, shared by each page and its CSV or XLSX download (core.exports)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from lightbulb.compact import selectors
from lightbulb.compact.forms import ConsultationFilterForm
from lightbulb.compact.rules import can_read_consultations, can_use_portal_consultations
from lightbulb.core.exports import Column
from lightbulb.core.lists import Sort, sort_queryset
from lightbulb.core.registry import ExportList, registry

CONSULTATION_SORTS = {"title": ["title"], "start": ["start_date"], "end": ["end_date"], "responses": ["response_count"]}
CONSULTATION_COLUMNS = [
    Column("Title", lambda item: item.title),
    Column("Opening date", lambda item: item.start_date),
    Column("Closing date", lambda item: item.end_date),
    Column("Weeks", lambda item: round(item.weeks, 1)),
    Column("Reason for a shorter consultation", lambda item: item.short_reason),
    Column("Organisations invited", lambda item: item.invited_count),
    Column("Responses", lambda item: item.response_count),
    Column("Summary published", lambda item: item.summary_published_on),
]
PORTAL_COLUMNS = [
    Column("Consultation", lambda row: row["consultation"].title),
    Column("Organisation", lambda row: row["organisation"].name),
    Column("Closes", lambda row: row["consultation"].end_date),
    Column("Responded", lambda row: row["response"] is not None),
]


def consultation_rows(request: HttpRequest) -> tuple[QuerySet[Any], Sort, str]:
    queryset = selectors.consultation_list()
    status = ConsultationFilterForm(request.GET).filters()["status"]
    today = timezone.localdate()
    if status == "open":
        queryset = queryset.filter(start_date__lte=today, end_date__gte=today)
    elif status == "closed":
        queryset = queryset.filter(end_date__lt=today)
    queryset, sort = sort_queryset(request, queryset, CONSULTATION_SORTS, "-start")
    return queryset, sort, status


def register() -> None:
    registry.exports["consultations"] = ExportList(
        "Consultations", "consultations", can_read_consultations, lambda r: consultation_rows(r)[0], CONSULTATION_COLUMNS, "compact:consultation_list"
    )
    registry.exports["portal_consultations"] = ExportList(
        "Consultations your organisations are invited to",
        "consultations-invited",
        can_use_portal_consultations,
        lambda r: selectors.portal_consultations(r.user),
        PORTAL_COLUMNS,
        "compact:portal_consultations",
    )
