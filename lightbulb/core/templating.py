"""Globals and filters available in every Jinja2 template."""

from __future__ import annotations

import datetime
import decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.utils import timezone

from lightbulb.core.components import remembered
from lightbulb.core.forms import error_summary_items, govuk_field
from lightbulb.core.page_cache import account_name
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
    amount = _round(_decimal(value), 2 if pence else 0)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}" if pence else f"{sign}£{abs(amount):,.0f}"


def _decimal(value: Any) -> decimal.Decimal:
    # A float through its shortest text (0.1, not 0.1000000000000000055…).
    return decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)


def _round(number: decimal.Decimal, places: int) -> decimal.Decimal:
    """Rounded as people round: halves up (12.5 → 13), never to the even neighbour."""
    return number.quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)


def figure(value: Any) -> str:
    """A figure as people write it: 1,250 or 12.5, never 4E+1 or 40.00."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: Any, places: int = 0) -> str:
    """A percentage as people write it: 80%, or 12.5% with `places`=1 (never 80.0%)."""
    if value is None or value == "":
        return ""
    return f"{figure(_round(_decimal(value), places))}%"


def filesize(value: Any) -> str:
    """A file's size as people write it: 830 bytes, 12 KB, 1.4 MB (never 0 KB)."""
    if value is None or value == "":
        return ""
    size = int(value)
    if size < 1024:
        return "1 byte" if size == 1 else f"{figure(size)} bytes"
    for unit, scale in (("KB", 1024), ("MB", 1024**2), ("GB", 1024**3)):
        amount = decimal.Decimal(size) / scale
        if amount < 1024 or unit == "GB":
            return f"{figure(_round(amount, 1 if amount < 10 else 0))} {unit}"
    return ""  # pragma: no cover - the loop always returns


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
    "remembered": remembered,
    "error_summary_items": error_summary_items,
    "get_messages": get_messages,
    "query_with": query_with,
    "now": timezone.now,
    "can": can,
    "account_name": account_name,
}

FILTERS: dict[str, Any] = {
    "date": date_format,
    "datetime": datetime_format,
    "money": money,
    "figure": figure,
    "percent": percent,
    "filesize": filesize,
    "stacked": stacked_table,
}
