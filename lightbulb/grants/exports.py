"""Other funders' grants, shared by the list page and its CSV or XLSX download (core.exports)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from lightbulb.core.exports import Column
from lightbulb.core.registry import ExportList, registry
from lightbulb.grants import selectors
from lightbulb.grants.rules import can_read_grants

STATUS_LABELS = {
    "": "All grants",
    "proposed": "Waiting for an officer",
    "confirmed": "Linked to an organisation",
    "unmatched": "Not matched",
    "rejected": "Rejected proposals",
}
GRANT_COLUMNS = [
    Column("360Giving identifier", lambda g: g.identifier),
    Column("Title", lambda g: g.title),
    Column("Funder", lambda g: g.funder.name),
    Column("Amount awarded", lambda g: g.amount_awarded),
    Column("Currency", lambda g: g.currency),
    Column("Award date", lambda g: g.award_date),
    Column("Grant programme", lambda g: g.programme),
    Column("Recipient", lambda g: g.recipient_name),
    Column("Recipient Org-ID", lambda g: g.recipient_org_id),
    Column("Organisation on the register", lambda g: g.organisation.name if g.organisation else ""),
    Column("Match", lambda g: g.get_match_status_display()),
]


def grant_rows(request: HttpRequest) -> tuple[QuerySet[Any], str]:
    status = request.GET.get("status", "")
    status = status if status in STATUS_LABELS else ""
    return selectors.grant_list(status=status), status


def register() -> None:
    registry.exports["grants"] = ExportList(
        "Other funders' grants", "other-funders-grants", can_read_grants, lambda r: grant_rows(r)[0], GRANT_COLUMNS, "grants:grant_list"
    )
