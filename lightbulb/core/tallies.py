"""Counts kept by the database as rows change, so a page reads a handful of totals instead of counting a huge table.

A tally table holds one row per value of a column of a source table (`key`) with how many source
rows hold it (`total`). Triggers keep it, so every way of writing agrees: the ORM, `bulk_create`,
`QuerySet.update`, a `COPY` import, raw SQL.

- PostgreSQL: statement-level triggers with transition tables, so a bulk write of a million rows
  adds one grouped upsert per statement, never one per row; `TRUNCATE` empties the tally too.
- SQLite (evaluation and tests): row-level triggers, which is what SQLite has.

A migration calls `create_tally` (and `drop_tally` to reverse) from `RunPython`; it fills the tally
from the rows already there.
"""

# ruff: noqa: S608 - the SQL is built from table and column names, each checked to be a plain identifier (_names), never from data.

from __future__ import annotations

import re
from typing import Any

IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def _names(*names: str) -> None:
    for name in names:
        if not IDENTIFIER.fullmatch(name):
            raise ValueError(f"{name!r} is not a plain table or column name")


def _postgresql(table: str, column: str, tally: str) -> list[str]:
    name = f"{tally}_keep"
    # Rows leaving (-1) and arriving (+1), netted per key: an update that leaves the key alone writes nothing.
    upsert = (
        "INSERT INTO {tally} (key, total) SELECT key, sum(change) FROM ({changes}) AS changes GROUP BY key HAVING sum(change) <> 0 "
        "ON CONFLICT (key) DO UPDATE SET total = {tally}.total + EXCLUDED.total"
    )
    leaving = f"SELECT {column} AS key, -1 AS change FROM old_rows WHERE {column} IS NOT NULL"
    arriving = f"SELECT {column} AS key, 1 AS change FROM new_rows WHERE {column} IS NOT NULL"
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
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _sqlite(table: str, column: str, tally: str) -> list[str]:
    name = f"{tally}_keep"

    def add(row: str, change: int) -> str:
        return (
            f"INSERT OR IGNORE INTO {tally} (key, total) VALUES ({row}.{column}, 0); UPDATE {tally} SET total = total + ({change}) WHERE key = {row}.{column};"
        )

    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} WHEN NEW.{column} IS NOT NULL BEGIN {add('NEW', 1)} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} WHEN OLD.{column} IS NOT NULL BEGIN {add('OLD', -1)} END",
        f"CREATE TRIGGER {name}_update_old AFTER UPDATE OF {column} ON {table} WHEN OLD.{column} IS NOT NEW.{column} AND OLD.{column} IS NOT NULL "
        f"BEGIN {add('OLD', -1)} END",
        f"CREATE TRIGGER {name}_update_new AFTER UPDATE OF {column} ON {table} WHEN OLD.{column} IS NOT NEW.{column} AND NEW.{column} IS NOT NULL "
        f"BEGIN {add('NEW', 1)} END",
    ]


def create_tally(schema_editor: Any, *, table: str, column: str, tally: str) -> None:
    """Create the triggers that keep `tally` (columns key, total) counting `table`'s rows per `column`, and fill it."""
    _names(table, column, tally)
    vendor = schema_editor.connection.vendor
    statements = _postgresql(table, column, tally) if vendor == "postgresql" else _sqlite(table, column, tally)
    schema_editor.execute(f"DELETE FROM {tally}")
    schema_editor.execute(f"INSERT INTO {tally} (key, total) SELECT {column}, count(*) FROM {table} WHERE {column} IS NOT NULL GROUP BY {column}")
    for statement in statements:
        schema_editor.execute(statement)


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
