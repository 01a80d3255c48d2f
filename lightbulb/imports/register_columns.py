"""A block of the register's rows checked and written a column at a time, when nothing in it is wrong.

`register_load.staged_line` checks one row at a time, a field at a time: about twenty calls a row,
400,000 times. Here the same checks run over a whole block (a thousand rows or so) one column at a
time, in the loops Python runs in C (`map`, `set`, `max`), and give exactly the lines
`staged_line` gives. They only decide that a block is clean: the first sign of anything unusual
(a value of an unexpected type, a missing key, a bad date, a charity listed twice, a value too
long or too large) gives `None`, and the block is read again a row at a time by `staged_line`,
which says which rows are wrong and why, with their numbers. So the rules live in one place, and
this module never rejects a row itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from operator import itemgetter
from typing import Any

from lightbulb.imports import register_load as load

_NUMBERS = ("registered_charity_number", "linked_charity_number")
FIELDS = (*_NUMBERS, *load.TEXT, *load.DATES, *load.MONEY, *load.FLAGS, "date_of_extract")
_TAKE = itemgetter(*FIELDS)
_TEXT_AT = range(2, 2 + len(load.TEXT))
_POSTCODE_AT = 2 + list(load.TEXT).index("charity_contact_postcode")
_NAME_AT = 2 + list(load.TEXT).index("charity_name")
_DATES_AT = range(2 + len(load.TEXT), 2 + len(load.TEXT) + len(load.DATES))
_MONEY_AT = range(_DATES_AT.stop, _DATES_AT.stop + len(load.MONEY))
_FLAGS_AT = range(_MONEY_AT.stop, _MONEY_AT.stop + len(load.FLAGS))
_EXTRACT_AT = len(FIELDS) - 1
_NONE = type(None)
# Postcodes, one a line, each empty or as register_load._postcode writes it: upper case, one space before the inward code.
_POSTCODE = r"(?:[A-Z0-9]{2,4} [A-Z0-9]{3})?"
_POSTCODES = re.compile(f"{_POSTCODE}(?:\n{_POSTCODE})*")
# Amounts written as text, one a line, each empty or plain: digits, perhaps a minus sign and a point.
_PLAIN_AMOUNT = r"(?:-?[0-9]{1,14}(?:\.[0-9]{1,2})?)?"
_PLAIN_AMOUNTS = re.compile(f"{_PLAIN_AMOUNT}(?:\n{_PLAIN_AMOUNT})*")
# Dates already checked, as they are written to COPY (a month's extract holds some 25,000 different ones).
_DATES: dict[str, str] = {}
_DATES_KEPT = 200_000
_ESCAPED = ("\\", "\t", "\n", "\r")
# Rows read one at a time are checked this many at a time.
CHECK_ROWS = 1000


# A row's fields in FIELDS order (KeyError or IndexError if one is missing); a block's rows as dicts, as staged_line reads them.
Take = Callable[[Any], tuple[Any, ...]]
AsDicts = Callable[[Sequence[Any]], Sequence[Any]]


class _Unusual(Exception):
    """Something in the block needs the row-at-a-time check (which may still find nothing wrong)."""


def staged_lines(rows: Sequence[Any], seen: set[int], fingerprints: Sequence[str], *, plain: bool = False, take: Take = _TAKE) -> list[str] | None:
    """The block's COPY lines, exactly as `staged_line` writes them, or None if any row needs checking a row at a time.

    `plain`: the rows were parsed from JSON bytes holding no backslash, so no text in them has a
    character COPY must escape. `take` gives a row's fields in `FIELDS` order (by default, from a
    dict). `seen` (the charities read so far) gains the block's charities only
    when the block is clean.
    """
    try:
        # Every row has every field (a missing one is a KeyError), so the columns are all as long as the block.
        columns = list(zip(*map(take, rows), strict=False))
        if not columns:
            return []
        keys = _keys(columns)
        if len(set(keys)) != len(keys) or not seen.isdisjoint(keys):
            return None
        cells = [list(map(str, columns[0])), list(map(str, columns[1]))]
        cells += [_texts(columns[at], at, plain) for at in _TEXT_AT]
        cells += [_dates(columns[at]) for at in _DATES_AT]
        cells += [_amounts(columns[at]) for at in _MONEY_AT]
        cells += [list(map(load._FLAG_TEXT.__getitem__, columns[at])) for at in _FLAGS_AT]
        extract = _dates(columns[_EXTRACT_AT])
    except (_Unusual, KeyError, IndexError, TypeError, ValueError, load.RowError):
        return None
    published = list(map("\t".join, zip(*cells, strict=True)))
    md5 = hashlib.md5
    digests = [md5(line.encode(), usedforsecurity=False).hexdigest() for line in published]
    seen.update(keys)
    return list(map("\t".join, zip(published, extract, digests, fingerprints, strict=True)))


def _keys(columns: list[Any]) -> list[int]:
    """Each row's charity key, when every charity number is a whole number in range (as JSON or text)."""
    numbers, linked = _whole(columns[0]), _whole([value or 0 for value in columns[1]])
    if min(numbers) <= 0 or max(numbers) >= 100_000_000 or min(linked) < 0 or max(linked) >= 100_000_000:
        raise _Unusual
    columns[0], columns[1] = numbers, linked
    return [number * 100_000 + link for number, link in zip(numbers, linked, strict=True)]


