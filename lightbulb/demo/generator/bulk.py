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

from collections.abc import Sequence
from typing import Any

from django.db import connection, models
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
    with connection.cursor() as cursor, cursor.copy(f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN") as copy:
        for offset, obj in enumerate(objects):
            obj.pk = first + offset
            copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])
            obj._state.adding = False
            obj._state.db = connection.alias


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
