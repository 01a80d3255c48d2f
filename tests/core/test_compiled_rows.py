"""lightbulb.core.rows.CompiledRows: a query's rows by SQL compiled once, the same as the ORM's on both databases."""

from __future__ import annotations

import datetime
import gc
import types
from decimal import Decimal

import pytest
from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Count, Max, Q, Sum
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from lightbulb.core.models import AuditEvent
from lightbulb.core.rows import CompiledRows, Row, aggregated
from lightbulb.funding.models import Agreement
from lightbulb.organisations.models import Organisation
from tests.factories import AgreementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def agreements_of(organisation: int, starting: datetime.date):
    """A join, a filter on a date, an annotation, an order and a slice: the shape of a page's section."""
    return (
        Agreement.objects.filter(organisation_id=organisation, start_date__gte=starting)
        .annotate(condition_count=Count("conditions"))
        .order_by("-start_date", "reference")
        .values_list("pk", "reference", "amount", "start_date", "organisation__name", "condition_count")[:10]
    )


@pytest.fixture
def held() -> tuple[Organisation, Organisation]:
    first, second = OrganisationFactory(name="Riverside Trust"), OrganisationFactory(name="Hilltop Group")
    for year, amount in ((2023, "1500.50"), (2024, "2500.00"), (2025, "12000.75")):
        AgreementFactory(organisation=first, start_date=datetime.date(year, 4, 1), end_date=datetime.date(year + 1, 3, 31), amount=Decimal(amount))
    AgreementFactory(organisation=second, start_date=datetime.date(2025, 6, 1), end_date=datetime.date(2026, 5, 31))
    return first, second


def test_the_rows_are_the_orms_for_each_value(held):
    first, second = held
    read = CompiledRows(agreements_of, organisation=int, starting=datetime.date)
    for organisation, starting in ((first.pk, datetime.date(2024, 1, 1)), (first.pk, datetime.date(2000, 1, 1)), (second.pk, datetime.date(2025, 1, 1))):
        rows = read.rows(organisation=organisation, starting=starting)
        assert rows == list(agreements_of(organisation, starting))
        assert rows, "each case finds agreements"
    # The date is a parameter, not the first value's constant: a later day finds fewer.
    assert len(read.rows(organisation=first.pk, starting=datetime.date(2025, 1, 1))) == 1
    assert read.rows(organisation=first.pk, starting=datetime.date(2030, 1, 1)) == []
    # Converted as the ORM converts: Decimal with its scale, dates as dates (SQLite sends text).
    amount, start = read.rows(organisation=first.pk, starting=datetime.date(2025, 1, 1))[0][2:4]
    assert repr(amount) == repr(Decimal("12000.75"))
    assert type(start) is datetime.date


@pytest.mark.parametrize(
    "build",
    [
        lambda name: Organisation.objects.filter(name=name).values_list("pk", flat=True),
        lambda name: Organisation.objects.filter(name=name).values_list("name", "created_at", "human_edited_fields", named=True),
        lambda name: Organisation.objects.filter(name=name).values("pk", "name", "latest_income", "ward__name"),
    ],
    ids=["flat", "named", "dicts"],
)
def test_each_shape_of_rows_is_the_orms(build):
    OrganisationFactory(name="Riverside Trust", human_edited_fields=["name"], latest_income=Decimal("100.10"))
    OrganisationFactory(name="Hilltop Group")
    read = CompiledRows(build, name=str)
    assert read._compiled == {}
    for name in ("Riverside Trust", "Hilltop Group", "Nobody"):
        assert read.rows(name=name) == list(build(name))
    assert read._compiled["default"] is not None, "compiled, not read by the ORM"
    row = CompiledRows(build, name=str).rows(name="Riverside Trust")[0]
    orm = build("Riverside Trust")[0]
    if isinstance(orm, dict):
        # A dict as the ORM's, whose values are also attributes, as a record's would be.
        assert isinstance(row, Row) and row == orm and row.name == "Riverside Trust"
        with pytest.raises(AttributeError):
            row.nothing_of_the_sort  # the missing attribute is the point
    else:
        assert type(row) is type(orm)


def test_a_value_used_twice_fills_both_places(held):
    first, second = held
    both = CompiledRows(lambda key: Organisation.objects.filter(Q(pk=key) | Q(merged_into_id=key)).values_list("pk", flat=True), key=int)
    assert both.rows(key=first.pk) == [first.pk]
    Organisation.objects.filter(pk=second.pk).update(merged_into=first)
    assert sorted(both.rows(key=first.pk)) == sorted([first.pk, second.pk])
    assert both._compiled["default"] is not None
    assert [slot.name for slot in both._compiled["default"].slots] == ["key", "key"]


