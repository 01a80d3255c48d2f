"""The importer base class. Each source is a short declarative subclass.

A subclass names its columns (with the aliases real files use), turns one row
into clean values in `parse_row` (raising ValidationError with a reason a
person can act on), and writes the valid rows in `apply` through the owning
module's services only. The runner (runner.py) does the rest: reading messy
files, counting, progress, one transaction, strict mode and dry runs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from lightbulb.core.forms import no_markup
from lightbulb.imports.normalise import Notes, UnreadableFile, clean_text, normalise_header
from lightbulb.imports.readers import Table, csv_table, is_zip, looks_like_json, xlsx_table

# Formula prefixes a spreadsheet would execute; no name legitimately starts with one.
_FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    """A column the source expects: its aliases are normalised headers or patterns over them."""

    label: str
    aliases: tuple[str | re.Pattern[str], ...]
    required: bool = True

    def matches(self, header: str) -> bool:
        return any(alias.fullmatch(header) if isinstance(alias, re.Pattern) else alias == header for alias in self.aliases)


def _numbers(header: str) -> list[int]:
    return [int(number) for number in re.findall(r"\d+", header)]


def _column_position(column: Column, normalised: list[str], year: list[int] | None = None) -> tuple[int, list[int] | None] | None:
    """The first header matching the column's earliest alias that any header matches (aliases are in order of preference),
    and the year it names when a pattern found it.

    A pattern naming the year in its heading (ONS's `wd24cd`, `wd23cd`…) takes the newest of the file's headings it
    matches: a lookup carrying this year's wards beside last year's is read by this year's. Once one column is read
    from a year (a ward's code), a later column takes only that year's heading (its name), never another year's.
    """
    for alias in column.aliases:
        found = [index for index, header in enumerate(normalised) if Column(column.label, (alias,)).matches(header)]
        if not found:
            continue
        if not isinstance(alias, re.Pattern):
            return found[0], None
        if year is not None:
            same_year = [index for index in found if _numbers(normalised[index]) == year]
            if same_year:
                return same_year[0], year
            continue
        newest = max(found, key=lambda index: _numbers(normalised[index]))
        return newest, _numbers(normalised[newest])
    return None


# Unused columns named in a run's notes before the rest are only counted (a national lookup has dozens).
UNUSED_COLUMNS_NAMED = 10


def unused_columns(headers: list[str], used: set[int]) -> list[str]:
    """The headings of the file's columns that nothing was read from, as the file has them.

    Columns without a heading are left out (spreadsheets save trailing empty ones); a heading
    the file repeats is told apart by its position.
    """
    stripped = [header.replace("\ufeff", "").strip() for header in headers]
    repeated = Counter(stripped)
    return [
        f"{heading[:60]} (column {index + 1})" if repeated[heading] > 1 else heading[:60]
        for index, heading in enumerate(stripped)
        if heading and index not in used
    ]


def unused_columns_note(unused: list[str]) -> str:
    """'Columns not used: Notes, Internal ref', naming the first few and counting the rest."""
    named = ", ".join(unused[:UNUSED_COLUMNS_NAMED])
    more = len(unused) - UNUSED_COLUMNS_NAMED
    label = "Column" if len(unused) == 1 else "Columns"
    return f"{label} not used: {named}" + (f" and {more:,} more" if more > 0 else "")


def _heading_text(alias: str | re.Pattern[str]) -> str:
    """An alias as a person would type the heading (a two-digit year pattern reads as NN)."""
    return alias.pattern.replace("\\d{2}", "NN") if isinstance(alias, re.Pattern) else alias


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # [{"record": "...", "changes": {"field": [before, after]}}], the first 1,000 changed records.
    changes: list[dict[str, Any]] = field(default_factory=list)


class Importer:
    """Subclass and declare `name`, `label`, `licence`, `source_label` and `columns`."""

    name: ClassVar[str]
    label: ClassVar[str]
    licence: ClassVar[str] = ""
    source_label: ClassVar[str] = ""
    description: ClassVar[str] = ""
    columns: ClassVar[dict[str, Column]]
    # What files it reads: "csv", "xlsx" (both get the column-mapping step) and "json".
    formats: ClassVar[tuple[str, ...]] = ("csv", "xlsx")
    # A source whose files are too big to hold in memory stages them row by row (`stage`), then applies them (`apply_staged`).
    streaming: ClassVar[bool] = False

    def __init__(self, *, acting_user: Any, notes: Notes, mapping: dict[str, str] | None = None) -> None:
        self.acting_user = acting_user
        self.notes = notes
        # The heading confirmed for each column ({"postcode": "Post Code"}); None finds them by alias.
        self.mapping = mapping or None
        # Say which heading each column was read from (not for JSON, whose keys are the standard's own).
        self.note_headings = True

    # Hooks a source overrides -------------------------------------------------

    def prepare(self) -> None:
        """Load what parse_row needs to check rows (known codes and so on)."""

    def parse_row(self, row: dict[str, str]) -> dict[str, Any]:
        raise NotImplementedError

    def apply(self, rows: list[dict[str, Any]], run: Any) -> ApplyResult:
        raise NotImplementedError

    def stage(self, handle: Any, run: Any, progress: Any, position: Any = None) -> Any:
        """A streaming source: check every row and stage the good ones; returns rows, rejected and rejected_rows.

        It calls `progress(rows read, share of the file read)` as it goes; `position()` gives that share.
        """
        raise NotImplementedError

    def apply_staged(self, run: Any) -> ApplyResult:
        raise NotImplementedError

    def cleanup(self) -> None:
        """Drop whatever `stage` left behind."""

    # Reading ------------------------------------------------------------------

    def suggest_mapping(self, headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
        """The heading to read each column from: the one confirmed last time if the file has it, else the best alias."""
        stripped = [header.replace("\ufeff", "").strip() for header in headers]
        normalised = [normalise_header(header) for header in headers]
        suggestion: dict[str, str] = {}
        # The year the first column chosen among several years' was read from (a ward code's), for those after it.
        year: list[int] | None = None
        for key, column in self.columns.items():
            previous = (remembered or {}).get(key)
            if previous and previous in stripped:
                suggestion[key] = previous
                continue
            chosen = _column_position(column, normalised, year)
            if chosen is not None:
                position, named_year = chosen
                suggestion[key] = stripped[position]
                year = year or named_year
        return suggestion

    def accepts(self, headers: list[str]) -> bool:
        """Whether these headings could be this source's (every required column found)."""
        found = self.suggest_mapping(headers, self.mapping)
        return all(key in found for key, column in self.columns.items() if column.required)

    def _missing(self, keys: list[str]) -> UnreadableFile:
        labels = [self.columns[key].label for key in keys]
        return UnreadableFile(
            f"The file has no column for {' and '.join(labels).lower()}. Column headings this import accepts: {self._accepted_headings(labels)}."
        )

    def map_headers(self, headers: list[str]) -> dict[str, int]:
        """Which position in the file holds each declared column; missing required ones refuse the file.

        With a confirmed mapping (the column-mapping step) the headings it names are used;
        otherwise each column is found by its aliases.
        """
        stripped = [header.replace("\ufeff", "").strip() for header in headers]
        mapping = self.mapping if self.mapping else self.suggest_mapping(headers)
        positions: dict[str, int] = {}
        for key, heading in mapping.items():
            if key in self.columns and heading in stripped:
                positions[key] = stripped.index(heading)
                if heading != key and self.note_headings:
                    self.notes.once(f"The column '{heading[:60]}' was read as {self.columns[key].label.lower()}")
        missing = [key for key, column in self.columns.items() if column.required and key not in positions]
        if missing:
            raise self._missing(missing)
        return positions

    def note_unused(self, headers: list[str], positions: dict[str, int]) -> None:
        """Name the file's columns nothing is read from: kept out of the import, never a reason to refuse it.

        With a confirmed mapping, a column the person left unchosen is one of them.
        """
        if not self.note_headings:
            return
        unused = unused_columns(headers, set(positions.values()))
        if unused:
            self.notes.once(unused_columns_note(unused))

    def _accepted_headings(self, labels: list[str]) -> str:
        """The first few headings each of these columns accepts, for the message refusing a file without them."""
        return "; ".join(
            f"{column.label}: " + " or ".join(_heading_text(alias) for alias in column.aliases[:4])
            for column in self.columns.values()
            if column.label in labels
        )

    def table(self, data: bytes) -> Table:
        """The file's headings and rows, whatever its format."""
        if is_zip(data):
            if "xlsx" not in self.formats:
                raise UnreadableFile(
                    "This looks like an Excel or other zipped file, not a CSV file. Save it as CSV (comma separated values) and upload it again."
                )
            self.notes.once("The file was read as an Excel workbook")
            return xlsx_table(data, self.notes, self.accepts)
        if "json" in self.formats and looks_like_json(data):
            return self.json_table(data)
        return csv_table(data, self.notes)

    def json_table(self, data: bytes) -> Table:
        raise UnreadableFile("This import reads CSV files and Excel workbooks, not JSON.")

    def read(self, data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, str], list[str]]], int]:
        """The header row, an iterator of (file row number, values by column key, raw values), and the rows expected."""
        table = self.table(data)
        headers = table.headers
        if not any(header.strip() for header in headers):
            raise UnreadableFile("The first row of the file should hold the column headings, but it is empty.")
        positions = self.map_headers(headers)
        self.note_unused(headers, positions)

        def generate() -> Iterator[tuple[int, dict[str, str], list[str]]]:
            for line, raw in table.rows:
                if not any(str(value).strip() for value in raw):
                    continue
                values = {key: raw[index] if index < len(raw) else "" for key, index in positions.items()}
                yield line, values, raw

        return headers, generate(), table.total

    # Helpers for parse_row ----------------------------------------------------

    def text(self, row: dict[str, str], key: str, *, required: bool = False, max_length: int = 200) -> str:
        value = clean_text(row.get(key), self.notes)
        label = self.columns[key].label
        if required and not value:
            raise ValidationError(f"The {label.lower()} is missing")
        if len(value) > max_length:
            raise ValidationError(f"The {label.lower()} is longer than {max_length} characters")
        return value

    def name_text(self, row: dict[str, str], key: str, *, required: bool = False, max_length: int = 200) -> str:
        """A name or short text: no markup, and not something a spreadsheet would run as a formula."""
        value = self.text(row, key, required=required, max_length=max_length)
        label = self.columns[key].label
        try:
            no_markup(value)
        except ValidationError as exc:
            raise ValidationError(f"The {label.lower()} contains HTML tags") from exc
        if value.startswith(_FORMULA_START):
            raise ValidationError(f"The {label.lower()} starts with {value[0]}, which spreadsheets treat as a formula")
        return value
