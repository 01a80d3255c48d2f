"""`field__in_array` (lightbulb.core.lookups) keeps exactly the rows `field__in` keeps, with one parameter however many values."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import CharField, F, Transform, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext, register_lookup

from lightbulb.funding.models import Agreement
from lightbulb.organisations.models import Organisation
from tests.factories import AgreementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations() -> list[Organisation]:
    return [OrganisationFactory(name=f"Group {number}", postcode="AB1 2CD" if number % 2 else "EF3 4GH") for number in range(8)]


def names(queryset) -> list[str]:
    return sorted(queryset.values_list("name", flat=True))


def test_a_list_keeps_the_rows_in_it_and_only_those(organisations: list[Organisation]) -> None:
    wanted = [organisations[1].pk, organisations[4].pk, organisations[6].pk, 10_000_000]
    kept = Organisation.objects.filter(pk__in_array=wanted)
    assert names(kept) == ["Group 1", "Group 4", "Group 6"]
    assert names(kept) == names(Organisation.objects.filter(pk__in=wanted))
    assert names(Organisation.objects.exclude(pk__in_array=wanted)) == ["Group 0", "Group 2", "Group 3", "Group 5", "Group 7"]


def test_an_empty_list_keeps_nothing_and_asks_nothing(organisations: list[Organisation]) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert list(Organisation.objects.filter(pk__in_array=[])) == []
    assert len(queries) == 0
    assert Organisation.objects.exclude(pk__in_array=[]).count() == len(organisations)


def test_a_queryset_keeps_the_rows_it_selects(organisations: list[Organisation]) -> None:
    inner = Organisation.objects.filter(postcode="AB1 2CD").values("pk")
    kept = Organisation.objects.filter(pk__in_array=inner)
    assert names(kept) == ["Group 1", "Group 3", "Group 5", "Group 7"]
    assert names(kept) == names(Organisation.objects.filter(pk__in=inner))


def test_a_list_is_one_parameter_on_postgresql_and_the_plain_in_elsewhere(organisations: list[Organisation]) -> None:
    wanted = [organisation.pk for organisation in organisations]
    sql, params = Organisation.objects.filter(pk__in_array=wanted).values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s)" in sql
        assert list(params) == [wanted]
    else:
        assert f"IN ({', '.join(['%s'] * len(wanted))})" in sql
        assert list(params) == wanted


def test_a_queryset_is_one_array_on_postgresql(organisations: list[Organisation]) -> None:
    inner = Organisation.objects.filter(postcode="AB1 2CD").values("pk")
    sql, _params = Organisation.objects.filter(pk__in_array=inner).values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql
    else:
        assert "IN (SELECT" in sql


def test_a_foreign_key_takes_it_by_name_and_by_column(organisations: list[Organisation]) -> None:
    first, second, third = (AgreementFactory(organisation=organisations[number]) for number in (1, 2, 3))
    wanted = Organisation.objects.filter(pk__in=[organisations[1].pk, organisations[3].pk]).values("pk")
    assert set(Agreement.objects.filter(organisation__in_array=wanted)) == {first, third}
    assert set(Agreement.objects.filter(organisation_id__in_array=[organisations[2].pk])) == {second}


class UpperBoth(Transform):
    """A transform applied to both sides of a lookup (as `unaccent` would be)."""

    lookup_name = "upper_both"
    function = "UPPER"
    bilateral = True


def test_a_transform_of_both_sides_transforms_each_value(organisations: list[Organisation]) -> None:
    wanted = ["group 1", "GROUP 2", "Group 3"]
    with register_lookup(CharField, UpperBoth):
        kept = Organisation.objects.filter(name__upper_both__in_array=wanted)
        assert names(kept) == ["Group 1", "Group 2", "Group 3"]
        assert names(kept) == names(Organisation.objects.filter(name__upper_both__in=wanted))


def test_an_expression_among_the_values_is_compared_as_it_is(organisations: list[Organisation]) -> None:
    assert Organisation.objects.filter(pk__in_array=[F("pk")]).count() == len(organisations)
    assert names(Organisation.objects.filter(name__in_array=[Concat(Value("Group "), Value("4"))])) == ["Group 4"]
