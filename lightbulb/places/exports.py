"""The places lists' rows and columns, shared by each list page and its CSV or XLSX download (core.exports).

Each `*_rows(request)` is what the page lists, with the page's filters and sort: the view pages
through it and the worker writes every row of it to the file.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from lightbulb.core.exports import Column
from lightbulb.core.lists import Sort, sort_queryset
from lightbulb.core.registry import ExportList, registry
from lightbulb.places import selectors
from lightbulb.places.forms import CouncillorFilterForm, WardFilterForm
from lightbulb.places.rules import can_read_places

WARD_SORTS = {"name": ["name"], "code": ["gss_code"], "locality": ["locality__name", "name"]}
WARD_COLUMNS = [
    Column("Ward", lambda w: w.name),
    Column("GSS code", lambda w: w.gss_code),
    Column("Locality", lambda w: w.locality.name if w.locality else ""),
    Column("Councillors", lambda w: "; ".join(f"{c.name} ({c.party})" for c in w.current_councillors)),
]
COUNCILLOR_SORTS = {"name": ["name"], "ward": ["ward__name", "name"], "party": ["party", "name"], "term_start": ["term_start"], "term_end": ["term_end"]}
COUNCILLOR_COLUMNS = [
    Column("Name", lambda c: c.name),
    Column("Ward", lambda c: c.ward.name),
    Column("Ward GSS code", lambda c: c.ward.gss_code),
    Column("Party", lambda c: c.party),
    Column("Start of term", lambda c: c.term_start),
    Column("End of term", lambda c: c.term_end),
    Column("E-mail address", lambda c: c.email),
]
LOCALITY_COLUMNS = [
    Column("Locality", lambda locality: locality.name),
    Column("Wards", lambda locality: "; ".join(ward.name for ward in locality.wards.all())),
    Column("Number of wards", lambda locality: locality.ward_count),
    Column("Description", lambda locality: locality.description),
]


def ward_sorts() -> dict[str, list[str]]:
    """The ward list's sorts, with the figures other modules add to it."""
    return {**WARD_SORTS, **{name: [column.attribute, "name"] for name, column in selectors.ward_columns()}}


def ward_export_columns(request: HttpRequest | None = None) -> list[Column]:
    return [*WARD_COLUMNS, *(Column(column.label, attrgetter(column.attribute)) for _name, column in selectors.ward_columns())]


def ward_rows(request: HttpRequest) -> tuple[QuerySet[Any], Sort, dict[str, Any]]:
    filters = WardFilterForm(request.GET).filters()
    wards, sort = sort_queryset(request, selectors.ward_list(query=filters["q"], locality_id=filters["locality"]), ward_sorts(), "name")
    return wards, sort, filters


def councillor_rows(request: HttpRequest, parties: list[Any] | None = None) -> tuple[QuerySet[Any], Sort, dict[str, Any]]:
    parties = selectors.councillor_parties() if parties is None else parties
    filters = CouncillorFilterForm(request.GET, parties=parties).filters()
    listed = selectors.councillor_list(party=filters["party"], ward_id=filters["ward"], query=filters["q"])
    councillors, sort = sort_queryset(request, listed, COUNCILLOR_SORTS, "name")
    return councillors, sort, filters


def locality_rows(request: HttpRequest) -> QuerySet[Any]:
    return selectors.locality_list().order_by("name", "pk")


def register() -> None:
    registry.exports["wards"] = ExportList(
        title="Wards",
        filename="wards",
        permission=can_read_places,
        rows=lambda request: ward_rows(request)[0],
        columns=ward_export_columns,
        url_name="places:ward_list",
    )
    registry.exports["councillors"] = ExportList(
        title="Councillors",
        filename="councillors",
        permission=can_read_places,
        rows=lambda request: councillor_rows(request)[0],
        columns=COUNCILLOR_COLUMNS,
        url_name="places:councillor_list",
    )
    registry.exports["localities"] = ExportList(
        title="Localities", filename="localities", permission=can_read_places, rows=locality_rows, columns=LOCALITY_COLUMNS, url_name="places:locality_list"
    )
