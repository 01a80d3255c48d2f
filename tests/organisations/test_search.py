"""Register search finds the right record however it is typed, best match first, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lightbulb.organisations import search
from lightbulb.organisations.models import Organisation
from lightbulb.organisations.selectors import OrganisationFilters, organisation_search
from tests.factories import IdentifierFactory, OrganisationFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    records = {
        "bank": OrganisationFactory(name="Riverside Food Bank", other_names="Anytown Food Aid", postcode="AT1 1AA"),
        "exact": OrganisationFactory(name="Food Bank", postcode="AT3 3CC"),
        "network": OrganisationFactory(name="Anytown Food Bank Network", postcode="AT4 4DD"),
        "centre": OrganisationFactory(name="Hilltop Community Centre", postcode="AT2 3BB"),
        "cafe": OrganisationFactory(name="Café Ñandú Lunch Club", postcode="AT5 5EE"),
        "church": OrganisationFactory(name="St Mary's Church Hall", postcode="AT6 6FF"),
        "unit": OrganisationFactory(name="Unit 1123456 Makers", postcode="AT7 7GG"),
    }
    IdentifierFactory(organisation=records["bank"], scheme="GB-CHC", value="1123456")
    IdentifierFactory(organisation=records["centre"], scheme="GB-COH", value="01234567")
    return records


def found(text: str) -> list[str]:
    return [organisation.name for organisation in organisation_search(OrganisationFilters(q=text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Words in any order, any case, each the start of a word.
        ("bank food riverside", "Riverside Food Bank"),
        ("RIVERSIDE food", "Riverside Food Bank"),
        ("hill comm cent", "Hilltop Community Centre"),
        # Other names, punctuation and accents ignored both ways.
        ("anytown food-aid", "Riverside Food Bank"),
        ("cafe nandu", "Café Ñandú Lunch Club"),
        ("CAFÉ lunch", "Café Ñandú Lunch Club"),
        ("st marys church", "St Mary's Church Hall"),
        ("st. mary's", "St Mary's Church Hall"),
        # Near-misses.
        ("comunity centre", "Hilltop Community Centre"),
        ("hiltop comunity", "Hilltop Community Centre"),
        ("riversde food", "Riverside Food Bank"),
        # Identifiers in any common spelling.
        ("1123456", "Riverside Food Bank"),
        ("1 123 456", "Riverside Food Bank"),
        ("GB-CHC-1123456", "Riverside Food Bank"),
        ("gb chc 1123456", "Riverside Food Bank"),
        ("01234567", "Hilltop Community Centre"),
        ("1234567", "Hilltop Community Centre"),
        ("GB-COH-01234567", "Hilltop Community Centre"),
        # Postcodes with or without the space, in any case, or their start.
        ("AT1 1AA", "Riverside Food Bank"),
        ("at11aa", "Riverside Food Bank"),
        ("at1 1aa", "Riverside Food Bank"),
        ("AT2", "Hilltop Community Centre"),
    ],
)
def test_search_finds_the_record_however_it_is_typed(register, text, expected):
    assert found(text)[0] == expected


@pytest.mark.parametrize("text", ["zebra crossing", "gb-coh-1123456", "AT9 9ZZ", "9999999"])
def test_search_finds_nothing_for_what_no_record_holds(register, text):
    assert found(text) == []


def test_a_word_no_name_holds_nor_anything_like_it_is_left_out_while_other_words_remain(register):
    # "bnk" is too short and too far from "bank" to be its near-miss: left out, the other words find the food bank.
    assert found("riverside food bnk") == ["Riverside Food Bank"]
    assert found("hilltop xyzzy") == ["Hilltop Community Centre"]
    near = search.near_misses(["riverside", "food", "bnk"])
    assert near.lost == {"bnk"}
    # Alone, such a word still finds nothing.
    assert found("xyzzy") == []


def test_an_identifier_of_the_wrong_register_finds_nothing_by_it(register):
    assert "Riverside Food Bank" not in found("GB-COH-1123456")


def test_exact_identifier_first_then_exact_name_then_best_match(register):
    # The identifier's holder outranks a record with the number in its name.
    assert found("1123456")[:2] == ["Riverside Food Bank", "Unit 1123456 Makers"]
    # The exact name outranks names holding the same words; equally close names go by name.
    assert found("food bank") == ["Food Bank", "Anytown Food Bank Network", "Riverside Food Bank"]
    assert found("the food bank ltd")[0] == "Food Bank"
    # A whole word outranks a near-miss.
    OrganisationFactory(name="Hilltop Comunity Garden")
    assert found("hilltop community")[0] == "Hilltop Community Centre"


def test_search_keeps_to_the_other_filters(register):
    register["network"].status = "dormant"
    register["network"].save()
    assert [o.name for o in organisation_search(OrganisationFilters(q="food bank", status="active"))] == ["Food Bank", "Riverside Food Bank"]
    assert [o.name for o in organisation_search(OrganisationFilters(q="food bank", status="dormant"))] == ["Anytown Food Bank Network"]


def test_renaming_a_record_keeps_its_search_key(register):
    register["exact"].name = "Northside Pantry"
    register["exact"].save(update_fields=["name"])
    assert Organisation.objects.get(pk=register["exact"].pk).search_key == "northside pantry"
    assert found("northside") == ["Northside Pantry"]


def test_word_similarity_reads_like_pg_trgm():
    assert search.word_similarity("community", "community") == 1.0
    assert search.word_similarity("comm", "community") == pytest.approx(0.8)
    assert search.word_similarity("comunity", "community") >= search.NEAR_MISS
    assert search.word_similarity("riversde", "riverside") >= search.NEAR_MISS
    assert search.word_similarity("zebra", "centre") < search.NEAR_MISS
    assert search.word_similarity("", "anything") == 0.0


def test_a_misspelt_word_of_a_name_written_just_now_is_found(register):
    # On PostgreSQL the words of names are kept by a trigger, however the record is written.
    Organisation.objects.bulk_create([Organisation(name="Zephyrine Choir", name_key="zephyrine choir", search_key="zephyrine choir")])
    assert found("zephyrene choir") == ["Zephyrine Choir"]
    assert found("zephyrene") == ["Zephyrine Choir"]


def test_the_text_as_typed_outranks_the_same_words_in_another_order(register):
    OrganisationFactory(name="Bank Street Food Project")
    assert found("food bank") == ["Food Bank", "Anytown Food Bank Network", "Riverside Food Bank", "Bank Street Food Project"]


def test_a_slice_of_a_search_is_the_same_records_as_its_order_gives(register):
    for number in range(12):
        OrganisationFactory(name=f"{'Food Bank' if number % 3 == 0 else 'Bank of Food'} {number:02d}")
    everything = organisation_search(OrganisationFilters(q="food bank"))
    in_order = [organisation.name for organisation in everything.iterator(chunk_size=100)]
    assert [organisation.name for organisation in everything] == in_order
    assert in_order[:4] == ["Food Bank", "Anytown Food Bank Network", "Food Bank 00", "Food Bank 03"]
    for low, high in [(0, 1), (0, 5), (3, 9), (7, 20), (14, 15)]:
        assert [organisation.name for organisation in everything[low:high]] == in_order[low:high]
    # A sort by a column leaves the ranking behind.
    by_name = [organisation.name for organisation in everything.order_by("-name")[:3]]
    assert by_name == sorted(in_order, reverse=True)[:3]


def listed(response, register) -> list[str]:
    """The records' names in the order the page links to them."""
    names = {f'href="/organisations/{organisation.pk}/"': organisation.name for organisation in register.values()}
    html = response.content.decode()
    return [name for _position, name in sorted((html.index(link), name) for link, name in names.items() if link in html)]


