"""List pagination counts exactly up to a cap and estimates past it, and never pages deeper than MAX_PAGES."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Value
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from lightbulb.core import lists
from lightbulb.organisations.models import Organisation
from tests.factories import OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db


def page_of(queryset, number=1):
    return lists.paginate(RequestFactory().get("/", {"page": number}), queryset, per_page=2)


def test_a_small_list_is_counted_exactly():
    OrganisationFactory.create_batch(5)
    page = page_of(Organisation.objects.order_by("pk"))
    assert page.paginator.count == 5
    assert page.paginator.num_pages == 3
    assert page.paginator.estimated is False


def test_counting_leaves_out_what_each_row_computes():
    OrganisationFactory.create_batch(3)
    queryset = Organisation.objects.annotate(marker=Value("per-row-marker")).order_by("pk")
    with CaptureQueriesContext(connection) as captured:
        assert page_of(queryset).paginator.count == 3
    assert "per-row-marker" not in captured.captured_queries[0]["sql"]


def test_past_the_cap_sqlite_counts_and_postgres_estimates(monkeypatch):
    monkeypatch.setattr(lists, "COUNT_EXACTLY_UP_TO", 3)
    OrganisationFactory.create_batch(8)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "SELECT 1")
    paginator = page_of(Organisation.objects.filter(status="active").order_by("pk")).paginator
    if connection.vendor == "postgresql":
        assert paginator.estimated is True
        assert paginator.count >= 4  # at least the capped count, whatever the planner guesses
    else:
        assert (paginator.count, paginator.estimated) == (8, False)


def test_pages_go_no_deeper_than_the_limit(monkeypatch):
    monkeypatch.setattr(lists, "MAX_PAGES", 2)
    OrganisationFactory.create_batch(9)
    page = page_of(Organisation.objects.order_by("pk"), number=5)
    assert page.paginator.num_pages == 2
    assert page.number == 2


def test_a_deep_page_is_read_keys_first_and_keeps_the_list_order(monkeypatch):
    monkeypatch.setattr(lists, "KEYS_FIRST_FROM", 2)
    OrganisationFactory.create_batch(7)
    queryset = Organisation.objects.select_related("ward").prefetch_related("identifiers").order_by("-name", "pk")
    in_order = list(queryset)
    assert list(page_of(queryset, 1)) == in_order[:2]
    with CaptureQueriesContext(connection) as captured:
        deep = list(page_of(queryset, 3))
    assert deep == in_order[4:6]
    # The page's keys, then its rows: the rows' query names the keys, not an offset.
    assert any("OFFSET" not in query["sql"] and "IN (" in query["sql"] and "organisations_organisation" in query["sql"] for query in captured)


def test_a_search_takes_a_large_estimate_uncounted_and_counts_a_small_one(monkeypatch):
    """A ranked search asks for PostgreSQL's estimate first: far past the cap, the estimate is the count (no COUNT runs);
    below it, the matches are counted exactly, as their numbers are read in rank order for the page. SQLite has no
    estimate and always counts."""
    from lightbulb.organisations.selectors import OrganisationFilters, organisation_search

    for number in range(6):
        OrganisationFactory(name=f"Riverside Project {number}")
    OrganisationFactory(name="Hilltop Choir")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "SELECT 1")
    found = organisation_search(OrganisationFilters(q="riverside"))
    with CaptureQueriesContext(connection) as captured:
        paginator = page_of(found).paginator
        assert (paginator.count, paginator.estimated) == (6, False)
    # Counted as the ranked numbers every page is then read from: all six of them, and no COUNT besides.
    assert paginator.object_list._keys == ([record.pk for record in found.iterator(chunk_size=100)], True)
    assert not any("COUNT(" in query["sql"] for query in captured.captured_queries)

    monkeypatch.setattr(lists, "ESTIMATE_TRUSTED_FROM", 0)  # any estimate is now "far past the cap"
    assert_estimated_uncounted(lambda: page_of(organisation_search(OrganisationFilters(q="riverside"))).paginator, exact=6)


def assert_estimated_uncounted(paginator_of, *, exact: int) -> None:
    """On PostgreSQL the paginator's count is the planner's estimate and no COUNT runs; SQLite counts `exact` rows."""
    with CaptureQueriesContext(connection) as captured:
        paginator = paginator_of()
        count, estimated = paginator.count, paginator.estimated
    if connection.vendor == "postgresql":
        assert estimated is True and count >= 1
        assert not any("COUNT(" in query["sql"] for query in captured.captured_queries)
    else:
        assert (count, estimated) == (exact, False)


def test_a_ranked_search_reads_its_own_deep_pages(monkeypatch):
    from lightbulb.organisations.selectors import OrganisationFilters, organisation_search

    monkeypatch.setattr(lists, "KEYS_FIRST_FROM", 2)
    for number in range(7):
        OrganisationFactory(name=f"Riverside Project {number}")
    found = organisation_search(OrganisationFilters(q="riverside project"))
    assert [o.name for o in page_of(found, 3)] == [o.name for o in list(found)[4:6]]


def test_a_union_is_never_read_keys_first():
    # Its rows cannot be filtered by their numbers: its pages are slices of it, as before.
    union = Organisation.objects.filter(pk__lte=3).union(Organisation.objects.filter(pk__gt=3))
    assert lists._keys_first(union) is False
    assert lists._keys_first(Organisation.objects.order_by("pk")) is True


def test_a_list_that_finds_nothing_by_construction_is_counted_without_a_plan():
    """A search for a word every name key drops ("trust", "ltd") is `pk__in=[]`: Django never sends it, so EXPLAIN
    gives no plan; asking for its estimate first counts nothing rather than failing."""
    OrganisationFactory.create_batch(2)
    paginator = lists.ListPaginator(Organisation.objects.filter(pk__in=[]).order_by("pk"), 2, estimate_first=True)
    assert (paginator.count, paginator.estimated) == (0, False)
    assert lists.estimated_count(Organisation.objects.filter(pk__in=[])) == (0 if connection.vendor == "postgresql" else None)


def test_a_view_can_ask_for_the_estimate_first(monkeypatch):
    """`paginate(..., estimate_first=True)` takes a large estimate as the count, as a ranked search does, with no COUNT."""
    monkeypatch.setattr(lists, "ESTIMATE_TRUSTED_FROM", 0)
    OrganisationFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "SELECT 1")
    active = Organisation.objects.filter(status="active").order_by("pk")
    assert_estimated_uncounted(lambda: lists.paginate(RequestFactory().get("/"), active, per_page=2, estimate_first=True).paginator, exact=3)


def test_a_list_page_reads_the_columns_it_shows_and_joins_only_what_they_reach():
    ward = WardFactory(name="Riverside")
    OrganisationFactory(name="Food Bank", ward=ward)
    with CaptureQueriesContext(connection) as captured:
        row = lists.columns_shown(Organisation.objects.select_related("ward"), "name", "ward__name").get()
        assert (row.name, row.ward.name) == ("Food Bank", "Riverside")
    assert len(captured.captured_queries) == 1
    alone = lists.columns_shown(Organisation.objects.select_related("ward"), "name")
    assert alone.query.select_related is False  # no field reaches another record: nothing is joined
    assert "ward" not in str(alone.query).lower().split("from")[1]


def test_each_rows_count_is_zero_where_there_are_none():
    from django.db.models import OuterRef

    from lightbulb.places.models import Locality, Ward

    busy, empty = Locality.objects.create(name="North"), Locality.objects.create(name="South")
    WardFactory(locality=busy)
    WardFactory(locality=busy)
    counted = Locality.objects.annotate(ward_total=lists.row_count(Ward.objects.filter(locality=OuterRef("pk"))))
    assert dict(counted.values_list("pk", "ward_total")) == {busy.pk: 2, empty.pk: 0}
