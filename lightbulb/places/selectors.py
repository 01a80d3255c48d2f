"""Reads about the council, wards, localities, councillors and postcodes."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lightbulb.core.lists import row_count
from lightbulb.core.registry import WardColumn, registry
from lightbulb.core.roles import Role, role_of
from lightbulb.places.models import Council, Councillor, Locality, Postcode, Ward
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode


def council_get() -> Council | None:
    """The council running this installation, once its settings have been saved."""
    return Council.objects.order_by("pk").first()


def _current_councillors() -> Prefetch[Any]:
    today = timezone.localdate()
    return Prefetch(
        "councillors",
        queryset=Councillor.objects.filter(Q(term_end__isnull=True) | Q(term_end__gte=today)).order_by("name"),
        to_attr="current_councillors",
    )


def ward_columns() -> list[tuple[str, WardColumn]]:
    """The figures other modules add to the ward list (organisations based here, …), in order, with their names."""
    return sorted(registry.ward_columns.items(), key=lambda item: (item[1].order, item[1].label))


def ward_list(*, query: str = "", locality_id: int | None = None) -> QuerySet[Ward]:
    """Wards with their locality, current councillors and each registered module's figure (`ward_columns`).

    Places knows nothing of what is above it: the organisation count is the
    register's annotation, registered in `registry.ward_columns`.
    """
    # The boundary (a ward's whole outline) is read by the map and the ward page, never by a list of fifty.
    wards = Ward.objects.select_related("locality").defer("boundary").prefetch_related(_current_councillors())
    for _name, column in ward_columns():
        wards = column.annotate(wards)
    if query:
        wards = wards.filter(Q(name__icontains=query) | Q(gss_code__iexact=query.strip()))
    if locality_id:
        wards = wards.filter(locality_id=locality_id)
    return wards


def ward_get(pk: int) -> Ward:
    """A ward by id, or 404. Every register reader may read every ward."""
    return get_object_or_404(Ward.objects.select_related("locality"), pk=pk)


def ward_choices() -> QuerySet[Ward]:
    return Ward.objects.order_by("name")


def ward_search(wards: QuerySet[Ward], text: str) -> QuerySet[Ward]:
    """Wards by name (any part of it, names starting with the text first) or GSS code: the ward pickers' search."""
    starts = Case(When(name__istartswith=text, then=Value(0)), default=Value(1), output_field=IntegerField())
    return wards.filter(Q(name__icontains=text) | Q(gss_code__iexact=text.strip())).annotate(starts=starts).order_by("starts", "name", "pk")


def ward_label(ward: Ward) -> str:
    """How a ward picker names a ward: its name and GSS code."""
    return f"{ward.name} ({ward.gss_code})" if ward.gss_code else ward.name


def ward_codes() -> dict[str, int]:
    """GSS code → ward id, for importers that match rows to wards."""
    return dict(Ward.objects.values_list("gss_code", "pk"))


def ward_councillors(ward: Ward) -> QuerySet[Councillor]:
    """All of a ward's councillors, current first, then by the end of their term."""
    return ward.councillors.order_by(F("term_end").desc(nulls_first=True), "name")


