"""Duplicate detection over the whole register, as a background job whose findings are stored.

`duplicate_candidates_refresh()` finds every pair of live records that may be one organisation
(`selectors.duplicate_pair_reasons`: the same identifier, or names alike at one postcode, found
set-based in the database) and replaces the stored `DuplicateCandidate` rows with them in one
transaction. The dashboard and the review page read those rows, so neither compares names while
an officer waits. It runs as a daily duty (`tasks.py`) and with `manage.py find_duplicates`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from lightbulb.organisations.models import DuplicateCandidate, Organisation
from lightbulb.organisations.selectors import duplicate_pair_reasons

BATCH = 5000


def duplicate_candidates_refresh() -> int:
    """Find the pairs again and store them in place of the last check's; returns how many were found."""
    found = duplicate_pair_reasons(include_dismissed=True)
    now = timezone.now()
    rows = [DuplicateCandidate(first_id=first, second_id=second, reasons=reasons, found_at=now) for (first, second), reasons in sorted(found.items())]
    with transaction.atomic():
        DuplicateCandidate.objects.all().delete()
        DuplicateCandidate.objects.bulk_create(rows, batch_size=BATCH)
        candidate_names_fill()
    return len(rows)


def candidate_names_fill() -> None:
    """Copy each stored pair's two names from the register in one statement (the review page's order)."""
    DuplicateCandidate.objects.update(
        first_name=Subquery(Organisation.objects.filter(pk=OuterRef("first_id")).values("name")[:1]),
        second_name=Subquery(Organisation.objects.filter(pk=OuterRef("second_id")).values("name")[:1]),
    )
