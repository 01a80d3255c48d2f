"""Sorting and pagination shared by every list page.

Pagination never counts a huge list row by row on every request: it counts exactly up to
`COUNT_EXACTLY_UP_TO` rows (one capped `COUNT` over at most that many rows, which an index
answers; a list that reads its rows in an order of its own counts the `ordered_keys` it then
reads its pages from), and past that takes PostgreSQL's own estimate (`pg_class.reltuples` for a
whole table, the planner's row estimate for a filtered one). Pages go no deeper than `MAX_PAGES`: past
10,000 rows a reader narrows the search (or downloads the list) rather than paging.

A deep page (from row `KEYS_FIRST_FROM` on) is read keys first: the numbers of its rows in the
list's order, then those rows alone, so the thousands of rows skipped before it are never joined
to what each row shows (a record's ward) nor computed (counts per row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Case, CharField, F, Func, IntegerField, QuerySet, Subquery, When
from django.db.models.functions import Lower, Substr
from django.db.models.query import ModelIterable
from django.http import HttpRequest

PER_PAGE = 50
COUNT_EXACTLY_UP_TO = 10_000
# A list that asks for its estimate first (`estimate_first`) takes an estimate past this many as it is, uncounted.
# The margin over the cap is for an overestimate: a list of 10,000 or fewer is counted, so its count is exact and
# every page holds rows. The planner is close for so many matches (a national register's "community": 65,992
# estimated, 66,217 found; a national log's "hall hire": 19,873 and 19,874), far less so for few ("comunity
# centre": 3,708 estimated, 587 found).
ESTIMATE_TRUSTED_FROM = COUNT_EXACTLY_UP_TO * 3 // 2
MAX_PAGES = 200
KEYS_FIRST_FROM = 1_000


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool
    order_by: list[Any]


def sort_queryset(request: HttpRequest, queryset: QuerySet[Any], allowed: dict[str, list[str]], default: str) -> tuple[QuerySet[Any], Sort]:
    """Order by the `sort` parameter (`name` or `-name`) if it is one of `allowed`."""
    raw = request.GET.get("sort", default)
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in allowed:
        key, descending = default.lstrip("-"), default.startswith("-")
    fields: list[Any] = [_ordering(field, descending) for field in allowed[key]]
    # A unique tie-breaker keeps pages stable.
    fields.append("-pk" if descending else "pk")
    return queryset.order_by(*fields), Sort(key=key, descending=descending, order_by=fields)


LEADING_ARTICLES = ("the ", "an ", "a ")


def name_sort_key(field: str) -> Any:
    """A name as a person files it: case ignored, and a leading "The", "An" or "A" left off
    ("The Abbey Trust" sorts under A, beside "abbey pantry")."""
    lowered = Lower(field)
    cases = [When(**{f"{field}__istartswith": article}, then=Substr(lowered, len(article) + 1)) for article in LEADING_ARTICLES]
    return Case(*cases, default=lowered, output_field=CharField())


def _ordering(field: str, descending: bool) -> Any:
    """A sort column: names (any field called `name`, or `…__name`) by `name_sort_key`, others as they are."""
    if field.split("__")[-1] == "name":
        key = name_sort_key(field)
        return key.desc() if descending else key.asc()
    return ("-" if descending else "") + field


def row_count(related: QuerySet[Any]) -> Subquery:
    """Each row's count of `related` (filtered by an `OuterRef` to the row) as a subquery with no `GROUP BY`: one
    number for every row, 0 where there are none, computed only for the rows a page reads, and never for its count."""
    count = Func(F("pk"), function="COUNT", output_field=IntegerField())
    return Subquery(related.order_by().values(n=count)[:1])


def columns_shown(queryset: QuerySet[Any], *fields: str) -> QuerySet[Any]:
    """The rows with only the `fields` a list page prints, joined to the records those fields reach (`agreement__
    organisation__name`) and to no other: a download of the same queryset still reads whole records."""
    related = sorted({field.rsplit("__", 1)[0] for field in fields if "__" in field})
    trimmed = queryset.select_related(None)
    return (trimmed.select_related(*related) if related else trimmed).only(*fields)


def estimated_count(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows a query returns, without running it (None on other engines)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    if not queryset.query.where.children:
        table = queryset.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
            row = cursor.fetchone()
        if row and row[0] >= 0:
            return int(row[0])
    text = queryset.order_by().explain(format="json")
    if not text:  # a query Django knows finds nothing (`pk__in=[]`) is never sent, so there is no plan
        return 0
    plan = json.loads(text)
    return int(plan[0]["Plan"]["Plan Rows"])


class ListPaginator(Paginator):
    """A paginator whose count is exact for small lists and an estimate for huge ones (`estimated` says which)."""

    estimated = False

    def __init__(self, object_list: Any, per_page: int, *, estimate_first: bool = False) -> None:
        super().__init__(object_list, per_page)
        self.estimate_first = estimate_first or getattr(object_list, "estimate_first", False)

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        estimate = None
        if self.estimate_first:
            # A search: a common word finds tens of thousands, and even a capped count first gathers every match from the
            # index (and checks each against the text). When the planner's estimate is past the cap, it is used as it is.
            estimate = estimated_count(queryset)
            if estimate is not None and estimate > ESTIMATE_TRUSTED_FROM:
                self.estimated = True
                return estimate
        # A list that reads its rows in an order of its own may count them as it reads their numbers (a ranked search).
        ordered_keys = getattr(queryset, "ordered_keys", None)
        keys = ordered_keys(COUNT_EXACTLY_UP_TO + 1) if ordered_keys is not None else None
        # Otherwise only the keys: per-row annotations (counts per ward, search ranks) are never computed to count rows.
        capped = len(keys) if keys is not None else queryset.order_by().values("pk")[: COUNT_EXACTLY_UP_TO + 1].count()
        if capped <= COUNT_EXACTLY_UP_TO:
            return capped
        estimate = estimated_count(queryset) if estimate is None else estimate
        if estimate is None:
            return queryset.count()
        self.estimated = True
        return max(estimate, capped)

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset: Any = self.object_list
        if bottom < KEYS_FIRST_FROM or not _keys_first(queryset):
            return super().page(number)
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
        return Page([rows[key] for key in keys if key in rows], number, self)


def _keys_first(queryset: Any) -> bool:
    """A list of model rows whose page is read keys first: not a UNION, nor one that reads its own slices (a ranked search)."""
    return (
        isinstance(queryset, QuerySet)
        and queryset._iterable_class is ModelIterable  # type: ignore[attr-defined]  # a private attribute the stubs leave out
        and not queryset.query.distinct
        and not queryset.query.combinator  # a UNION's rows cannot be filtered by their numbers
        and not getattr(queryset, "reads_its_own_slices", False)
    )


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PER_PAGE, *, estimate_first: bool = False) -> Page[Any]:
    """A page of the list; `estimate_first` for a search, whose matches a capped count would have to gather (see ListPaginator)."""
    paginator = ListPaginator(queryset, per_page, estimate_first=estimate_first)
    return paginator.get_page(request.GET.get("page"))


def pagination_params(request: HttpRequest, page: Page[Any]) -> dict[str, Any]:
    """Parameters for the GOV.UK pagination macro."""
    params = request.GET.copy()

    def href(number: int) -> str:
        params["page"] = str(number)
        return "?" + params.urlencode()

    result: dict[str, Any] = {"items": []}
    if page.has_previous():
        result["previous"] = {"href": href(page.previous_page_number())}
    if page.has_next():
        result["next"] = {"href": href(page.next_page_number())}
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    for number in numbers:
        if number == Paginator.ELLIPSIS:
            result["items"].append({"ellipsis": True})
        else:
            result["items"].append({"number": number, "href": href(int(number)), "current": number == page.number})
    return result
