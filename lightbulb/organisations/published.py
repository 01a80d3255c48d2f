"""Reads of the register for the REST API: organisations a page at a time by cursor, with their identifiers and ward.

Only what the register says about an organisation itself: never its contacts (personal data), its
members, nor values read from other registers.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from lightbulb.organisations.models import Organisation
from lightbulb.places.models import Ward


def _register() -> QuerySet[Organisation]:
    # Wards without their boundaries: the API gives only their codes, and a boundary is thousands of points to read.
    return (
        Organisation.objects.filter(archived_at__isnull=True)
        .select_related("ward")
        .defer("ward__boundary")
        .prefetch_related("identifiers", "areas_of_work", Prefetch("wards_served", queryset=Ward.objects.only("id", "gss_code")))
    )


def organisations_after(after: int, limit: int) -> list[Organisation]:
    """Up to `limit` organisations with a primary key above `after`, in key order (the API's cursor)."""
    return list(_register().filter(pk__gt=after).order_by("pk")[:limit])


def organisation_get(pk: int) -> Organisation | None:
    return _register().filter(pk=pk).first()