def test_one_query_compiled_once_then_only_run(held, monkeypatch):
    first, second = held
    read = CompiledRows(agreements_of, organisation=int, starting=datetime.date)
    compiles = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *args, **kwargs: compiles.append(1) or original(self, *args, **kwargs))
    read.rows(organisation=first.pk, starting=datetime.date(2020, 1, 1))
    assert compiles, "the first read compiles"
    compiles.clear()
    with CaptureQueriesContext(connection) as captured:
        read.rows(organisation=second.pk, starting=datetime.date(2020, 1, 1))
        read.rows(organisation=first.pk, starting=datetime.date(2024, 1, 1))
    assert compiles == []
    assert len(captured) == 2
    # The ORM's own SQL, as the database was sent it.
    with CaptureQueriesContext(connection) as orm:
        list(agreements_of(second.pk, datetime.date(2020, 1, 1)))
    assert captured[0]["sql"] == orm[0]["sql"]
    # Nothing of a value is kept: neither the stand-ins it was compiled with nor the values it last ran with.
    kept = read._compiled["default"]
    assert [kept.parameters[slot.position] for slot in kept.slots] == [None, None]
    assert "2000000" not in kept.sql + repr(kept.parameters) and "1101" not in kept.sql + repr(kept.parameters)


def test_a_query_whose_sql_depends_on_the_value_is_run_by_the_orm_each_time():
    OrganisationFactory(name="Riverside Trust")
    # `icontains` wraps the text in a pattern: the stand-in is not a parameter of its own, so nothing is compiled.
    read = CompiledRows(lambda text: Organisation.objects.filter(name__icontains=text).values_list("name", flat=True), text=str)
    assert read.rows(text="river") == ["Riverside Trust"]
    assert read.rows(text="hill") == []
    assert read._compiled["default"] is None
    # A value the query leaves out is not compiled either.
    ignored = CompiledRows(lambda key: Organisation.objects.values_list("name", flat=True), key=int)
    assert ignored.rows(key=1) == ["Riverside Trust"]
    assert ignored._compiled["default"] is None


def test_a_model_query_is_not_compiled_but_still_answered(held):
    first, _ = held
    read = CompiledRows(lambda key: Organisation.objects.filter(pk=key), key=int)
    assert read.rows(key=first.pk) == [first]
    assert read._compiled["default"] is None


@pytest.mark.parametrize(
    "values, error",
    [
        ({"organisation": True, "starting": datetime.date(2025, 1, 1)}, TypeError),
        ({"organisation": "1", "starting": datetime.date(2025, 1, 1)}, TypeError),
        ({"organisation": 1, "starting": datetime.datetime(2025, 1, 1, 12, 0)}, TypeError),
        ({"organisation": 1}, TypeError),
        ({"organisation": 1, "starting": datetime.date(2025, 1, 1), "more": 2}, TypeError),
    ],
    ids=["a True for a number", "text for a number", "a datetime for a date", "a value missing", "a value too many"],
)
def test_values_of_the_wrong_kind_are_refused_before_any_sql(values, error):
    read = CompiledRows(agreements_of, organisation=int, starting=datetime.date)
    with CaptureQueriesContext(connection) as captured, pytest.raises(error):
        read.rows(**values)
    assert len(captured) == 0
    assert read._compiled == {}, "a refused value decides nothing about how later values are read"


def test_only_numbers_text_and_dates_are_taken():
    with pytest.raises(ValueError, match="whole numbers, text and dates"):
        CompiledRows(lambda amount: Agreement.objects.filter(amount=amount).values_list("pk"), amount=Decimal)


def test_the_compiled_query_keeps_no_connection(held):
    first, _ = held
    read = CompiledRows(lambda key: Organisation.objects.filter(pk=key).values_list("created_at", "human_edited_fields"), key=int)
    assert read.rows(key=first.pk) == list(Organisation.objects.filter(pk=first.pk).values_list("created_at", "human_edited_fields"))
    kept = read._compiled["default"]
    assert kept.converters, "the datetime and JSON columns have converters"
    for _position, converters, _column in kept.converters:
        for converter in converters:
            assert not isinstance(getattr(converter.function, "__self__", None), BaseDatabaseOperations)
    assert not _reaches(kept, connection), "the compiled query keeps the connection alive"


def _reaches(start, target, depth: int = 6) -> bool:
    """Whether `target` is reachable from `start` through up to `depth` references (modules and types left out)."""
    seen, frontier = {id(start)}, [start]
    for _ in range(depth):
        following = []
        for found in gc.get_referents(*frontier):
            if found is target:
                return True
            if id(found) in seen or isinstance(found, (type, types.ModuleType, types.FunctionType)):
                continue
            seen.add(id(found))
            following.append(found)
        frontier = following
    return False


def test_an_aggregate_is_one_row_as_aggregate_gives_it_even_of_nothing(held):
    first, _ = held
    totals = {"count": Count("pk"), "total": Sum("amount", filter=Q(amount__gt=2000)), "latest": Max("start_date")}
    read = CompiledRows(lambda organisation: aggregated(Agreement.objects.filter(organisation_id=organisation), **totals), organisation=int)
    for organisation in (first.pk, first.pk + 10_000):
        assert read.rows(organisation=organisation) == [Agreement.objects.filter(organisation_id=organisation).aggregate(**totals)]
    assert read.rows(organisation=first.pk) == [{"count": 3, "total": Decimal("14500.75"), "latest": datetime.date(2025, 4, 1)}]
    assert read.rows(organisation=first.pk + 10_000) == [{"count": 0, "total": None, "latest": None}]
    assert read._compiled["default"] is not None
    assert "GROUP BY" not in read._compiled["default"].sql


