"""Reading the register's tab-separated text extract a block at a time, and knowing an unchanged charity by its bytes.

The text extract is a heading row, then a charity a line. It is read a megabyte or so at a time
and split into lines. Each line's bytes, less a leading `date_of_extract` cell (it changes every
month; nothing else may), have a fingerprint: SHA-1 of the heading row and the rest of the line, so
the same bytes under other headings are never taken for the same charity. A line whose fingerprint
is that of a charity kept last month is unchanged and only counted; the others are split at their
tabs, exactly as the csv module reads the file (no quoting, a tab between cells, a short line's
missing cells empty, a long line's extra cells kept aside), and checked as register_load checks any row.

A line is only split here when csv would read it as one row: a carriage return other than the
line's last byte, a line longer than csv's field limit, text that is not UTF-8, or a heading row
not as the register writes it, and the rest of the file from that block on is read by csv (and
register_load.text_rows) a row at a time, with the same row numbers, checks and messages.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import IO, Any

from lightbulb.imports import register_columns
from lightbulb.imports import register_load as load

BLOCK_BYTES = 1 << 20
# A line longer than this without a line break in sight is left to csv (memory stays bounded).
LONGEST_LINE = 16 << 20
_BOM = b"\xef\xbb\xbf"
# Extract dates already checked (a month's file has one or a few; a damaged one could hold many).
DATES_KEPT = 1000


class NotPlain(Exception):
    """The file from `offset` (the first byte of a line; `lines` lines before it) is read by csv instead."""

    def __init__(self, offset: int, lines: int) -> None:
        super().__init__(offset, lines)
        self.offset, self.lines = offset, lines


class TextReader:
    """The register's text extract as blocks of staging lines; lines with a known fingerprint are counted, not staged."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.seen: set[int] = set()
        self.dates: dict[bytes, bool] = {}
        self.fieldnames: list[str] = []
        self.base = hashlib.sha1(usedforsecurity=False)
        self.dated = False
        self.take: register_columns.Take | None = None

    def __call__(self, staged: load.Staged, known: dict[bytes, int], progress: load.Progress, position: Callable[[], float]) -> load.Lines:
        tick = load.Ticker(progress, position)
        try:
            for lines in self._blocks():
                yield self.block(lines, staged, known)
                tick(staged.rows)
        except NotPlain as rest:
            self.handle.seek(rest.offset)
            rows = load.text_rows(self.handle, self.fieldnames or None, rest.lines)
            yield from register_columns.row_lines(rows, staged, progress, position, self.seen)

    def _heading(self) -> int:
        """The heading row's fields (read as csv reads them); the file's offset after it."""
        line = self.handle.readline(LONGEST_LINE)
        start = len(_BOM) if line.startswith(_BOM) else 0
        heading = line[start:].removesuffix(b"\n").removesuffix(b"\r")
        if not line.endswith(b"\n") or b"\r" in heading or not heading:
            raise NotPlain(0, 0)
        try:
            fieldnames = heading.decode("utf-8").split("\t")
        except UnicodeDecodeError:
            raise NotPlain(0, 0) from None
        if "registered_charity_number" not in fieldnames:
            raise NotPlain(0, 0)
        self.fieldnames = fieldnames
        self.dated = fieldnames[0] == "date_of_extract"
        # Where each field the checks read is (the last cell of a heading written twice, as a dict keeps it).
        places = {name: place for place, name in enumerate(fieldnames)}
        if set(register_columns.FIELDS) <= places.keys():
            self.take = itemgetter(*[places[name] for name in register_columns.FIELDS])
        self.base.update(heading + b"\n")
        return len(line)

    def _blocks(self) -> Any:
        """(file offset of the block's first line, lines before it, the block's lines) a block at a time."""
        offset, before = self._heading(), 1
        buffer = b""
        while more := self.handle.read(BLOCK_BYTES):
            buffer += more
            lines = buffer.split(b"\n")
            buffer = lines.pop()
            if not lines:
                if len(buffer) > LONGEST_LINE:
                    raise NotPlain(offset, before)
                continue
            yield offset, before, lines
            offset += sum(map(len, lines)) + len(lines)
            before += len(lines)
        if buffer:
            yield offset, before, [buffer]

    def block(self, found: tuple[int, int, list[bytes]], staged: load.Staged, known: dict[bytes, int]) -> list[str]:
        """One block's lines: nothing is counted, kept or rejected unless csv would read every line of it as one row."""
        lines = _one_row_each(*found)
        prints = [self.fingerprint(line) for line in lines]
        keys = [known.get(fingerprint) if fingerprint else None for fingerprint in prints]
        try:
            cells = self.cells([line for line, key in zip(lines, keys, strict=True) if key is None])
        except UnicodeDecodeError:
            raise NotPlain(*found[:2]) from None

        def raw(index: int) -> dict[str | None, Any]:
            # A known line's bytes are those of a line read whole before, so it decodes.
            return self.row(lines[index].decode("utf-8").split("\t"))

        if self.take is not None and set(map(len, cells)) <= {len(self.fieldnames)}:
            # Every line has a cell for each heading: its fields are read by their places, and dicts made only for a row-at-a-time check.
            return register_columns.block_lines(cells, prints, keys, staged, self.seen, raw, take=self.take, as_dicts=self.rows)
        return register_columns.block_lines(self.rows(cells), prints, keys, staged, self.seen, raw)

    def cells(self, lines: list[bytes]) -> list[list[str]]:
        """The lines split at their tabs, as csv splits them (decoded together)."""
        texts = b"\n".join(lines).decode("utf-8").split("\n") if lines else []
        return [text.split("\t") for text in texts]

    def rows(self, cells: Sequence[list[str]]) -> list[dict[str | None, Any]]:
        """Lines' cells as csv.DictReader gives them."""
        return list(map(self.row, cells))

    def fingerprint(self, line: bytes) -> bytes:
        """SHA-1 of the heading and the line less a valid leading date_of_extract; b"" (never known) for a line whose date is not one."""
        rest = line
        if self.dated:
            cell, _tab, rest = line.partition(b"\t")
            if cell:
                valid = self.dates.get(cell)
                if valid is None:
                    if len(self.dates) >= DATES_KEPT:
                        self.dates.clear()
                    valid = self.dates[cell] = _is_date(cell)
                if not valid:
                    return b""
        digest = self.base.copy()
        digest.update(rest)
        return digest.digest()

    def row(self, cells: list[str]) -> dict[str | None, Any]:
        """A line's cells as csv.DictReader gives them: missing cells None, extra ones in a list under None."""
        names = self.fieldnames
        row: dict[str | None, Any] = dict(zip(names, cells, strict=False))
        if len(cells) > len(names):
            row[None] = cells[len(names) :]
        elif len(cells) < len(names):
            row.update(dict.fromkeys(names[len(cells) :]))
        return row


def _one_row_each(offset: int, before: int, lines: list[bytes]) -> list[bytes]:
    """The block's lines without their carriage returns or empty lines (csv skips them), or NotPlain unless csv would read each as one row."""
    lines = [line.removesuffix(b"\r") for line in lines]
    if b"\r" in b"\n".join(lines) or max(map(len, lines)) > csv.field_size_limit():
        raise NotPlain(offset, before)
    return [line for line in lines if line]


def _is_date(text: bytes) -> bool:
    try:
        datetime.date.fromisoformat(text[:10].decode())
    except (ValueError, UnicodeDecodeError):
        return False
    return True