def councillor_is_current(councillor: Councillor, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return councillor.term_start <= today and (councillor.term_end is None or councillor.term_end >= today)


def councillor_list(*, party: str = "", ward_id: int | None = None, query: str = "") -> QuerySet[Councillor]:
    # The ward's boundary (a GeoJSON shape) is never shown in the list or its download.
    councillors = Councillor.objects.select_related("ward", "ward__locality").defer("ward__boundary")
    if party:
        councillors = councillors.filter(party=party)
    if ward_id:
        councillors = councillors.filter(ward_id=ward_id)
    if query:
        councillors = councillors.filter(name__icontains=query)
    return councillors


def councillor_picker_choices() -> QuerySet[Councillor]:
    """The councillors a record can name (an engagement's attendees): every one, with their ward, whether their term has
    ended or not (a meeting is often logged after the event). About 27,000 at national scale, so they are found by searching."""
    return Councillor.objects.select_related("ward").order_by("name", "pk")


def councillor_search(councillors: QuerySet[Councillor], text: str) -> QuerySet[Councillor]:
    """Councillors by name or their ward's name (any part of either; names starting with the text first, then wards
    starting with it): the councillor picker's search."""
    text = text.strip()
    starts = Case(When(name__istartswith=text, then=Value(0)), When(ward__name__istartswith=text, then=Value(1)), default=Value(2), output_field=IntegerField())
    found = councillors.filter(Q(name__icontains=text) | Q(ward__name__icontains=text))
    return found.annotate(starts=starts).order_by("starts", "name", "pk")


def councillor_label(councillor: Councillor) -> str:
    """How a councillor picker names a councillor: their name and ward."""
    return f"{councillor.name} ({councillor.ward.name})"


def councillor_parties() -> list[str]:
    return list(Councillor.objects.order_by("party").values_list("party", flat=True).distinct())


def councillor_get(pk: int) -> Councillor:
    return get_object_or_404(Councillor.objects.select_related("ward"), pk=pk)


def locality_list() -> QuerySet[Locality]:
    return Locality.objects.prefetch_related(Prefetch("wards", queryset=Ward.objects.order_by("name"))).annotate(ward_count=Count("wards"))


# The localities page names this many of each locality's wards and links to the ward list for the rest.
LOCALITY_WARDS_SHOWN = 5


def locality_list_page() -> QuerySet[Locality]:
    """The localities page: each with its ward count and its first few wards by name (a council with 9,000 wards drew a
    link to every one, on every visit); the download (`locality_list`) still names them all."""
    shown = Ward.objects.only("pk", "name", "locality_id").order_by("name", "pk")[:LOCALITY_WARDS_SHOWN]
    first_wards = Prefetch("wards", queryset=shown, to_attr="first_wards")
    # Each row's ward count is a subquery, so only the rows a page shows are counted and the page's count of
    # localities reads no ward: a `GROUP BY` joined all 9,000 wards of a national council to every locality first.
    localities = Locality.objects.only("pk", "name", "description").prefetch_related(first_wards)
    return localities.annotate(ward_count=row_count(Ward.objects.filter(locality=OuterRef("pk")))).order_by("name", "pk")


def locality_get(pk: int) -> Locality:
    return get_object_or_404(Locality, pk=pk)


def locality_choices() -> QuerySet[Locality]:
    return Locality.objects.only("pk", "name").order_by("name")


def locality_options() -> list[tuple[int, str]]:
    """(number, name) of every locality by name: the ward list's filter (400 of them in a national council)."""
    return list(Locality.objects.order_by("name", "pk").values_list("pk", "name"))


def locality_by_name(name: str) -> Locality | None:
    return Locality.objects.filter(name__iexact=name.strip()).first()


def ward_for_postcode(postcode: str) -> Ward | None:
    """The ward a postcode is in, whatever its case and spacing; None if unknown or malformed."""
    if not is_valid_postcode(postcode):
        return None
    row = Postcode.objects.select_related("ward", "ward__locality").filter(postcode=normalise_postcode(postcode)).first()
    return row.ward if row else None


def postcode_count() -> int:
    return Postcode.objects.count()


def councillor_wards(user: Any) -> list[Ward]:
    """The wards a signed-in councillor represents now, by name (none for anyone else).

    Asked of the role first: an officer's ward list then reads nothing of the officer, and is the
    same page for every officer (shared as kept, core/page_cache.py)."""
    if role_of(user) != Role.COUNCILLOR:
        return []
    today = timezone.localdate()
    current = Q(councillors__user=user, councillors__term_start__lte=today) & (Q(councillors__term_end__isnull=True) | Q(councillors__term_end__gte=today))
    return list(Ward.objects.filter(current).distinct().order_by("name"))
