"""The register's dashboard panel (registered in registrations.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lightbulb.core.rules import allowed
from lightbulb.organisations import selectors
from lightbulb.organisations.rules import can_merge_organisations


def duplicates_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Officers see how many possible duplicates wait for a decision."""
    if not allowed(can_merge_organisations, request.user):
        return None
    return {
        "title": "Possible duplicate organisations",
        "template": "organisations/panel_duplicates.html",
        "order": 30,
        "count": selectors.duplicate_count_recent(),
    }
