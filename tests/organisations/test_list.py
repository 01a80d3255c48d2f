"""The register list: search, filters, sorting, pagination, export and a steady number of queries."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re

import openpyxl
import pytest

from lightbulb.core.roles import Role
from lightbulb.organisations import services
from tests.exports import csv_text, download_list, xlsx_rows
from tests.factories import AreaOfWorkFactory, IdentifierFactory, OrganisationFactory, WardFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db
URL = "/organisations/"


def names(response) -> list[str]:
    """The organisation names in the list's table, in order."""
    assert response.status_code == 200
    html = response.content.decode()
    return [
        html_lib.unescape(name) for name in re.findall(r'<td class="govuk-table__cell"[^>]*><a class="govuk-link" href="/organisations/\d+/">([^<]*)</a>', html)
    ]


@pytest.fixture
def register(users):
    officer = users[Role.OFFICER]
    riverside, hilltop = WardFactory(name="Riverside"), WardFactory(name="Hilltop")
    food = AreaOfWorkFactory(name="Food")
    bank = services.organisation_create(acting_user=officer, name="Riverside Food Bank", other_names="Anytown Food Aid", postcode="AT1 1AA", legal_form="cio")
    bank.areas_of_work.add(food)
    bank.wards_served.add(hilltop)
    IdentifierFactory(organisation=bank, scheme="GB-CHC", value="1123456")
    club = services.organisation_create(acting_user=officer, name="Hilltop Youth Club", postcode="AT2 3BB", legal_form="unincorporated", status="dormant")
    IdentifierFactory(organisation=club, scheme="GB-COH", value="01234567")
    bank.ward, club.ward = riverside, hilltop
    bank.save()
    club.save()
    services.organisation_create(acting_user=officer, name="=cmd|' /C calc'!A0 Society", postcode="AT9 9ZZ")
    archived = services.organisation_create(acting_user=officer, name="Closed Group")
    services.organisation_archive(acting_user=officer, organisation=archived, reason="Closed")
    return {"bank": bank, "club": club, "riverside": riverside, "hilltop": hilltop, "food": food}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("food bank", ["Riverside Food Bank"]),
        ("FOOD AID", ["Riverside Food Bank"]),
        ("the riverside food-bank ltd", ["Riverside Food Bank"]),
        ("1123456", ["Riverside Food Bank"]),
        ("GB-CHC-1123456", ["Riverside Food Bank"]),
        ("gb-coh-1123456", []),
        ("1234567", ["Hilltop Youth Club"]),  # a company number typed without its leading zero
        ("GB-COH-01234567", ["Hilltop Youth Club"]),
        ("at1", ["Riverside Food Bank"]),
        ("at2 3bb", ["Hilltop Youth Club"]),
        ("AT23BB", ["Hilltop Youth Club"]),
        ("Closed", []),
        ("<script>alert(1)</script>", []),
        # Words every name key leaves out: the search finds nothing by construction, and on PostgreSQL its estimate
        # (asked for first) has no plan to read; the page still answers.
        ("Trust", []),
        ("ltd", []),
    ],
)
def test_search_by_name_identifier_and_postcode(register, officer_client, query, expected):
    response = officer_client.get(URL, {"q": query})
    assert response.status_code == 200
    assert names(response) == expected


def test_filters(register, officer_client):
    assert names(officer_client.get(URL, {"ward": register["riverside"].pk})) == ["Riverside Food Bank"]
    # A ward filter finds organisations based there and those serving it.
    assert names(officer_client.get(URL, {"ward": register["hilltop"].pk})) == ["Hilltop Youth Club", "Riverside Food Bank"]
    assert names(officer_client.get(URL, {"legal_form": "cio"})) == ["Riverside Food Bank"]
    assert names(officer_client.get(URL, {"area": register["food"].pk})) == ["Riverside Food Bank"]
    assert names(officer_client.get(URL, {"status": "dormant"})) == ["Hilltop Youth Club"]
    assert names(officer_client.get(URL, {"status": "archived"})) == ["Closed Group"]
    assert "Closed Group" not in names(officer_client.get(URL))


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"ward": "999999"}, "ward", "Choose a ward from the list"),
        ({"ward": "'; DROP TABLE"}, "ward", "Choose a ward from the list"),
        ({"legal_form": "pirate"}, "legal_form", "Choose a legal form from the list"),
        ({"area": "abc"}, "area", "Choose an area of work from the list"),
        ({"status": "<script>"}, "status", "Choose a status from the list"),
        ({"q": "x" * 201}, "q", "200 characters or fewer"),
    ],
)
def test_bad_filters_get_a_message_not_a_crash(register, officer_client, params, field, message):
    response = officer_client.get(URL, params)
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "There is a problem" in text
    assert message in text
    assert f'href="#id_{field}"' in response.content.decode()


