"""Writing many demo rows fast: `COPY` on PostgreSQL, `bulk_create` elsewhere.

`bulk_insert(objects)` is `bulk_create` for unsaved model instances of one model, with their
primary keys filled in afterwards as `bulk_create` does. On PostgreSQL it reserves a block of ids
from the table's sequence in one statement and streams the rows with `COPY … FROM STDIN`
(ENGINEERING.md §5: multi-row INSERT runs at about a tenth of `COPY`'s rate), which is how the
national tier's millions of rows are seeded within minutes. Field defaults and `auto_now` stamps
are applied as `bulk_create` applies them (`pre_save`); `save()` and signals are not called, so
callers fill derived columns (such as organisations' search keys) themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, models
from django.utils import timezone

SQLITE_BATCH = 2000


def reserve_ids(model: type[models.Model], count: int) -> int:
    """The first of `count` consecutive new primary keys for `model` (PostgreSQL: taken from its sequence at once)."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        (sequence,) = cursor.fetchone()
        # nextval() then setval() past the block; the demo runs alone in its transaction.
        cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
        (last,) = cursor.fetchone()
    return int(last) - count + 1


def _copy(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    opts = model._meta
    fields = list(opts.concrete_fields)
    first = reserve_ids(model, len(objects))
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    # The connection itself, not the per-thread proxy: looked up once, not once per value.
    wrapper = connections[connection.alias]
    with wrapper.cursor() as cursor, cursor.copy(f"COPY {wrapper.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN") as copy:
        for offset, obj in enumerate(objects):
            obj.pk = first + offset
            copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), wrapper) for field in fields])
            obj._state.adding = False
            obj._state.db = wrapper.alias


def _constant(field: Any) -> Any:
    """What a column holds when a row leaves it out: the field's default, or now for `auto_now` stamps."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def _copy_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> int:
    opts = model._meta
    named = set(rows[0])
    fields = [field for field in opts.concrete_fields if not field.primary_key]
    given = [field for field in fields if field.attname in named]
    fixed = [field for field in fields if field.attname not in named]
    fixed_values = [field.get_db_prep_save(_constant(field), connection) for field in fixed]
    first = reserve_ids(model, len(rows))
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in [opts.pk, *given, *fixed])
    names = [field.attname for field in given]
    with connection.cursor() as cursor, cursor.copy(f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN") as copy:
        for offset, row in enumerate(rows):
            copy.write_row([first + offset, *(row[name] for name in names), *fixed_values])
    return first


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> int:
    """Insert plain rows (`{attname: value}`, every row naming the same columns) and return the first new id.

    The lean path for millions of rows: no model instances, each left-out column's default worked
    out once. The ids are consecutive from the one returned, in the order of `rows`.
    """
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        created = model._default_manager.bulk_create([model(**row) for row in rows], batch_size=SQLITE_BATCH)
        return int(created[0].pk)
    return _copy_rows(model, rows)


def bulk_insert(objects: Sequence[Any]) -> list[Any]:
    """Insert unsaved instances of one model (ids filled in); COPY on PostgreSQL, bulk_create on other engines."""
    if not objects:
        return list(objects)
    model = type(objects[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=SQLITE_BATCH)
    _copy(model, objects)
    return list(objects)


@dataclasses.dataclass
class _Deferred:
    """What `loading` took off the tables for the load: (table, name, definition) of each index and foreign key."""

    indexes: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)


def _tables(models_: Sequence[type[models.Model]]) -> list[str]:
    tables: list[str] = []
    for model in models_:
        tables.append(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None and through._meta.auto_created:
                tables.append(through._meta.db_table)
    return list(dict.fromkeys(tables))


def _take_off(tables: list[str]) -> _Deferred:
    """Drop the tables' secondary indexes and foreign keys.

    Kept: primary keys, indexes behind a unique or other constraint, and partial indexes (small, and a
    partial index's condition, printed and read back, may no longer be the one the planner matches queries with).
    """
    deferred = _Deferred()
    with connection.cursor() as cursor:
        # Checks still pending from rows written earlier in the transaction run now: a table with pending checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            """
            SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid)
            FROM pg_index index
            WHERE index.indrelid = ANY(%s::regclass[]) AND NOT index.indisprimary AND index.indpred IS NULL
              AND NOT EXISTS (SELECT 1 FROM pg_constraint constraint_ WHERE constraint_.conindid = index.indexrelid)
            ORDER BY 1
            """,
            [tables],
        )
        deferred.indexes = [(name, definition) for name, definition in cursor.fetchall()]
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2
            """,
            [tables],
        )
        deferred.foreign_keys = list(cursor.fetchall())
        for table, name, _definition in deferred.foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in deferred.indexes:
            cursor.execute(f"DROP INDEX {name}")
    return deferred


def _put_back(deferred: _Deferred, tables: list[str]) -> None:
    """Build the indexes again from the loaded rows, check each foreign key with one query, and refresh the planner's statistics."""
    with connection.cursor() as cursor:
        # Any row-by-row checks still pending from other tables run now, so the tables can be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in deferred.indexes:
            cursor.execute(definition)
        for table, name, definition in deferred.foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


@contextmanager
def loading(models_: Sequence[type[models.Model]]) -> Iterator[None]:
    """Load many rows into these models' tables (and their many-to-many tables) with their indexes and foreign keys off.

    On PostgreSQL, inside the caller's transaction and before anything is written to those tables:
    the secondary indexes are dropped and built again once from the loaded rows (a GIN trigram index
    grows far faster built once than row by row), and each foreign key is dropped and added again,
    which checks every row with one join instead of a trigger per row at commit. The unique
    constraints stay, so a duplicate still fails the load. Elsewhere it does nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = _tables(models_)
    deferred = _take_off(tables)
    yield
    _put_back(deferred, tables)
