# ruff: noqa: S608 -- the SQL names only the declared tables' own table and column names; every value is a parameter or COPY data.
"""Loading the register extract's other tables: annual return history, area of operation and trustees.

Each is read a row at a time (JSON or tab-separated text, as the charity table is), each row
checked and written to a staging table by `COPY` on PostgreSQL (batched inserts elsewhere).
These tables have no key of their own, so a row is known by the hash of its published values
(all but `date_of_extract`): applying a month's file deletes the rows no longer published and
adds the new ones, in two set-based statements. An unchanged file writes nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models

from lightbulb.imports import register_load as load
from lightbulb.imports.register_load import NULL, RowError, Staged

BATCH = 5000


@dataclass(frozen=True)
class RegisterTable:
    """One of the extract's tables: its model and each published field's kind ("int", "text", "date", "money" or "flag")."""

    model: type[models.Model]
    fields: dict[str, str]
    required: tuple[str, ...] = ("registered_charity_number",)

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def stage(self) -> str:
        return f"{self.table}_stage"

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.fields, "date_of_extract", "row_hash")

    def limit(self, name: str) -> int:
        return int(getattr(self.model._meta.get_field(name), "max_length", None) or 100_000)


def _value(table: RegisterTable, name: str, kind: str, value: Any) -> str:
    if kind == "int":
        return str(load._number(value, name, required=name in table.required))
    if kind == "date":
        return load._date(value, name)
    if kind == "money":
        return load._money(value, name)
    if kind == "flag":
        return load._flag(value, name)
    text = "" if value is None else str(value).strip()
    if name in table.required and not text:
        raise RowError(f"The {name} is missing")
    if len(text) > table.limit(name):
        raise RowError(f"The {name} is longer than {table.limit(name):,} characters")
    return text.translate(load._ESCAPE)


def staged_line(table: RegisterTable, row: dict[str, Any]) -> str:
    """One row as a COPY text line (without its newline), or RowError."""
    published = "\t".join(_value(table, name, kind, row.get(name)) for name, kind in table.fields.items())
    extract = row.get("date_of_extract")
    digest = hashlib.md5(published.encode(), usedforsecurity=False).hexdigest()
    return f"{published}\t{load._date(extract, 'date_of_extract') if extract else NULL}\t{digest}"


def _create_stage(cursor: Any, table: RegisterTable) -> None:
    types = {"int": "integer", "text": "text", "date": "date", "money": "numeric(16,2)", "flag": "boolean"}
    cursor.execute(f"DROP TABLE IF EXISTS {table.stage}")
    columns = ", ".join(f"{name} {types[kind]}" for name, kind in table.fields.items())
    cursor.execute(f"CREATE TEMPORARY TABLE {table.stage} ({columns}, date_of_extract date, row_hash text)")


def _lines(table: RegisterTable, rows: Iterable[dict[str, Any]], staged: Staged, progress: load.Progress, position: Callable[[], float]) -> Iterator[str]:
    shown = time.monotonic()
    for number, row in enumerate(rows, start=1):
        try:
            yield staged_line(table, row)
        except RowError as error:
            load._reject(staged, number, str(error), row)
        if number % load.PROGRESS_ROWS == 0 and time.monotonic() - shown >= load.PROGRESS_SECONDS:
            progress(number, position())
            shown = time.monotonic()
        staged.rows = number


def _copy(cursor: Any, table: RegisterTable, lines: Iterator[str]) -> None:
    buffer: list[str] = []
    with cursor.copy(f"COPY {table.stage} ({', '.join(table.columns)}) FROM STDIN") as copy:
        for line in lines:
            buffer.append(line)
            if len(buffer) >= BATCH:
                copy.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            copy.write("\n".join(buffer) + "\n")


def _portable(kind: str, value: str) -> Any:
    if value == NULL:
        return None
    if kind == "flag":
        return value == "t"
    if kind == "money":
        return Decimal(value)
    return load._unescape(value)


def _insert(cursor: Any, table: RegisterTable, lines: Iterator[str]) -> None:
    kinds = [*table.fields.values(), "date", "text"]
    sql = f"INSERT INTO {table.stage} ({', '.join(table.columns)}) VALUES ({', '.join(['%s'] * len(kinds))})"
    batch: list[list[Any]] = []
    for line in lines:
        batch.append([_portable(kind, value) for kind, value in zip(kinds, line.split("\t"), strict=True)])
        if len(batch) >= 2000:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)


def stage(table: RegisterTable, rows: Iterable[dict[str, Any]], progress: load.Progress, position: Callable[[], float]) -> Staged:
    """Check every row and write the good ones to the table's staging table (kept for `apply`)."""
    staged = Staged()
    with connection.cursor() as cursor:
        _create_stage(cursor, table)
        lines = _lines(table, rows, staged, progress, position)
        if connection.vendor == "postgresql":
            _copy(cursor.cursor, table, lines)
            cursor.execute(f"ANALYZE {table.stage}")
        else:
            _insert(cursor, table, lines)
    return staged


def drop_stage(table: RegisterTable) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table.stage}")


@dataclass
class Applied:
    added: int = 0
    removed: int = 0
    unchanged: int = 0


def apply(table: RegisterTable, run_id: int | None) -> Applied:
    """Rows no longer published are deleted and new ones added, a statement each; an unchanged file writes nothing."""
    result = Applied()
    published = ", ".join(table.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table.table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT COUNT(*) FROM {table.stage} s WHERE NOT EXISTS (SELECT 1 FROM {table.table} t WHERE t.row_hash = s.row_hash)")
        result.added = int(cursor.fetchone()[0])
        cursor.execute(f"SELECT COUNT(*) FROM {table.table} t WHERE NOT EXISTS (SELECT 1 FROM {table.stage} s WHERE s.row_hash = t.row_hash)")
        result.removed = int(cursor.fetchone()[0])
        cursor.execute(f"SELECT COUNT(*) FROM {table.stage}")
        result.unchanged = int(cursor.fetchone()[0]) - result.added
        if result.removed:
            cursor.execute(f"DELETE FROM {table.table} WHERE NOT EXISTS (SELECT 1 FROM {table.stage} s WHERE s.row_hash = {table.table}.row_hash)")
        if result.added:
            cursor.execute(
                f"INSERT INTO {table.table} ({published}, import_run_id) SELECT {', '.join(f's.{name}' for name in table.columns)}, %s "
                f"FROM {table.stage} s WHERE NOT EXISTS (SELECT 1 FROM {table.table} t WHERE t.row_hash = s.row_hash)",
                [run_id],
            )
    return result