def test_sorting_and_unknown_sort(register, officer_client):
    assert names(officer_client.get(URL, {"sort": "-name"}))[0] == "Riverside Food Bank"
    assert names(officer_client.get(URL, {"sort": "postcode"}))[:2] == ["Riverside Food Bank", "Hilltop Youth Club"]
    assert names(officer_client.get(URL, {"sort": "status"}))[0] in {"Riverside Food Bank", "=cmd|' /C calc'!A0 Society"}
    assert officer_client.get(URL, {"sort": "password"}).status_code == 200


def test_pagination_keeps_the_filters(officer_client):
    for number in range(55):
        OrganisationFactory(name=f"Group {number:02d}", legal_form="cic")
    first = officer_client.get(URL, {"legal_form": "cic"})
    assert len(names(first)) == 50
    assert "legal_form=cic&amp;page=2" in first.content.decode()
    second = officer_client.get(URL, {"legal_form": "cic", "page": 2})
    assert names(second) == ["Group 50", "Group 51", "Group 52", "Group 53", "Group 54"]
    assert officer_client.get(URL, {"page": "banana"}).status_code == 200


def test_csv_export_is_the_whole_filtered_list_and_safe(register, officer_client, django_capture_on_commit_callbacks):
    for number in range(60):
        OrganisationFactory(name=f"Export {number:02d}")
    # The download holds every row of the list, not the page the reader was on.
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "organisations", query="page=2")
    body = content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Name", "Other names", "Identifiers"]
    assert len(rows) == 1 + 63  # every current record, not one page
    names_column = [row[0] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0 Society" in names_column
    bank = next(row for row in rows if row[0] == "Riverside Food Bank")
    assert bank[2] == "GB-CHC-1123456" and "Food" in bank
    _job, filtered = download_list(officer_client, django_capture_on_commit_callbacks, "organisations", query="q=youth")
    assert len(list(csv.reader(io.StringIO(csv_text(filtered))))) == 2


def test_xlsx_export_opens(register, officer_client, django_capture_on_commit_callbacks):
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "organisations", query="legal_form=cio", fmt="xlsx")
    values = xlsx_rows(content)
    assert values[0][0] == "Name"
    assert values[1][0] == "Riverside Food Bank"
    assert len(values) == 2


def test_xlsx_formula_cells_stay_text(register, officer_client, django_capture_on_commit_callbacks):
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "organisations", query="q=Society", fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0 Society"
    assert sheet["A2"].data_type == "s"


def test_list_shows_the_page_to_every_reader(register, client_for):
    for role in (Role.OFFICER, Role.COUNCILLOR, Role.INVESTIGATOR, Role.ADMIN):
        text = visible_text(client_for(role).get(URL).content)
        assert "Riverside Food Bank" in text and "GB-CHC-1123456" in text
        assert ("Add an organisation" in text) is (role == Role.OFFICER)


def test_list_queries_do_not_grow_with_data(register, officer_client):
    def grow():
        for number in range(12):
            organisation = OrganisationFactory(name=f"More {number}", ward=register["riverside"])
            IdentifierFactory(organisation=organisation)
            IdentifierFactory(organisation=organisation, scheme="GB-COH", value=f"{number:08d}")

    assert_queries_independent_of_size(officer_client, URL + "?q=&status=&sort=ward", grow)