def _whole(values: Sequence[Any]) -> list[int]:
    kinds = set(map(type, values))
    if kinds == {int}:
        return list(values)
    texts = [value for value in values if type(value) is str]
    if kinds <= {int, str} and all(map(str.isdigit, texts)) and all(map(str.isascii, texts)):
        return list(map(int, values))
    raise _Unusual


def _texts(values: Sequence[Any], at: int, plain: bool) -> list[str]:
    texts = _stripped(values, at)
    if at == _POSTCODE_AT:
        # Postcodes already written as the places module keeps them (nearly all) are kept as they are.
        if _POSTCODES.fullmatch("\n".join(texts)):
            return texts
        return [load._postcode(text) if text else "" for text in texts]
    if plain or not any(map("".join(texts).__contains__, _ESCAPED)):
        return texts
    return [text.translate(load._ESCAPE) if any(map(text.__contains__, _ESCAPED)) else text for text in texts]


def _stripped(values: Sequence[Any], at: int) -> list[str]:
    """The texts without their outer spaces (null as empty), when each is within its length and a charity's name is not empty."""
    if not set(map(type, values)) <= {str, _NONE}:
        raise _Unusual
    texts = [value.strip() if value else "" for value in values]
    if max(map(len, texts)) > load._TEXT_FIELDS[at - 2][1] or (at == _NAME_AT and "" in texts):
        raise _Unusual
    return texts


def _dates(values: Sequence[Any]) -> list[str]:
    """Each date as COPY takes it (empty or null as NULL); a date not seen before is checked as `staged_line` checks it."""
    known = _DATES
    for value in [value for value in set(values) if value not in known]:
        if value is None or value == "":
            continue
        if type(value) is not str:
            raise _Unusual
        if len(known) >= _DATES_KEPT:
            known.clear()
        known[value] = load._date(value, "date")
    return [known[value] if value else load.NULL for value in values]


def _amounts(values: Sequence[Any]) -> list[str]:
    kinds = set(map(type, values)) - {_NONE}
    if kinds <= {float, int}:
        amounts = [value for value in values if value is not None]
        if amounts and not (-1e14 < min(amounts) and max(amounts) < 1e14):
            raise _Unusual
        return ["%.2f" % value if value is not None else load.NULL for value in values]  # noqa: UP031 -- as staged_line writes it
    if kinds == {str}:
        return _written_amounts(values)
    raise _Unusual


