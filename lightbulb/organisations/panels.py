"""The register's dashboard panel and its part of the ward pages (registered in registrations.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lightbulb.core.links import pk_urls
from lightbulb.core.rules import allowed
from lightbulb.organisations import selectors
from lightbulb.organisations.rules import can_merge_organisations, can_read_register

# The dashboard counts the pairs waiting up to this many and says "more than" past it; the list pages them all.
DUPLICATES_COUNTED_UP_TO = 1000


def duplicates_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Officers see how many possible duplicates wait for a decision."""
    if not allowed(can_merge_organisations, request.user):
        return None
    count = selectors.duplicate_count(up_to=DUPLICATES_COUNTED_UP_TO)
    return {
        "title": "Possible duplicate organisations",
        "template": "organisations/panel_duplicates.html",
        "order": 30,
        "count": min(count, DUPLICATES_COUNTED_UP_TO),
        "more": count > DUPLICATES_COUNTED_UP_TO,
    }


def ward_section(ward: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The ward page's "Organisations in this ward": those based in it and those that say they serve it."""
    if not allowed(can_read_register, request.user):
        return None
    return {
        "title": "Organisations in this ward",
        "template": "organisations/ward_section.html",
        "order": 10,
        "based": list(selectors.ward_organisations_based(ward.pk)),
        "serving": list(selectors.ward_organisations_serving(ward.pk)),
        # Hundreds of links to the same page: its address worked out once.
        "organisation_url": pk_urls("organisations:detail"),
    }
