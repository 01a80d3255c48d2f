"""One record read by a unique field, with the SQL compiled once per process.

Why: every signed-in request reads its session, then its person, then their authenticator before
anything else. Compiling those three small queries through the ORM cost more than running them:
about a third of the time of a page served from the kept pages (docs/adr/0009-sign-in-reads.md).

The SQL is the ORM's own for `Model._default_manager.filter(field=value)`, compiled the first time
a process reads that model with a value the ORM could look up, and run again with each value; the
row is made into the model as the ORM makes it (the fields' converters, then `Model.from_db`). A
model whose query is not a plain read of its own columns by one parameter (a manager that joins,
annotates or filters by more) is read through the ORM every time: the reader is a saving, never a
different answer.

A value no record can have is no record, before any SQL: one of the wrong kind ("abc" for a number),
one outside the column's range (as the ORM's lookup finds nothing for it) and None (a reader by a
value, not a test for a missing one).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Converter:
    """A field's converter; one of the database's own is kept unbound and bound to the reading connection's each time."""

    function: Any
    of_the_database: bool

    def bound(self, operations: BaseDatabaseOperations) -> Any:
        return types.MethodType(self.function, operations) if self.of_the_database else self.function


@dataclass(frozen=True)
class _Compiled:
    sql: str
    columns: list[str]
    # By column: its converters and the column they convert, as SQLCompiler.apply_converters takes them.
    converters: list[tuple[int, list[_Converter], Any]]


def _kept(converter: Any, operations: BaseDatabaseOperations) -> _Converter:
    # A database converter is a method of the compiling connection's operations: keeping it bound would keep that
    # connection (another thread's, its query log under DEBUG) for the life of the process.
    if isinstance(converter, types.MethodType) and converter.__self__ is operations:
        return _Converter(converter.__func__, True)
    return _Converter(converter, False)


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
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a value the lookup refuses though it passed ours: not compiled, read by the ORM
            return None
        own = [column for column, _, _ in compiler.select]
        if len(params) != 1 or not self._plain(compiler, own):
            return None
        operations = compiler.connection.ops
        converters = [(position, [_kept(each, operations) for each in found], column) for position, (found, column) in compiler.get_converters(own).items()]
        # Only the SQL, columns and converters are kept: nothing of the value it was compiled with, nor the connection.
        return _Compiled(sql, [column.target.attname for column in own], converters)

    def _plain(self, compiler: Any, own: list[Any]) -> bool:
        """The query reads this model's own columns and nothing else: no annotation, no related model."""
        info = compiler.klass_info
        concrete = self.model._meta.concrete_model
        return (
            not compiler.query.annotation_select
            and info is not None
            and info.get("model") is self.model
            and not info.get("related_klass_infos")
            and all(getattr(column, "target", None) is not None and column.target.model._meta.concrete_model is concrete for column in own)
        )

    def _parameter(self, value: Any, connection: Any) -> Any:
        """The value as the database is sent it, or None if no record can have it."""
        if value is None:
            return None
        try:
            parameter = self.field.get_db_prep_value(value, connection)
        except (TypeError, ValueError, ValidationError):
            return None  # a value of the wrong kind (a session naming no number) names no record
        if isinstance(parameter, int):
            try:
                low, high = connection.ops.integer_field_range(self.field.get_internal_type())
            except KeyError:  # not an integer column
                return parameter
            if (low is not None and parameter < low) or (high is not None and parameter > high):
                return None  # as the ORM's lookup, which finds nothing outside the column's range
        return parameter

    def get(self, value: Any, *, using: str | None = None) -> M | None:
        alias = using or router.db_for_read(self.model)
        connection = connections[alias]
        parameter = self._parameter(value, connection)
        if parameter is None:
            return None
        if alias not in self._compiled:
            self._compiled[alias] = self._compile(alias, value)
        compiled = self._compiled[alias]
        if compiled is None:
            return self._queryset(alias, value).first()  # type: ignore[no-any-return]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, [parameter])
            rows = cursor.fetchmany(2)
        if not rows:
            return None
        if len(rows) > 1:
            several = f"{len(rows)} {self.model.__name__} records have {self.field.name} {value!r}"
            raise self.model.MultipleObjectsReturned(several)  # type: ignore[attr-defined]
        row = list(rows[0])
        for position, converters, column in compiled.converters:
            for converter in converters:
                row[position] = converter.bound(connection.ops)(row[position], column, connection)
        return self.model.from_db(alias, compiled.columns, row)  # type: ignore[return-value]