def _written_amounts(values: Sequence[str]) -> list[str]:
    """Amounts written as text (the text extract): plain ones only; a comma or a pound sign is left to the row-at-a-time check."""
    if not _PLAIN_AMOUNTS.fullmatch("\n".join(values)):
        raise _Unusual
    return ["%.2f" % float(value) if value else load.NULL for value in values]  # noqa: UP031 -- as staged_line writes it


def checked(
    rows: Sequence[Any], staged: load.Staged, seen: set[int], fingerprints: Sequence[str], *, plain: bool = False, take: Take = _TAKE, as_dicts: AsDicts = list
) -> list[str]:
    """The lines of a block of rows that follow the `staged.rows` read so far: a column at a time when the block is clean, else a row at a time.

    `take` reads a row's fields for the first; `as_dicts` gives the rows as dicts for the second."""
    lines = staged_lines(rows, seen, fingerprints, plain=plain, take=take)
    if lines is None:
        rows, lines = as_dicts(rows), []
        for number, row, fingerprint in zip(range(staged.rows + 1, staged.rows + 1 + len(rows)), rows, fingerprints, strict=True):
            try:
                lines.append(load.staged_line(row, seen, fingerprint))
            except load.RowError as error:
                load._reject(staged, number, str(error), row)
    staged.rows += len(rows)
    return lines


def block_lines(
    rows: list[Any],
    prints: list[bytes],
    keys: list[int | None],
    staged: load.Staged,
    seen: set[int],
    raw: Callable[[int], Any],
    *,
    plain: bool = False,
    take: Take = _TAKE,
    as_dicts: AsDicts = list,
) -> list[str]:
    """A block of a file read with fingerprints: `keys[i]` is the charity whose kept fingerprint row i has (None if none), `rows` the others, parsed.

    A row whose fingerprint is kept is counted, not staged (and refused if its charity was listed
    before); the others are checked. `raw(i)` is row i as the file has it, for a refused row's report.
    """
    held = [key for key in keys if key is not None]
    hexes = [fingerprint.hex() for fingerprint, key in zip(prints, keys, strict=True) if key is None]
    if not held:
        return checked(rows, staged, seen, hexes, plain=plain, take=take, as_dicts=as_dicts)
    if len(set(held)) == len(held) and seen.isdisjoint(held):
        # No charity in the block is listed twice (nor was before it): the kept ones are counted, the others checked as a block.
        seen.update(held)
        lines = staged_lines(rows, seen, hexes, plain=plain, take=take)
        if lines is not None:
            staged.rows += len(keys)
            staged.known += len(held)
            return lines
        seen.difference_update(held)
    return _row_by_row(iter(as_dicts(rows)), iter(hexes), keys, staged, seen, raw)


def _row_by_row(rows: Iterator[Any], hexes: Iterator[str], keys: list[int | None], staged: load.Staged, seen: set[int], raw: Callable[[int], Any]) -> list[str]:
    """A block a row at a time, in the file's order: which rows are wrong, why, and their numbers."""
    lines: list[str] = []
    for index, key in enumerate(keys):
        number = staged.rows + 1 + index
        if key is None:
            row = next(rows)
            try:
                lines.append(load.staged_line(row, seen, next(hexes)))
            except load.RowError as error:
                load._reject(staged, number, str(error), row)
        elif key in seen:
            load._reject(staged, number, load.listed_twice(key), raw(index))
        else:
            seen.add(key)
            staged.known += 1
    staged.rows += len(keys)
    return lines


def row_lines(
    rows: Iterable[dict[str, Any]], staged: load.Staged, progress: load.Progress, position: Callable[[], float], seen: set[int] | None = None
) -> load.Lines:
    """Rows read one at a time (JSON that register_json leaves to ijson), checked a block at a time."""
    seen = set() if seen is None else seen
    tick = load.Ticker(progress, position)
    rows = iter(rows)
    while block := list(islice(rows, CHECK_ROWS)):
        yield checked(block, staged, seen, [""] * len(block))
        tick(staged.rows)
    yield []