def test_a_big_integer_column_is_sent_its_value_in_the_drivers_own_type(held):
    # PostgreSQL's backend sends a BigIntegerField's value as psycopg's Int8: the value goes in that type, and compiles.
    first, _ = held
    AuditEvent.objects.create(action="organisation.update", object_type="organisation", object_id=str(first.pk), organisation_id=first.pk)
    read = CompiledRows(lambda organisation: AuditEvent.objects.filter(organisation_id=organisation).values_list("action", flat=True), organisation=int)
    assert read.rows(organisation=first.pk) == ["organisation.update"]
    assert read.rows(organisation=first.pk + 1) == []
    kept = read._compiled["default"]
    assert kept is not None
    # On PostgreSQL the slot puts the value in psycopg's Int8, as the field's own lookup does; SQLite takes it as given.
    (slot,) = kept.slots
    assert (slot.adapt is not None) == (connection.vendor == "postgresql")
    if slot.adapt is not None:
        assert slot.adapt.__name__ == "Int8" and slot.adapt(5) == 5


@pytest.mark.parametrize(
    "build, kinds, cases",
    [
        # A date worked out from a value is a constant of each compile: kept, it would stay the stand-in's for good.
        (
            lambda starting: (
                Agreement.objects.filter(start_date__gte=starting - datetime.timedelta(days=30), end_date__gte=starting)
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
            {"starting": datetime.date},
            [{"starting": datetime.date(2025, 3, 1)}, {"starting": datetime.date(2026, 1, 1)}, {"starting": datetime.date(2024, 3, 15)}],
        ),
        # The first of a value's year, or the day after it, stands where another value's stand-in might.
        (
            lambda today, later: Agreement.objects.filter(start_date__gte=datetime.date(today.year, 1, 1), end_date__lte=later).values_list("pk", flat=True),
            {"today": datetime.date, "later": datetime.date},
            [
                {"today": datetime.date(2025, 6, 1), "later": datetime.date(2026, 6, 1)},
                {"today": datetime.date(2024, 6, 1), "later": datetime.date(2030, 1, 1)},
            ],
        ),
        (
            lambda start, end: (
                Agreement.objects.filter(start_date__gt=start + datetime.timedelta(days=1), start_date__lte=end, end_date__gt=start)
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
            {"start": datetime.date, "end": datetime.date},
            [{"start": datetime.date(2025, 3, 30), "end": datetime.date(2025, 4, 1)}, {"start": datetime.date(2025, 3, 31), "end": datetime.date(2025, 4, 1)}],
        ),
        # An empty text takes another branch of the build.
        (
            lambda name: (Organisation.objects.filter(name=name) if name else Organisation.objects.all()).order_by("pk").values_list("name", flat=True),
            {"name": str},
            [{"name": ""}, {"name": "Riverside Trust"}],
        ),
        # `iexact` escapes %, _ and \ in the text on SQLite.
        (
            lambda name: Organisation.objects.filter(name__iexact=name).values_list("name", flat=True),
            {"name": str},
            [{"name": "riverside%"}, {"name": "riverside trust"}, {"name": "riverside_trust"}],
        ),
        # A year lookup cannot take a stand-in number: the ORM reads it, without an error.
        (
            lambda year: Agreement.objects.filter(start_date__year=year).order_by("pk").values_list("pk", flat=True),
            {"year": int},
            [{"year": 2025}, {"year": 2023}, {"year": 1999}],
        ),
        # A number past 64 bits is answered as the ORM answers it.
        (lambda key: Organisation.objects.filter(pk=key).values_list("pk", flat=True), {"key": int}, [{"key": 2**63}, {"key": -(2**63) - 1}]),
    ],
    ids=["a date worked out from a value", "the first of the year", "the day after", "an empty text", "iexact", "a year", "past 64 bits"],
)
def test_what_the_stand_ins_cannot_say_is_read_as_the_orm_reads_it(held, build, kinds, cases):
    read = CompiledRows(build, **kinds)
    for values in cases:
        assert read.rows(**values) == list(build(**values)), values


def test_an_aggregate_of_a_filter_nothing_can_match_is_still_one_row():
    totals = {"count": Count("pk"), "total": Sum("amount")}
    read = CompiledRows(lambda organisation: aggregated(Agreement.objects.filter(organisation_id=organisation, pk__in=[]), **totals), organisation=int)
    assert read.rows(organisation=1) == [Agreement.objects.filter(pk__in=[]).aggregate(**totals)] == [{"count": 0, "total": None}]
    assert read._compiled["default"] is None
    assert read.rows(organisation=1)[0].count == 0


def test_rows_the_orm_reads_are_rows_as_the_compiled_ones_are():
    OrganisationFactory(name="Riverside Trust")
    read = CompiledRows(lambda text: Organisation.objects.filter(name__icontains=text).values("name"), text=str)
    (row,) = read.rows(text="river")
    assert read._compiled["default"] is None
    assert isinstance(row, Row) and row.name == "Riverside Trust"
