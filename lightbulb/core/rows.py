"""Reads whose SQL is compiled once per process: one record by a unique field, or the rows of a query.

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

`CompiledRows` does the same for the rows of a `values_list()` or `values()` query that a page runs
on every build with new values (an organisation's number, today's date): the queryset is built and
compiled twice with stand-in values, and used only if both give the same SQL with each stand-in in
places of its own (so the SQL cannot depend on the values), else the ORM runs it every time
(docs/adr/0010-compiled-rows.md).
"""

from __future__ import annotations

import datetime
import functools
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Field, Model, QuerySet, Value
from django.db.models.query import FlatValuesListIterable, NamedValuesListIterable, ValuesIterable, ValuesListIterable
from django.db.models.utils import create_namedtuple_class

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


def _kept_converters(compiler: Any, columns: list[Any]) -> list[tuple[int, list[_Converter], Any]]:
    """The columns' converters by position, as SQLCompiler.apply_converters takes them, the database's own unbound."""
    operations = compiler.connection.ops
    return [(position, [_kept(each, operations) for each in found], column) for position, (found, column) in compiler.get_converters(columns).items()]


def _converted(row: list[Any], converters: list[tuple[int, list[_Converter], Any]], connection: Any) -> list[Any]:
    """A row as the ORM converts it, each database converter bound to the reading connection's operations."""
    for position, found, column in converters:
        value = row[position]
        for converter in found:
            value = converter.bound(connection.ops)(value, column, connection)
        row[position] = value
    return row


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
        converters = _kept_converters(compiler, own)
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
        return self.model.from_db(alias, compiled.columns, _converted(list(rows[0]), compiled.converters, connection))  # type: ignore[return-value]


class Row(dict[str, Any]):
    """A row of a `values()` query read by CompiledRows: a dict whose keys are also its attributes (`row.name`), so a
    template or caller reads it as it would the record."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@functools.cache
def choice_labels(model: type[Model], field: str) -> dict[Any, str]:
    """A field's choices as value → label, for rows read without their model (a record's `get_FIELD_display()`)."""
    found = model._meta.get_field(field)
    assert isinstance(found, Field), f"{model.__name__}.{field} is not a field of its own"
    return {value: str(label) for value, label in found.flatchoices}


def labelled(rows: list[Any], model: type[Model], field: str) -> list[Row]:
    """`values()` rows each with `<field>_label`, the label of its choice, as the record's `get_FIELD_display()` says it."""
    labels = choice_labels(model, field)
    return [Row(row, **{f"{field}_label": labels.get(row[field], row[field])}) for row in rows]


def aggregated(queryset: QuerySet[Any, Any], **aggregates: Any) -> QuerySet[Any, Any]:
    """`queryset.aggregate(**aggregates)` as a query of one row (a dict) that CompiledRows can compile.

    The aggregates are grouped by a constant, which Django leaves out of GROUP BY: the SQL is the
    aggregate's own (no GROUP BY), so the one row comes even when nothing matches, as `aggregate()`'s does.
    """
    one_row = queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(**aggregates).values(*aggregates)
    # Where the SQL is never run (a filter nothing can match), `aggregate()` still gives one row: each aggregate's value
    # over nothing. CompiledRows reads it from here.
    one_row.empty_aggregate = {name: getattr(aggregate, "empty_result_set_value", None) for name, aggregate in aggregates.items()}  # type: ignore[attr-defined]
    return one_row


# Stand-in values, one set per compile: of the kind a parameter takes, and unlike any value a query writes itself.
# The two compiles space their stand-ins differently, and dates fall mid-month, so a value the build works out from one
# (the day after, the first of its year) cannot stand where another's stand-in stands in both compiles; text carries
# the characters a pattern escapes, so a lookup that escapes them leaves no stand-in as given.
_STAND_INS: dict[type, Callable[[int, int], Any]] = {
    int: lambda which, index: 2_000_000_000 + 100_000 * which + index * (7 + 6 * which),
    str: lambda which, index: f"\ue000%_\\stand-in {which}.{index}\ue000",
    datetime.date: lambda which, index: datetime.date(1101 + 7 * which, 3 + 2 * which, 13 + which) + datetime.timedelta(days=index * (7 + 6 * which)),
}


