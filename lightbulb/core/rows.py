"""One record read by a unique field, with the SQL compiled once per process.

Why: every signed-in request reads its session, then its person, then their authenticator before
anything else. Compiling those three small queries through the ORM cost more than running them:
about a third of the time of a page served from the kept pages (docs/adr/0009-sign-in-reads.md).

The SQL is the ORM's own for `Model._default_manager.filter(field=value)`, compiled the first time
a process reads that model and run again with each value; the row is made into the model as the
ORM makes it (the fields' converters, then `Model.from_db`). A model whose query is not a plain
read of its own columns by one parameter (a manager that joins, annotates or filters by more) is
read through the ORM every time: the reader is a saving, never a different answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    columns: list[str]
    # By column: the fields' converters and the column they convert, as SQLCompiler.apply_converters takes them.
    converters: list[tuple[int, tuple[list[Any], Any]]]


class UniqueReader(Generic[M]):
    """Read a `model` by the value of one unique `field` ("pk" by default): the record, or None."""

    def __init__(self, model: type[M], field: str = "pk") -> None:
        self.model = model
        found = model._meta.pk if field == "pk" else model._meta.get_field(field)
        if not isinstance(found, Field) or not (found.primary_key or found.unique):
            raise ValueError(f"{model.__name__}.{field} is not unique: a reader by it could find several records")
        self.field: Field[Any, Any] = found
        # Per database alias: the compiled read, or None where the ORM reads every time.
        self._compiled: dict[str, _Compiled | None] = {}

    def _queryset(self, alias: str, value: Any) -> Any:
        return self.model._default_manager.using(alias).filter(**{self.field.attname: value})

    def _compile(self, alias: str, value: Any) -> _Compiled | None:
        compiler = self._queryset(alias, value).query.get_compiler(alias)
        sql, params = compiler.as_sql()
        own = [column for column, _, _ in compiler.select]
        plain = (
            len(params) == 1
            and not compiler.query.annotation_select
            and compiler.klass_info is not None
            and compiler.klass_info.get("model") is self.model
            and not compiler.klass_info.get("related_klass_infos")
            and all(
                getattr(column, "target", None) is not None and column.target.model._meta.concrete_model is self.model._meta.concrete_model for column in own
            )
        )
        if not plain:
            return None
        # Only the SQL, columns and converters are kept: nothing of the value it was compiled with.
        return _Compiled(sql, [column.target.attname for column in own], list(compiler.get_converters(own).items()))

    def get(self, value: Any, *, using: str | None = None) -> M | None:
        alias = using or router.db_for_read(self.model)
        if alias not in self._compiled:
            self._compiled[alias] = self._compile(alias, value)
        compiled = self._compiled[alias]
        if compiled is None:
            return self._queryset(alias, value).first()  # type: ignore[no-any-return]
        connection = connections[alias]
        try:
            parameter = self.field.get_db_prep_value(value, connection)
        except (TypeError, ValueError, ValidationError):
            return None  # a value of the wrong kind (a session naming no number) names no record
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, [parameter])
            rows = cursor.fetchmany(2)
        if not rows:
            return None
        if len(rows) > 1:
            several = f"{len(rows)} {self.model.__name__} records have {self.field.name} {value!r}"
            raise self.model.MultipleObjectsReturned(several)  # type: ignore[attr-defined]
        row = list(rows[0])
        for position, (converters, column) in compiled.converters:
            for converter in converters:
                row[position] = converter(row[position], column, connection)
        return self.model.from_db(alias, compiled.columns, row)  # type: ignore[return-value]