def test_the_register_lists_a_search_best_match_first_until_sorted(register, officer_client):
    response = officer_client.get("/organisations/", {"q": "food bank"})
    assert "3 organisations" in visible_text(response.content)
    assert listed(response, register) == ["Food Bank", "Anytown Food Bank Network", "Riverside Food Bank"]
    by_name = officer_client.get("/organisations/", {"q": "food bank", "sort": "-name"})
    assert listed(by_name, register) == ["Riverside Food Bank", "Food Bank", "Anytown Food Bank Network"]


@pytest.mark.postgres
def test_postgres_answers_words_and_near_misses_from_the_indexes(register):
    if connection.vendor != "postgresql":
        pytest.skip("the full-text and trigram indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        # A handful of rows would be read whole: make the planner show which indexes the search can use.
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        # The register's partial indexes of listed records hold the whole of a table this small and would be chosen
        # for it; dropped inside the test's transaction (rolled back after), the plan shows what serves the words.
        cursor.execute("DROP INDEX org_live_name_sort_idx, org_live_form_idx")
        plan = organisation_search(OrganisationFilters(q="comunity centre")).explain()
        cursor.execute("SET enable_seqscan = on; SET enable_indexscan = on")
    # The misspelt word's near-misses come from the words names hold (kept by a trigger), and the names
    # holding those words, with the other words typed, from the full-text index.
    near = search.near_misses(["comunity", "centre"])
    assert "community" in near.words["comunity"]
    assert near.unheld == {"comunity"}
    assert "org_search_fts" in plan, plan


def test_searching_takes_as_many_queries_at_any_size(register, officer_client):
    def grow():
        for number in range(15):
            organisation = OrganisationFactory(name=f"Riverside Food Project {number}", postcode="AT1 1AA")
            IdentifierFactory(organisation=organisation)

    assert_queries_independent_of_size(officer_client, "/organisations/?q=riverside+food", grow)
    assert_queries_independent_of_size(officer_client, "/organisations/?q=1+123+456", grow)


def test_a_searched_page_is_counted_and_ranked_by_one_read_of_its_matches(register, officer_client):
    for number in range(60):
        OrganisationFactory(name=f"Food Bank Branch {number:02d}")
    in_order = [organisation.name for organisation in organisation_search(OrganisationFilters(q="food bank")).iterator(chunk_size=100)]
    with CaptureQueriesContext(connection) as queries:
        response = officer_client.get("/organisations/", {"q": "food bank", "page": 2})
    assert "63 organisations" in visible_text(response.content)
    shown = re.findall(r'href="/organisations/\d+/">([^<]+)</a>', response.content.decode())
    assert shown == in_order[50:] and len(shown) == 13
    # The matches are gathered once: their numbers in rank order give the count and the page, so nothing counts them again.
    register_reads = [
        query["sql"] for query in queries.captured_queries if 'FROM "organisations_organisation"' in query["sql"] and "EXPLAIN" not in query["sql"]
    ]
    assert not [sql for sql in register_reads if "COUNT(" in sql], register_reads


def test_the_numbers_read_for_a_page_serve_only_that_search(register):
    for number in range(12):
        OrganisationFactory(name=f"Food Bank Branch {number:02d}")
    everything = organisation_search(OrganisationFilters(q="food bank"))
    in_order = [organisation.name for organisation in everything.iterator(chunk_size=100)]
    keys = everything.ordered_keys(6)
    assert keys is not None and len(keys) == 6
    assert [organisation.name for organisation in everything[2:5]] == in_order[2:5]
    # Past the numbers read, the ranks are read as without them.
    assert [organisation.name for organisation in everything[4:12]] == in_order[4:12]
    # A filter or a sort makes another search, which reads its own.
    branches = everything.filter(name__startswith="Food Bank Branch 1")
    assert [organisation.name for organisation in branches[:3]] == ["Food Bank Branch 10", "Food Bank Branch 11"]
    assert everything.order_by("name").ordered_keys(6) is None
