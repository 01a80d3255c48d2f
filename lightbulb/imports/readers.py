"""Reading a file's rows: CSV text, or an Excel workbook's sheet, as lists of cell text.

Both give the header row and an iterator of (row number, cell values), the row number being
the one a spreadsheet shows: the headings are row 1 of a CSV file and each record is the next
row, however many lines its quoted cells span; a sheet's rows keep the sheet's own numbers. A
workbook's first sheet is often notes: the first sheet whose first row reads as the
source's headings is used, and the others are named in the notes. Merged heading cells
are refused with a clear message, since a merged cell leaves its neighbours blank.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lightbulb.imports.normalise import Notes, UnreadableFile, decode_bytes

Rows = Iterator[tuple[int, list[str]]]
# Workbooks bigger than this are read row by row (openpyxl's read-only mode), without the merged-cell check.
XLSX_FULL_READ_BYTES = 8 * 1024 * 1024


@dataclass
class Table:
    headers: list[str]
    rows: Rows
    # Rows the file holds, as far as can be told before reading them (for the progress bar).
    total: int


def is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def looks_like_json(data: bytes) -> bool:
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith((b"{", b"["))


def csv_table(data: bytes, notes: Notes) -> Table:
    text = decode_bytes(data, notes)
    if "\r\n" in text[:65536]:
        notes.once("Windows line endings (CRLF) were read as ordinary line breaks")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = next(reader)
    except StopIteration as exc:
        raise UnreadableFile("The file is empty.") from exc
    except csv.Error as exc:
        raise UnreadableFile(f"The file could not be read as CSV: {exc}.") from exc

    def generate() -> Rows:
        # Counted by record, not by reader.line_num: a cell holding a line break would otherwise
        # push every later row's number past the row a spreadsheet shows it on.
        number = 1
        try:
            for raw in reader:
                number += 1
                yield number, raw
        except csv.Error as exc:
            raise UnreadableFile(f"Row {number + 1} could not be read as CSV: {exc}.") from exc

    return Table(headers=headers, rows=generate(), total=max(0, text.rstrip("\n").count("\n")))


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold: dates as ISO dates, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _sheet_rows(sheet: Any) -> Iterator[list[str]]:
    for values in sheet.iter_rows(values_only=True):
        yield [cell_text(value) for value in values]


def _first_row(rows: Iterator[list[str]]) -> tuple[int, list[str]] | None:
    """The first row with anything in it (a sheet may start with blank rows)."""
    for number, row in enumerate(rows, start=1):
        if any(cell.strip() for cell in row):
            return number, row
    return None


def _merged_heading(sheet: Any, heading_row: int) -> str | None:
    for merged in getattr(sheet, "merged_cells", None) or []:
        if merged.min_row <= heading_row <= merged.max_row:
            return str(merged.coord)
    return None


def _open_workbook(data: bytes) -> Any:
    # Formulas are read as written (=HYPERLINK(…)), never evaluated: stored verbatim, neutralised on export.
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=len(data) > XLSX_FULL_READ_BYTES, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UnreadableFile("The workbook could not be opened: it may be damaged, protected by a password, or not an .xlsx file.") from exc


def _merged_error(sheet: Any, heading_row: int) -> UnreadableFile | None:
    merged = _merged_heading(sheet, heading_row)
    if not merged:
        return None
    return UnreadableFile(
        f"The column headings on the sheet '{sheet.title}' include merged cells ({merged}). Unmerge them so each column has its own heading, then upload the file again."
    )


def _headings(rows: Iterator[list[str]]) -> tuple[int, list[str]] | None:
    first = _first_row(rows)
    if first is None:
        return None
    heading_row, headers = first
    while headers and not headers[-1].strip():
        headers.pop()
    return heading_row, headers


def _skipped_note(notes: Notes, skipped: list[str], used: str) -> None:
    if skipped:
        were = "were" if len(skipped) > 1 else "was"
        notes.once(
            f"The sheet{'s' if len(skipped) > 1 else ''} {', '.join(repr(name) for name in skipped)} did not hold the data and {were} skipped; the sheet '{used}' was read"
        )


def _sheet_table(sheet: Any, accepts: Callable[[list[str]], bool]) -> Table | UnreadableFile | None:
    """The sheet's table if its headings are the source's; else its merged-heading error, if any."""
    rows = _sheet_rows(sheet)
    heading_row, headers = _headings(rows) or (0, [])
    found = bool(headers) and accepts(headers)
    error = _merged_error(sheet, heading_row) if headers else None
    if error is not None and found:
        raise error
    if not found:
        return error
    total = max(0, (sheet.max_row or heading_row) - heading_row)
    return Table(headers=headers, rows=((heading_row + offset, row) for offset, row in enumerate(rows, start=1)), total=total)


def xlsx_table(data: bytes, notes: Notes, accepts: Callable[[list[str]], bool]) -> Table:
    """The first sheet whose first row `accepts` as headings."""
    workbook = _open_workbook(data)
    skipped: list[str] = []
    merged_error: UnreadableFile | None = None
    for sheet in workbook.worksheets:
        found = _sheet_table(sheet, accepts)
        if isinstance(found, Table):
            _skipped_note(notes, skipped, sheet.title)
            return found
        merged_error = merged_error or found
        skipped.append(sheet.title)
    if merged_error is not None:
        raise merged_error
    names = ", ".join(repr(name) for name in skipped) or "none"
    raise UnreadableFile(f"No sheet in the workbook starts with the column headings this import needs (sheets: {names}).")
