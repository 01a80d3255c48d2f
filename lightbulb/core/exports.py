"""CSV and XLSX export of any list, safe against formula injection.

A spreadsheet treats a cell starting with = + - @ (or a tab or carriage
return) as a formula: such text cells are prefixed with an apostrophe so they
open as text (OWASP CSV injection guidance). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Any], Any]


def cell(value: Any) -> Any:
    """A value made safe for a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, decimal.Decimal)):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(rows: Iterable[Any], columns: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark so Excel reads UTF-8
    yield writer.writerow([column.heading for column in columns])
    for row in rows:
        yield writer.writerow([cell(column.value(row)) for column in columns])


def _xlsx_bytes(rows: Iterable[Any], columns: list[Column], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    sheet.append([column.heading for column in columns])
    for row in rows:
        values = []
        for column in columns:
            value = cell(column.value(row))
            values.append(float(value) if isinstance(value, decimal.Decimal) else value)
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(*, rows: Iterable[Any], columns: list[Column], filename: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            _xlsx_bytes(rows, columns, filename),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
        return response
    streaming = StreamingHttpResponse(_csv_rows(rows, columns), content_type="text/csv; charset=utf-8")
    streaming["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return streaming
