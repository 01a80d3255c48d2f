# ruff: noqa: S608 -- the SQL names only this module's constant table and column names; every value is a parameter or COPY data.
"""Loading the Charity Commission register extract at COPY speed.

The extract's `charity` table (about 400,000 rows) is read a block at a time (the JSON file by
`register_json`, the tab-separated text by `register_text`; each knows a charity whose bytes are
unchanged by their fingerprint before reading its values), each other row checked (a block a
column at a time by `register_columns`, else a row at a time by `staged_line`) and written as one
line of a staging table: on PostgreSQL straight into `COPY … FROM STDIN` while the file is still
being read, elsewhere by batched inserts. One set-based statement then adds the new charities and
updates those whose published values changed (`row_hash` leaves `date_of_extract` out), so an
unchanged month writes nothing at all.
"""

from __future__ import annotations

import binascii
import csv
import datetime
import hashlib
import io
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import ijson
from django.db import connection

from lightbulb.imports.models import CharityRecord
from lightbulb.imports.normalise import UnreadableFile

TABLE = CharityRecord._meta.db_table
STAGE = "imports_charity_stage"
# Published fields in staging-table order; `row_hash` covers all but date_of_extract.
TEXT = {
    "charity_name": 300,
    "charity_type": 100,
    "charity_registration_status": 50,
    "charity_reporting_status": 100,
    "charity_contact_postcode": 10,
    "charity_company_registration_number": 20,
    "charity_activities": 100_000,
}
DATES = ("date_of_registration", "date_of_removal", "latest_acc_fin_period_end_date")
MONEY = ("latest_income", "latest_expenditure")
FLAGS = ("charity_is_cio", "cio_is_dissolved", "charity_insolvent", "charity_in_administration")
HASHED = ("registered_charity_number", "linked_charity_number", *TEXT, *DATES, *MONEY, *FLAGS)
# raw_hash: the fingerprint of the row's bytes in the extract (register_json, register_text), empty for a row read another way.
COLUMNS = (*HASHED, "date_of_extract", "row_hash", "raw_hash")
REQUIRED = ("registered_charity_number", "charity_name")
NULL = "\\N"
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_TRUE = {True, "true", "True", "TRUE", "1", "t", "yes", "Yes", "Y"}
_FALSE = {False, "false", "False", "FALSE", "0", "f", "no", "No", "N"}
REJECTED_KEPT = 1000
# progress(rows read so far, share of the file read so far), checked every PROGRESS_ROWS rows
Progress = Callable[[int, float], None]
PROGRESS_ROWS = 1000
PROGRESS_SECONDS = 0.5
CHANGES_KEPT = 1000
# Lines written to COPY a block at a time; rows read one at a time are gathered into blocks of this many.
BLOCK_ROWS = 5000
Lines = Iterator[list[str]]


class RowError(ValueError):
    """A row that cannot be used; the message says why."""


@dataclass
class Staged:
    rows: int = 0
    rejected: int = 0
    rejected_rows: list[dict[str, Any]] = field(default_factory=list)
    # The table was empty, so the rows went straight into it by COPY (there was nothing to compare them with).
    direct: bool = False
    # Rows whose bytes are those of a charity already kept (the same fingerprint): unchanged, so never staged.
    known: int = 0


# How a file's rows reach the staging table: (staged, known fingerprints → charity key, progress, position) → blocks of lines.
Reader = Callable[[Staged, dict[bytes, int], Progress, Callable[[], float]], Lines]


def charity_key(number: int, linked: int) -> int:
    """A charity and its linked number as one integer (the key a file may list once)."""
    return number * 100_000 + linked


def listed_twice(key: int) -> str:
    number, linked = divmod(key, 100_000)
    return f"Charity {number}" + (f" (linked charity {linked})" if linked else "") + " is listed more than once"


