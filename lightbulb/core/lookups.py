"""`in_array`: `field IN (…)` that costs the same for 5 values as for 5,000, and keeps PostgreSQL's plan.

`field__in=[…]` writes one placeholder per value, so a list of 650 agreement numbers cost about 2 ms
of the web process's time per query to build and send (and a dashboard asked seven such queries).
`field__in_array=` sends the same values as one array parameter on PostgreSQL (`field = ANY(%s)`)
and a subquery as `field = ANY(ARRAY(SELECT …))`, which PostgreSQL runs once (an InitPlan) and, not
knowing its length when planning, takes for a handful of rows: it then probes `field`'s index for
each, where given the join it misjudged how many rows a date range keeps and read all of them.
Other databases get the plain `IN`. It is for keeping rows: in an `exclude()`, `NOT (x = ANY(…))` over a
large subquery cannot be hashed as `NOT IN` can, so an exclusion keeps `__in`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.expressions import ColPairs
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In
from django.db.models.sql.query import Query


def _plain(lookup: Any) -> bool:
    """Whether the values can go as one array of plain values compared with one column.

    Not when a transform applies to both sides (its values must be transformed one by one), a value
    is an expression (`F("pk")`), or the left side is several columns (a composite key).
    """
    if lookup.bilateral_transforms or isinstance(lookup.lhs, ColPairs):
        return False
    if lookup.rhs_is_direct_value():
        return not any(hasattr(value, "resolve_expression") for value in lookup.rhs)
    # A subquery; a list holding expressions arrives as one expression, and goes as `IN (…)`.
    return isinstance(lookup.rhs, Query)


class _AsArray:
    """PostgreSQL's form of `IN`: one array parameter, or one array from a subquery."""

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lookup: Any = self
        if not _plain(lookup):
            # Django's own `IN` for what an array cannot carry as it stands.
            return lookup.as_sql(compiler, connection)
        lhs, lhs_params = lookup.process_lhs(compiler, connection)
        if lookup.rhs_is_direct_value():
            values = [value for value in lookup.rhs if value is not None]
            if not values:
                raise EmptyResultSet
            output = lookup.lhs.output_field
            return f"{lhs} = ANY(%s)", (*lhs_params, [output.get_db_prep_value(value, connection, prepared=True) for value in values])
        rhs, rhs_params = lookup.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


class InArray(_AsArray, In):
    lookup_name = "in_array"


class RelatedInArray(_AsArray, RelatedIn):
    """The same on a foreign key (`agreement__in_array=…`, `agreement_id__in_array=…`)."""

    lookup_name = "in_array"


def register() -> None:
    """Make `in_array` available on every field (called once, from the core app's `ready`)."""
    Field.register_lookup(InArray)
    ForeignObject.register_lookup(RelatedInArray)
