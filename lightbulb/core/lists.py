"""Sorting and pagination shared by every list page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 50


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool
    order_by: list[str]


def sort_queryset(request: HttpRequest, queryset: QuerySet[Any], allowed: dict[str, list[str]], default: str) -> tuple[QuerySet[Any], Sort]:
    """Order by the `sort` parameter (`name` or `-name`) if it is one of `allowed`."""
    raw = request.GET.get("sort", default)
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in allowed:
        key, descending = default.lstrip("-"), default.startswith("-")
    fields = [("-" if descending else "") + field for field in allowed[key]]
    # A unique tie-breaker keeps pages stable.
    fields.append("-pk" if descending else "pk")
    return queryset.order_by(*fields), Sort(key=key, descending=descending, order_by=fields)


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PER_PAGE) -> Page[Any]:
    paginator = Paginator(queryset, per_page)
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
