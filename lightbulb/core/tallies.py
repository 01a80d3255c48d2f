"""Counts kept by the database as rows change, so a page reads a handful of totals instead of counting a huge table.

A tally table holds one row per value of a column of a source table (`key`) with how many source
rows hold it (`total`). Triggers keep it, so every way of writing agrees: the ORM, `bulk_create`,
`QuerySet.update`, a `COPY` import, raw SQL.

- PostgreSQL: statement-level triggers with transition tables, so a bulk write of a million rows
  adds one grouped upsert per statement, never one per row; `TRUNCATE` empties the tally too.
- SQLite (evaluation and tests): row-level triggers, which is what SQLite has.

A migration calls `create_tally` (and `drop_tally` to reverse) from `RunPython`; it fills the tally
from the rows already there. With `only=(column, value)` it counts only the rows holding that value
there (the open flags by rule, say): a row is counted, moved or dropped as either column changes.
"""

# ruff: noqa: S608 - the SQL is built from table and column names, each checked to be a plain identifier (_names), never from data.

from __future__ import annotations

import re
from typing import Any

IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
# A value `only` may name: a plain word, written into the SQL as a literal.
VALUE = re.compile(r"[A-Za-z0-9_ -]*")


def _names(*names: str) -> None:
    for name in names:
        if not IDENTIFIER.fullmatch(name):
            raise ValueError(f"{name!r} is not a plain table or column name")


def _counted(row: str, column: str, only: tuple[str, str] | None) -> str:
    """The SQL condition for `row` (a table or OLD/NEW) to be counted."""
    condition = f"{row}.{column} IS NOT NULL"
    if only is not None:
        condition += f" AND {row}.{only[0]} = '{only[1]}'"
    return condition


def _checked(only: tuple[str, str] | None) -> None:
    if only is not None:
        _names(only[0])
        if not VALUE.fullmatch(only[1]):
            raise ValueError(f"{only[1]!r} is not a plain value")


def _postgresql(table: str, column: str, tally: str, only: tuple[str, str] | None = None) -> list[str]:
    name = f"{tally}_keep"
    # Rows leaving (-1) and arriving (+1), netted per key: an update that leaves the key alone writes nothing.
    upsert = (
        "INSERT INTO {tally} (key, total) SELECT key, sum(change) FROM ({changes}) AS changes GROUP BY key HAVING sum(change) <> 0 "
        "ON CONFLICT (key) DO UPDATE SET total = {tally}.total + EXCLUDED.total"
    )
    leaving = f"SELECT {column} AS key, -1 AS change FROM old_rows WHERE {_counted('old_rows', column, only)}"
    arriving = f"SELECT {column} AS key, 1 AS change FROM new_rows WHERE {_counted('new_rows', column, only)}"
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {upsert.format(tally=tally, changes=arriving)};
  ELSIF TG_OP = 'DELETE' THEN
    {upsert.format(tally=tally, changes=leaving)};
  ELSIF TG_OP = 'UPDATE' THEN
    {upsert.format(tally=tally, changes=leaving + " UNION ALL " + arriving)};
  ELSE
    DELETE FROM {tally};
  END IF;
  RETURN NULL;
END $$""",
        # Whatever search_path the writer has (a DBA's session, pg_restore's empty one), the function finds its tables.
        f"ALTER FUNCTION {name}() SET search_path FROM CURRENT",
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _sqlite(table: str, column: str, tally: str, only: tuple[str, str] | None = None) -> list[str]:
    name = f"{tally}_keep"

    def add(row: str, change: int) -> str:
        return (
            f"INSERT OR IGNORE INTO {tally} (key, total) VALUES ({row}.{column}, 0); UPDATE {tally} SET total = total + ({change}) WHERE key = {row}.{column};"
        )

    watched = column if only is None else f"{column}, {only[0]}"
    # An update moves a row when its key changes or, with `only`, when it starts or stops being counted.
    moved = (
        f"(OLD.{column} IS NOT NEW.{column}" + ("" if only is None else f" OR ({_counted('OLD', column, only)}) IS NOT ({_counted('NEW', column, only)})") + ")"
    )
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} WHEN {_counted('NEW', column, only)} BEGIN {add('NEW', 1)} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} WHEN {_counted('OLD', column, only)} BEGIN {add('OLD', -1)} END",
        f"CREATE TRIGGER {name}_update_old AFTER UPDATE OF {watched} ON {table} WHEN {moved} AND {_counted('OLD', column, only)} BEGIN {add('OLD', -1)} END",
        f"CREATE TRIGGER {name}_update_new AFTER UPDATE OF {watched} ON {table} WHEN {moved} AND {_counted('NEW', column, only)} BEGIN {add('NEW', 1)} END",
    ]


def create_tally(schema_editor: Any, *, table: str, column: str, tally: str, only: tuple[str, str] | None = None) -> None:
    """Create the triggers that keep `tally` (columns key, total) counting `table`'s rows per `column`, and fill it.

    With `only=(other column, value)`, only the rows holding that value in that column are counted."""
    _names(table, column, tally)
    _checked(only)
    vendor = schema_editor.connection.vendor
    statements = _postgresql(table, column, tally, only) if vendor == "postgresql" else _sqlite(table, column, tally, only)
    schema_editor.execute(f"DELETE FROM {tally}")
    schema_editor.execute(f"INSERT INTO {tally} (key, total) SELECT {column}, count(*) FROM {table} WHERE {_counted(table, column, only)} GROUP BY {column}")
    for statement in statements:
        schema_editor.execute(statement)


def keep_search_path(schema_editor: Any, *functions: str) -> None:
    """Make trigger functions created before they fixed their own search_path find their tables whoever writes (PostgreSQL)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for function in functions:
        _names(function)
        schema_editor.execute(f"ALTER FUNCTION {function}() SET search_path FROM CURRENT")


def drop_tally(schema_editor: Any, *, table: str, tally: str) -> None:
    _names(table, tally)
    name = f"{tally}_keep"
    if schema_editor.connection.vendor == "postgresql":
        for event in ("insert", "delete", "update", "truncate"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for event in ("insert", "delete", "update_old", "update_new"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
