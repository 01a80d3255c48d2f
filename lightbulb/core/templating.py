"""Globals and filters available in every Jinja2 template."""

from __future__ import annotations

import datetime
import decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.utils import timezone

from lightbulb.core.forms import error_summary_items, govuk_field
from lightbulb.core.rules import can
from lightbulb.core.tables import stacked_table


def date_format(value: Any, fmt: str = "%-d %B %Y") -> str:
    """GOV.UK style dates: 5 January 2026."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime(fmt)


def datetime_format(value: Any) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return local.strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")


def money(value: Any, pence: bool = False) -> str:
    if value is None or value == "":
        return ""
    amount = decimal.Decimal(value)
    return f"£{amount:,.2f}" if pence else f"£{amount:,.0f}"


def figure(value: Any) -> str:
    """A figure as people write it: 1,250 or 12.5, never 4E+1 or 40.00."""
    if value is None or value == "":
        return ""
    number = decimal.Decimal(value)
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def query_with(request: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (for sort and page links)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(list(params.lists()), doseq=True)


GLOBALS: dict[str, Any] = {
    "govuk_field": govuk_field,
    "error_summary_items": error_summary_items,
    "get_messages": get_messages,
    "query_with": query_with,
    "now": timezone.now,
    "can": can,
}

FILTERS: dict[str, Any] = {
    "date": date_format,
    "datetime": datetime_format,
    "money": money,
    "figure": figure,
    "stacked": stacked_table,
}