def _date(value: Any, name: str) -> str:
    if value is None or value == "":
        return NULL
    text = str(value)[:10]
    try:
        datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise RowError(f"The {name} '{str(value)[:30]}' is not a date") from exc
    return text


def _money(value: Any, name: str) -> str:
    if value is None or value == "":
        return NULL
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = value
    else:
        try:
            number = Decimal(str(value).replace(",", "").replace("£", ""))
        except ArithmeticError as exc:
            raise RowError(f"The {name} '{str(value)[:30]}' is not an amount") from exc
    if not -1e14 < float(number) < 1e14:
        raise RowError(f"The {name} is too large to be real")
    return f"{float(number):.2f}"


def _flag(value: Any, name: str) -> str:
    if value is None or value == "":
        return NULL
    if value in _TRUE:
        return "t"
    if value in _FALSE:
        return "f"
    raise RowError(f"The {name} '{str(value)[:30]}' is not true or false")


def _number(value: Any, name: str, *, required: bool) -> int:
    if value is None or value == "":
        if required:
            raise RowError(f"The {name} is missing")
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise RowError(f"The {name} '{str(value)[:30]}' is not a number") from exc
    if not 0 <= number < 100_000_000 or (required and number == 0):
        raise RowError(f"The {name} {number} is not a charity number")
    return number


