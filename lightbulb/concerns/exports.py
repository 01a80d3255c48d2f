"""The concerns register and the risk register, shared by each page and its CSV or XLSX download (core.exports).

A download of the concerns register is a view of it: the worker records it in the access log, as
opening the list does. It holds what the list shows, never who reported a concern or what they said.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from lightbulb.concerns import selectors, services
from lightbulb.concerns.forms import ConcernFilterForm
from lightbulb.concerns.rules import can_read_concerns, can_read_risks
from lightbulb.core.exports import Column
from lightbulb.core.registry import ExportList, registry

CONCERN_COLUMNS = [
    Column("Reference", lambda c: c.reference),
    Column("Category", lambda c: c.get_category_display()),
    Column("Received", lambda c: c.received_on),
    Column("About", lambda c: c.organisation.name if c.organisation else c.subject_name),
    Column("Status", lambda c: c.get_status_display()),
    Column("Triage due", lambda c: c.triage_due),
    Column("Triaged", lambda c: c.triaged_on),
    Column("Closed", lambda c: c.closed_on),
]
RISK_COLUMNS = [
    Column("Risk", lambda row: row["risk"].title),
    Column("Area", lambda row: row["risk"].get_area_display()),
    Column("About", lambda row: f"{row['risk'].get_subject_type_display()}: {row['risk'].subject_label}"),
    Column("Likelihood", lambda row: row["risk"].likelihood),
    Column("Impact", lambda row: row["risk"].impact),
    Column("Score", lambda row: row["score"]),
    Column("Against the appetite", lambda row: row["position_words"]),
    Column("Owner", lambda row: str(row["risk"].owner)),
    Column("Controls", lambda row: row["risk"].controls),
    Column("Next review", lambda row: row["risk"].review_date),
]


def concern_rows(request: HttpRequest) -> tuple[QuerySet[Any], ConcernFilterForm]:
    form = ConcernFilterForm(request.GET)
    filters = form.filters()
    return selectors.concern_list(status=filters["status"], query=filters["q"]), form


def concern_download_rows(request: HttpRequest) -> QuerySet[Any]:
    """The list as the page filters it; taking a copy is logged like opening it."""
    concerns, _form = concern_rows(request)
    services.access_log_list_viewed(acting_user=request.user, what="the list of concerns, downloaded")
    return concerns


def risk_rows(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.risk_rows(list(selectors.risk_list(area=request.GET.get("area", ""))))


def register() -> None:
    registry.exports["concerns"] = ExportList("Concerns", "concerns", can_read_concerns, concern_download_rows, CONCERN_COLUMNS, "concerns:list")
    registry.exports["risks"] = ExportList("Risk register", "risk-register", can_read_risks, risk_rows, RISK_COLUMNS, "concerns:risk_list")
