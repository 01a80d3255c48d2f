"""The importer base class. Each source is a short declarative subclass.

A subclass names its columns (with the aliases real files use), turns one row
into clean values in `parse_row` (raising ValidationError with a reason a
person can act on), and writes the valid rows in `apply` through the owning
module's services only. The runner (runner.py) does the rest: reading messy
files, counting, progress, one transaction, strict mode and dry runs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from lightbulb.core.forms import no_markup
from lightbulb.imports.normalise import Notes, UnreadableFile, clean_text, normalise_header

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


def _column_position(column: Column, normalised: list[str]) -> int | None:
    """The first header matching the column's earliest alias that any header matches (aliases are in order of preference)."""
    for alias in column.aliases:
        found = [index for index, header in enumerate(normalised) if Column(column.label, (alias,)).matches(header)]
        if found:
            return found[0]
    return None


def _heading_text(alias: str | re.Pattern[str]) -> str:
    """An alias as a person would type the heading (a two-digit year pattern reads as NN)."""
    return alias.pattern.replace("\\d{2}", "NN") if isinstance(alias, re.Pattern) else alias


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """Subclass and declare `name`, `label`, `licence`, `source_label` and `columns`."""

    name: ClassVar[str]
    label: ClassVar[str]
    licence: ClassVar[str] = ""
    source_label: ClassVar[str] = ""
    description: ClassVar[str] = ""
    columns: ClassVar[dict[str, Column]]

    def __init__(self, *, acting_user: Any, notes: Notes) -> None:
        self.acting_user = acting_user
        self.notes = notes

    # Hooks a source overrides -------------------------------------------------

    def prepare(self) -> None:
        """Load what parse_row needs to check rows (known codes and so on)."""

    def parse_row(self, row: dict[str, str]) -> dict[str, Any]:
        raise NotImplementedError

    def apply(self, rows: list[dict[str, Any]], run: Any) -> ApplyResult:
        raise NotImplementedError

    # Reading ------------------------------------------------------------------

    def map_headers(self, headers: list[str]) -> dict[str, int]:
        """Which position in the file holds each declared column; missing required ones refuse the file."""
        normalised = [normalise_header(header) for header in headers]
        positions: dict[str, int] = {}
        for key, column in self.columns.items():
            position = _column_position(column, normalised)
            if position is None:
                continue
            positions[key] = position
            original = headers[position].replace("\ufeff", "").strip()
            if original != key:
                self.notes.once(f"The column '{original[:60]}' was read as {column.label.lower()}")
        missing = [column.label for key, column in self.columns.items() if column.required and key not in positions]
        if missing:
            raise UnreadableFile(
                f"The file has no column for {' and '.join(missing).lower()}. Column headings this import accepts: {self._accepted_headings(missing)}."
            )
        return positions

    def _accepted_headings(self, labels: list[str]) -> str:
        """The first few headings each of these columns accepts, for the message refusing a file without them."""
        return "; ".join(
            f"{column.label}: " + " or ".join(_heading_text(alias) for alias in column.aliases[:4])
            for column in self.columns.values()
            if column.label in labels
        )

    def rows(self, text: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str], list[str]]]]:
        """The header row, and an iterator of (file row number, values by column key, raw values)."""
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            headers = next(reader)
        except StopIteration as exc:
            raise UnreadableFile("The file is empty.") from exc
        except csv.Error as exc:
            raise UnreadableFile(f"The file could not be read as CSV: {exc}.") from exc
        if not any(header.strip() for header in headers):
            raise UnreadableFile("The first row of the file should hold the column headings, but it is empty.")
        positions = self.map_headers(headers)

        def generate() -> Iterator[tuple[int, dict[str, str], list[str]]]:
            try:
                for raw in reader:
                    if not any(value.strip() for value in raw):
                        continue
                    values = {key: raw[index] if index < len(raw) else "" for key, index in positions.items()}
                    yield reader.line_num, values, raw
            except csv.Error as exc:
                raise UnreadableFile(f"Row {reader.line_num} could not be read as CSV: {exc}.") from exc

        return headers, generate()

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