def _postcode(value: Any) -> str:
    """As the places module keeps postcodes: upper case, one space before the inward code."""
    if not value:
        return ""
    compact = "".join(str(value).split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if 5 <= len(compact) <= 7 else str(value).strip().translate(_ESCAPE)


_TEXT_FIELDS = tuple(TEXT.items())
_FLAG_TEXT: dict[Any, str] = {None: NULL, "": NULL, **dict.fromkeys(_TRUE, "t"), **dict.fromkeys(_FALSE, "f")}


def _texts(get: Callable[[str], Any], out: list[str]) -> None:
    for name, limit in _TEXT_FIELDS:
        value = get(name)
        if value is None:
            out.append("")
            continue
        text = (value if type(value) is str else str(value)).strip()
        if len(text) > limit:
            raise RowError(f"The {name} is longer than {limit:,} characters")
        if name == "charity_contact_postcode":
            text = _postcode(text)
        elif "\\" in text or "\t" in text or "\n" in text or "\r" in text:
            text = text.translate(_ESCAPE)
        out.append(text)


def _dates(get: Callable[[str], Any], out: list[str]) -> None:
    for name in DATES:
        value = get(name)
        out.append(_date(value, name) if value else NULL)


def _amounts(get: Callable[[str], Any], out: list[str]) -> None:
    for name in MONEY:
        value = get(name)
        if value is None:
            out.append(NULL)
        elif type(value) is float and -1e14 < value < 1e14:
            out.append("%.2f" % value)  # noqa: UP031 -- the fastest way to two decimal places
        else:
            out.append(_money(value, name))


def _flags(get: Callable[[str], Any], out: list[str]) -> None:
    for name in FLAGS:
        value = get(name)
        try:
            out.append(_FLAG_TEXT[value])
        except (KeyError, TypeError):
            raise RowError(f"The {name} '{str(value)[:30]}' is not true or false") from None


def _numbers(get: Callable[[str], Any]) -> tuple[int, int]:
    number = get("registered_charity_number")
    if type(number) is not int or number <= 0 or number >= 100_000_000:
        number = _number(number, "registered_charity_number", required=True)
    linked = get("linked_charity_number") or 0
    if type(linked) is not int or linked < 0 or linked >= 100_000_000:
        linked = _number(linked, "linked_charity_number", required=False)
    return number, linked


def staged_line(row: dict[str, Any], seen: set[int], fingerprint: str = "") -> str:
    """One row as a COPY text line (without its newline), or RowError. Written for speed: it runs 400,000 times."""
    get = row.get
    number, linked = _numbers(get)
    key = number * 100_000 + linked
    if key in seen:
        raise RowError(listed_twice(key))
    name = get("charity_name")
    if not name or not str(name).strip():
        raise RowError("The charity_name is missing")
    out = [str(number), str(linked)]
    _texts(get, out)
    _dates(get, out)
    _amounts(get, out)
    _flags(get, out)
    published = "\t".join(out)
    extract = get("date_of_extract")
    seen.add(key)
    digest = hashlib.md5(published.encode(), usedforsecurity=False).hexdigest()
    return f"{published}\t{_date(extract, 'date_of_extract') if extract else NULL}\t{digest}\t{fingerprint}"


def json_rows(handle: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The rows of the register's JSON file: one array of objects (with or without a byte-order mark)."""
    start = handle.read(3)
    if start != b"\xef\xbb\xbf":
        handle.seek(0)
    return json_items(handle)


def json_items(stream: Any) -> Iterator[dict[str, Any]]:
    """The objects of a JSON array read by ijson (anything else in it as an empty row); a damaged file is UnreadableFile."""
    try:
        for row in ijson.items(stream, "item", use_float=True):
            yield row if isinstance(row, dict) else {}
    except ijson.JSONError as exc:
        raise UnreadableFile(f"The file is not valid JSON ({str(exc)[:120]}): it may be cut short or damaged. Nothing was changed.") from exc
    except UnicodeDecodeError as exc:
        raise UnreadableFile("The JSON file's text is not UTF-8, as the register publishes it.") from exc


def text_rows(handle: IO[bytes], fieldnames: list[str] | None = None, lines_before: int = 0) -> Iterator[dict[str, Any]]:
    """The rows of the register's tab-separated text file (UTF-8, with a heading row).

    `fieldnames` and `lines_before`: the file from a line after its heading row on (register_text
    leaves the rest of a file to csv), its row numbers counted from the file's start."""
    text = io.TextIOWrapper(handle, encoding="utf-8" if fieldnames else "utf-8-sig", newline="")
    reader = csv.DictReader(text, fieldnames=fieldnames, delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        if not reader.fieldnames or "registered_charity_number" not in reader.fieldnames:
            raise UnreadableFile("The file has no registered_charity_number column: it is not the register's charity table.")
        yield from reader
    except UnicodeDecodeError as exc:
        raise UnreadableFile("The file's text is not UTF-8, as the register publishes it.") from exc
    except csv.Error as exc:
        raise UnreadableFile(f"Row {lines_before + reader.line_num} could not be read: {exc}.") from exc


def _create_stage(cursor: Any) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    types = {name: "text" for name in COLUMNS}
    types.update({"registered_charity_number": "integer", "linked_charity_number": "integer"})
    types.update(dict.fromkeys(DATES, "date"))
    types["date_of_extract"] = "date"
    types.update(dict.fromkeys(MONEY, "numeric(16,2)"))
    types.update(dict.fromkeys(FLAGS, "boolean"))
    columns = ", ".join(f"{name} {types[name]}" for name in COLUMNS)
    temporary = "TEMPORARY " if connection.vendor == "postgresql" else "TEMP "
    cursor.execute(f"CREATE {temporary}TABLE {STAGE} ({columns})")


def _reject(staged: Staged, number: int, reason: str, row: dict[str, Any]) -> None:
    staged.rejected += 1
    if len(staged.rejected_rows) < REJECTED_KEPT:
        data = {key: str(value)[:200] for key, value in list(row.items())[:30]}
        staged.rejected_rows.append({"row": number, "reason": reason, "data": data})


class Ticker:
    """Calls progress(rows read, share of the file read) at most twice a second."""

    def __init__(self, progress: Progress, position: Callable[[], float]) -> None:
        self.progress, self.position, self.shown = progress, position, time.monotonic()

    def __call__(self, rows: int) -> None:
        if time.monotonic() - self.shown >= PROGRESS_SECONDS:
            self.progress(rows, self.position())
            self.shown = time.monotonic()


def _copy_postgres(cursor: Any, blocks: Lines, table: str = STAGE, columns: tuple[str, ...] = COLUMNS, suffix: str = "") -> None:
    """The lines written to COPY as they are made: a thread of psycopg's sends them while the next block is read and checked."""
    from psycopg.copy import QueuedLibpqWriter  # PostgreSQL only

    end = suffix + "\n"
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN", writer=QueuedLibpqWriter(cursor)) as copy:
        for block in blocks:
            if block:
                copy.write(end.join(block) + end)


def _empty_and_locked(cursor: Any) -> bool:
    """On PostgreSQL, inside the run's transaction: lock the table against another import of the register, and say whether it is empty."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {TABLE})")
    return bool(cursor.fetchone()[0])


def _insert_portable(cursor: Any, blocks: Lines) -> None:
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {STAGE} ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    for block in blocks:
        if block:
            cursor.executemany(sql, [[_portable(name, value) for name, value in zip(COLUMNS, line.split("\t"), strict=True)] for line in block])


def _portable(name: str, value: str) -> Any:
    """A COPY text value as the parameter a database without COPY takes."""
    if value == NULL:
        return None
    if name in FLAGS:
        return value == "t"
    if name in MONEY:
        return Decimal(value)
    return _unescape(value)


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    return value.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\")


def _nowhere() -> float:
    return 0.0


def known_fingerprints(cursor: Any) -> dict[bytes, int]:
    """{fingerprint of a charity's bytes in the extract (JSON or text): its charity key} for every charity kept with one (read by COPY on PostgreSQL)."""
    query = f"SELECT raw_hash, CAST(registered_charity_number AS bigint) * 100000 + linked_charity_number FROM {TABLE} WHERE raw_hash <> ''"
    known: dict[bytes, int] = {}
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY ({query}) TO STDOUT") as copy:
            # A few thousand lines at a time, so that only the dictionary itself is ever held whole.
            for lines in _batched(copy, 5000):
                words = b"".join(lines).split()
                known.update(zip(map(binascii.unhexlify, words[0::2]), map(int, words[1::2]), strict=True))
        return known
    cursor.execute(query)
    while rows := cursor.fetchmany(5000):
        known.update((bytes.fromhex(fingerprint), int(key)) for fingerprint, key in rows)
    return known


def _batched(blocks: Iterable[Any], size: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for block in blocks:
        batch.append(bytes(block))
        if len(batch) >= size:
            yield batch
            batch = []
    yield batch


def stage(read: Reader, progress: Progress, position: Callable[[], float] = _nowhere, run_id: int | None = None) -> Staged:
    """Check every row and write the good ones to the staging table (kept for `upsert`).

    `progress(rows read, share of the file read)` is called at most twice a second while the file is
    read. The first extract loaded into an empty table on PostgreSQL goes straight into it by `COPY`
    (checked and deduplicated here first, so nothing there can conflict); the run's transaction still
    holds it all until it commits. A row whose bytes match a charity's kept fingerprint is counted in
    `known` and not staged: nothing of it changed.
    """
    staged = Staged()
    with connection.cursor() as cursor:
        if _empty_and_locked(cursor):
            staged.direct = True
            suffix = "\t" + (NULL if run_id is None else str(run_id))
            _copy_postgres(cursor.cursor, read(staged, {}, progress, position), TABLE, (*COLUMNS, "import_run_id"), suffix)
            return staged
        lines = read(staged, known_fingerprints(cursor.cursor if connection.vendor == "postgresql" else cursor), progress, position)
        _create_stage(cursor)
        if connection.vendor == "postgresql":
            _copy_postgres(cursor.cursor, lines)
            # The planner's row counts for the one set-based statement that follows.
            cursor.execute(f"ANALYZE {STAGE}")
        else:
            _insert_portable(cursor, lines)
    return staged


def drop_stage() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


@dataclass
class Upserted:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)


_KEY = "t.registered_charity_number = s.registered_charity_number AND t.linked_charity_number = s.linked_charity_number"


def _changes(cursor: Any) -> list[dict[str, Any]]:
    """Before → after for the first changed charities, field by field."""
    names = [name for name in HASHED if name not in ("registered_charity_number", "linked_charity_number")]
    select = ", ".join([f"t.{name}" for name in names] + [f"s.{name}" for name in names])
    cursor.execute(
        f"SELECT s.registered_charity_number, s.linked_charity_number, {select} FROM {STAGE} s JOIN {TABLE} t ON {_KEY} "
        f"WHERE t.row_hash <> s.row_hash ORDER BY s.registered_charity_number, s.linked_charity_number LIMIT {CHANGES_KEPT}"
    )
    changes = []
    for found in cursor.fetchall():
        before, after = found[2 : 2 + len(names)], found[2 + len(names) :]
        delta = {}
        for name, old, new in zip(names, before, after, strict=True):
            if _plain(name, old) != _plain(name, new):
                delta[name] = [_plain(name, old), _plain(name, new)]
        record = f"GB-CHC-{found[0]}" + (f" (linked {found[1]})" if found[1] else "")
        changes.append({"record": record, "changes": delta})
    return changes


def _plain(name: str, value: Any) -> Any:
    """A value as the report shows it, whichever database read it: money to the penny, dates ISO, flags true or false."""
    if value is None:
        return None
    if name in MONEY:
        return f"{Decimal(str(value)):.2f}"
    if name in FLAGS:
        return value in (True, 1, "t", "1", "true")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def upsert(run_id: int | None, known: int = 0) -> Upserted:
    """Add new charities and update changed ones in one statement each; an unchanged extract writes nothing.

    `known` rows were found unchanged by their fingerprint and never staged. A staged row whose values
    are unchanged but whose bytes are new (the extract written another way) keeps its new fingerprint.
    """
    result = Upserted()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One import of the register at a time (reads go on): the counts below stay true until the writes.
            cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"SELECT COUNT(*) FILTER (WHERE t.id IS NULL), COUNT(*) FILTER (WHERE t.row_hash <> s.row_hash) FROM {STAGE} s LEFT JOIN {TABLE} t ON {_KEY}"
            if connection.vendor == "postgresql"
            else f"SELECT SUM(t.id IS NULL), SUM(t.id IS NOT NULL AND t.row_hash <> s.row_hash) FROM {STAGE} s LEFT JOIN {TABLE} t ON {_KEY}"
        )
        created, updated = (int(value or 0) for value in cursor.fetchone())
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")
        total = int(cursor.fetchone()[0]) + known
        result.created, result.updated, result.unchanged = created, updated, total - created - updated
        if updated:
            result.changes = _changes(cursor)
        if created:
            columns = ", ".join(COLUMNS)
            # Plain INSERT of the new charities (no ON CONFLICT: the table is locked, so none can appear meanwhile).
            cursor.execute(
                f"INSERT INTO {TABLE} ({columns}, import_run_id) SELECT {', '.join(f's.{name}' for name in COLUMNS)}, %s FROM {STAGE} s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} t WHERE {_KEY})",
                [run_id],
            )
        if updated:
            assignments = ", ".join(f"{name} = s.{name}" for name in COLUMNS if name not in ("registered_charity_number", "linked_charity_number"))
            cursor.execute(f"UPDATE {TABLE} AS t SET {assignments}, import_run_id = %s FROM {STAGE} s WHERE {_KEY} AND t.row_hash <> s.row_hash", [run_id])
        if total - known > created + updated:
            cursor.execute(
                f"UPDATE {TABLE} AS t SET raw_hash = s.raw_hash FROM {STAGE} s "
                f"WHERE {_KEY} AND t.row_hash = s.row_hash AND s.raw_hash <> '' AND t.raw_hash <> s.raw_hash"
            )
    return result