@dataclass(frozen=True)
class _Slot:
    """Where a value goes among the compiled SQL's parameters, and how the database is sent it: as given (None), as
    text (a date on SQLite) or in the driver's type the field chose (psycopg's Int8 for a big integer column)."""

    position: int
    name: str
    adapt: Callable[[Any], Any] | None


@dataclass(frozen=True)
class _CompiledRows:
    sql: str
    parameters: tuple[Any, ...]  # the query's own constants, with the slots filled at each run
    slots: tuple[_Slot, ...]
    converters: list[tuple[int, list[_Converter], Any]]
    width: int  # the columns a row has (the SQL may select more, to order by)
    shape: str  # "tuples", "flat", "named" or "dicts"
    names: tuple[str, ...]


_SHAPES = {ValuesListIterable: "tuples", FlatValuesListIterable: "flat", NamedValuesListIterable: "named", ValuesIterable: "dicts"}


_NOT_IT = object()


def _adapter(parameter: Any, stand_in: Any) -> Any:
    """How a compiled parameter holds a stand-in: as given (None), as text (a date on SQLite), in the driver's own integer
    type (which tells it the column's); `_NOT_IT` if it is not that stand-in."""
    if type(parameter) is type(stand_in) and parameter == stand_in:
        return None
    if isinstance(stand_in, datetime.date) and parameter == str(stand_in):
        return str
    if type(stand_in) is int and isinstance(parameter, int) and not isinstance(parameter, bool) and parameter == stand_in:
        return type(parameter)
    return _NOT_IT


def _rows_of(queryset: Any, compiler: Any, sql: str, placed: tuple[tuple[_Slot, ...], tuple[Any, ...]]) -> _CompiledRows | None:
    """The compiled query, if its rows can be made as Django's iterable for it makes them."""
    shape = _SHAPES.get(queryset._iterable_class)
    if shape is None or compiler.query.extra_select:
        return None
    columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(columns):
        return None
    converters = _kept_converters(compiler, columns)
    # The names Django's own iterables give the columns (ValuesIterable, NamedValuesListIterable).
    query = compiler.query
    every = (*query.values_select, *query.annotation_select)
    names = tuple((query.selected or every) if shape == "dicts" else (queryset._fields or every))
    slots, constants = placed
    return _CompiledRows(sql, constants, slots, converters, compiler.col_count, shape, names)


