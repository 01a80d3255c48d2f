"""Reads of the register for the REST API: organisations a page at a time by cursor, with their identifiers and ward.

Only what the register says about an organisation itself: never its contacts (personal data), its
members, nor values read from other registers. Rows are read as values, not model instances: a
page of 100 is four queries and no object for each identifier, area or ward.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from lightbulb.organisations.models import Organisation, OrganisationIdentifier

FIELDS = ("pk", "name", "legal_form", "status", "is_vcse", "postcode", "ward__gss_code", "website")


def _with_lists(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each organisation's Org-IDs (by scheme and number), areas of work and the wards it serves (by name), in one query each."""
    ids = [row["pk"] for row in rows]
    identifiers: dict[int, list[str]] = defaultdict(list)
    for organisation_id, scheme, value in (
        OrganisationIdentifier.objects.filter(organisation_id__in=ids).order_by("scheme", "value", "pk").values_list("organisation_id", "scheme", "value")
    ):
        identifiers[organisation_id].append(f"{scheme}-{value}")
    areas: dict[int, list[str]] = defaultdict(list)
    through = Organisation.areas_of_work.through
    for organisation_id, name in (
        through.objects.filter(organisation_id__in=ids).order_by("areaofwork__name", "pk").values_list("organisation_id", "areaofwork__name")
    ):
        areas[organisation_id].append(name)
    wards: dict[int, list[str]] = defaultdict(list)
    served = Organisation.wards_served.through
    for organisation_id, code in served.objects.filter(organisation_id__in=ids).order_by("ward__name", "pk").values_list("organisation_id", "ward__gss_code"):
        wards[organisation_id].append(code)
    return [
        {
            "id": row["pk"],
            "name": row["name"],
            "legal_form": row["legal_form"],
            "status": row["status"],
            "is_vcse": row["is_vcse"],
            "postcode": row["postcode"],
            "ward_code": row["ward__gss_code"],
            "identifiers": identifiers.get(row["pk"], []),
            "website": row["website"],
            "areas_of_work": areas.get(row["pk"], []),
            "wards_served": wards.get(row["pk"], []),
        }
        for row in rows
    ]


def organisations_after(after: int, limit: int) -> list[dict[str, Any]]:
    """Up to `limit` organisations with a primary key above `after`, in key order (the API's cursor), as the API gives them."""
    rows = list(Organisation.objects.filter(archived_at__isnull=True, pk__gt=after).order_by("pk").values(*FIELDS)[:limit])
    return _with_lists(rows)


def organisation_get(pk: int) -> dict[str, Any] | None:
    rows = list(Organisation.objects.filter(archived_at__isnull=True, pk=pk).values(*FIELDS))
    return _with_lists(rows)[0] if rows else None