class CompiledRows:
    """The rows of `build(**values)`, a `values_list()` or `values()` query, with its SQL compiled once per process and database.

    `kinds` names each value `build` takes and its kind (int, str or datetime.date); `rows(**values)` is
    `list(build(**values))`, the same rows as the ORM gives, converted by the same converters.
    """

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], **kinds: type) -> None:
        unknown = [name for name, kind in kinds.items() if kind not in _STAND_INS]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: a compiled query takes whole numbers, text and dates only")
        self.build = build
        self.kinds = kinds
        # Per database alias: the compiled query, or None where the ORM runs it every time.
        self._compiled: dict[str, _CompiledRows | None] = {}
        self._model: type[Model] | None = None

    def _check(self, values: dict[str, Any]) -> bool:
        """Whether the values may go in the compiled SQL; a value of the wrong kind is refused."""
        if set(values) != set(self.kinds):
            raise TypeError(f"a compiled query takes {sorted(self.kinds)}, not {sorted(values)}")
        for name, value in values.items():
            kind = self.kinds[name]
            # A date is not a datetime, nor a number a True: each would change what the SQL compares.
            if type(value) is not kind:
                raise TypeError(f"{name} is a {kind.__name__}, not {type(value).__name__}: {value!r}")
        # An empty text or a nought may take a build down another branch (`if name:`), and a number past 64 bits is
        # one the ORM answers itself: those are read by the ORM, not the SQL compiled with stand-ins.
        return all(value and not (isinstance(value, int) and not -(2**63) <= value < 2**63) for value in values.values())

    def _stand_ins(self, which: int) -> dict[str, Any]:
        return {name: _STAND_INS[kind](which, index) for index, (name, kind) in enumerate(self.kinds.items())}

    def _compile_with(self, alias: str, which: int) -> tuple[Any, dict[str, Any]] | None:
        stand_ins = self._stand_ins(which)
        try:
            queryset = self.build(**stand_ins).using(alias)
            compiler = queryset.query.get_compiler(alias)
            sql, parameters = compiler.as_sql()
        except Exception:  # noqa: BLE001 - a stand-in the query cannot take (a year of 2,000,000,000), nothing matched: read by the ORM
            return None
        return (queryset, compiler, sql, tuple(parameters)), stand_ins

    @staticmethod
    def _slots(parameters: tuple[Any, ...], stand_ins: dict[str, Any]) -> tuple[tuple[_Slot, ...], tuple[Any, ...]] | None:
        """Where each stand-in went, and the parameters with those places emptied; None if one was lost or changed."""
        slots, constants = [], list(parameters)
        for position, parameter in enumerate(parameters):
            for name, stand_in in stand_ins.items():
                adapt = _adapter(parameter, stand_in)
                if adapt is not _NOT_IT:
                    slots.append(_Slot(position, name, adapt))
                    constants[position] = None
        if {slot.name for slot in slots} != set(stand_ins):
            return None  # a value the query changed (a pattern, a list) or left out: not compiled
        return tuple(slots), tuple(constants)

    def _compile(self, alias: str) -> _CompiledRows | None:
        first, second = self._compile_with(alias, 0), self._compile_with(alias, 1)
        if first is None or second is None:
            return None
        (queryset, compiler, sql, parameters), stand_ins = first
        (_, _, other_sql, other_parameters), other_stand_ins = second
        placed, other = self._slots(parameters, stand_ins), self._slots(other_parameters, other_stand_ins)
        # The same SQL and the same places whatever the values: else the SQL depends on them and is built each time.
        # The query's own constants too: one worked out from a value (a date thirty days before) would be kept for good.
        if placed is None or other is None or placed != other or sql != other_sql:
            return None
        return _rows_of(queryset, compiler, sql, placed)

    def _default_alias(self) -> str:
        if self._model is None:
            self._model = self.build(**self._stand_ins(0)).model
        return router.db_for_read(self._model)  # type: ignore[no-any-return]

    def _by_the_orm(self, alias: str, values: dict[str, Any]) -> list[Any]:
        built = self.build(**values)
        # As the compiled rows are: a `values()` row is a Row, and an aggregate is one row even of nothing.
        found = [Row(row) if type(row) is dict else row for row in built.using(alias)]
        empty = getattr(built, "empty_aggregate", None)
        return found if found or empty is None else [Row(empty)]

    def rows(self, *, using: str | None = None, **values: Any) -> list[Any]:
        alias = using or self._default_alias()
        if not self._check(values):
            return self._by_the_orm(alias, values)
        if alias not in self._compiled:
            self._compiled[alias] = self._compile(alias)
        compiled = self._compiled[alias]
        if compiled is None:
            return self._by_the_orm(alias, values)
        parameters = list(compiled.parameters)
        for slot in compiled.slots:
            value = values[slot.name]
            parameters[slot.position] = value if slot.adapt is None else slot.adapt(value)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, parameters)
            fetched = cursor.fetchall()
        return self._shaped(compiled, fetched, connection)

    @staticmethod
    def _shaped(compiled: _CompiledRows, fetched: list[Any], connection: Any) -> list[Any]:
        rows = [_converted(list(fetched_row[: compiled.width]), compiled.converters, connection) for fetched_row in fetched]
        return _SHAPERS[compiled.shape](compiled.names, rows)


def _named(names: tuple[str, ...], rows: list[list[Any]]) -> list[Any]:
    named = create_namedtuple_class(*names)
    return [tuple.__new__(named, row) for row in rows]


# How each shape makes its rows of the converted columns, as Django's iterables make them.
_SHAPERS: dict[str, Callable[[tuple[str, ...], list[list[Any]]], list[Any]]] = {
    "flat": lambda names, rows: [row[0] for row in rows],
    "dicts": lambda names, rows: [Row(zip(names, row, strict=False)) for row in rows],
    "named": _named,
    "tuples": lambda names, rows: [tuple(row) for row in rows],
}
