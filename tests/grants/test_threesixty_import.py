"""360Giving files from other funders: the sample publications, spreadsheets in the template's titles, and bad files."""

from __future__ import annotations

import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from lightbulb.core.rules import SystemActor
from lightbulb.grants.models import Funder, Grant, MatchMethod, MatchStatus
from lightbulb.imports import services
from lightbulb.imports.models import ImportRun
from lightbulb.imports.runner import import_run_execute
from lightbulb.organisations.models import OrganisationIdentifier
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = sorted(FIXTURES.glob("*.json.gz"))


def sample(name: str) -> bytes:
    return gzip.decompress((FIXTURES / f"{name}.json.gz").read_bytes())


def run_file(data: bytes, *, filename: str = "grants.json", **options) -> ImportRun:
    actor = SystemActor(label="Test import")
    run = services.import_run_create(acting_user=actor, source="360giving", filename=filename, start=False, **options)
    return import_run_execute(run=run, data=data, acting_user=actor)


@pytest.mark.parametrize("path", SAMPLES, ids=[path.name for path in SAMPLES])
def test_each_sample_publication_imports_with_no_grant_rejected(path):
    data = gzip.decompress(path.read_bytes())
    expected = len(json.loads(data)["grants"])
    run = run_file(data, filename=path.name)
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert (run.created, run.rejected) == (expected, 0), run.rejected_rows[:3]
    assert Grant.objects.count() == expected


def test_yes_no_and_day_first_dates_are_read_and_reported():
    run = run_file(sample("a002400000OiDBQAA3"))
    assert Grant.objects.filter(from_open_call=True).count() == 4100
    assert Grant.objects.filter(from_open_call=False).count() == 16
    assert any(note.startswith("Yes/No values read from short forms") and "Y → Yes" in note for note in run.notes)
    wolfson = run_file(sample("a002400000KeYdsAAF"))
    grant = Grant.objects.get(identifier="360G-wolfson-19747")
    assert str(grant.award_date) == "2014-06-05"
    assert any(note.startswith("Dates read as day first") for note in wolfson.notes)


def test_grants_to_individuals_are_kept_and_never_matched():
    run_file(sample("awefw001p00000zgyHZAAY"))
    individual = Grant.objects.get(identifier="360G-DevonCF-A482904")
    assert individual.to_individual
    assert individual.match_status == MatchStatus.UNMATCHED
    assert individual.recipient_name == "Individual Recipient"


def test_reimporting_the_same_file_writes_nothing_and_a_changed_grant_reports_before_and_after():
    data = sample("a002400000KeYdsAAF")
    run_file(data)
    stamps = list(Grant.objects.order_by("pk").values_list("updated_at", flat=True))
    again = run_file(data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 379)
    assert list(Grant.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    package = json.loads(data)
    package["grants"][0]["amountAwarded"] = 45000
    changed = run_file(json.dumps(package).encode())
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 378)
    assert changed.changes == [{"record": "360G-wolfson-19747", "changes": {"amount_awarded": ["40000.00", "45000"]}}]


def test_grants_link_by_org_id_charity_or_company_number_and_propose_by_name():
    by_charity = OrganisationFactory(name="Women's Aid Leicestershire")
    OrganisationIdentifier.objects.create(organisation=by_charity, scheme="GB-CHC", value="1136419")
    by_company = OrganisationFactory(name="Hyde Park Source")
    OrganisationIdentifier.objects.create(organisation=by_company, scheme="GB-COH", value="IP28755R")
    by_name = OrganisationFactory(name="Ysgol Dinas Bran", postcode="LL20 8TG")
    for path in SAMPLES:
        run_file(gzip.decompress(path.read_bytes()))
    women = Grant.objects.filter(recipient_charity_number="1136419")
    assert women.exists() and all(g.organisation_id == by_charity.pk and g.match_status == MatchStatus.CONFIRMED for g in women)
    assert Grant.objects.get(identifier="360G-ptc-gr-01653").organisation == by_company
    proposed = Grant.objects.get(identifier="360G-wolfson-19747")
    assert (proposed.organisation, proposed.match_status, proposed.match_method) == (by_name, MatchStatus.PROPOSED, MatchMethod.NAME)
    assert proposed.match_score >= 88


def _workbook(*sheets: tuple[str, list[list[object]]], merge: str = "") -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if merge and title == "grants":
            sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEMPLATE_HEADINGS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "From An Open Call?",
]


def test_a_workbook_in_the_template_titles_with_a_notes_sheet_first():
    data = _workbook(
        ("Notes", [["About this file"], ["Published by the Anytown Trust"]]),
        (
            "grants",
            [
                TEMPLATE_HEADINGS,
                [
                    "360G-AT-1",
                    "Lunch club",
                    "Meals",
                    "GBP",
                    "£1,250.00",
                    "15/05/2019",
                    "GB-CHC-1111111",
                    "Riverside Lunch Club",
                    "1111111",
                    "GB-CHC-999",
                    "Anytown Trust",
                    "N",
                ],
                ["360G-AT-2", '=HYPERLINK("http://x")', "", "GBP", 500, "2019-06-01", "", "Somebody", "", "GB-CHC-999", "Anytown Trust", "Y"],
            ],
        ),
    )
    run = run_file(data, filename="grants.xlsx")
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert (run.created, run.rejected) == (2, 0)
    first = Grant.objects.get(identifier="360G-AT-1")
    assert (first.amount_awarded, str(first.award_date), first.from_open_call) == (Decimal("1250.00"), "2019-05-15", False)
    # Stored as the funder wrote it; neutralised only where it is exported.
    assert Grant.objects.get(identifier="360G-AT-2").title == '=HYPERLINK("http://x")'
    assert any("'Notes'" in note and "skipped" in note for note in run.notes)
    assert Funder.objects.get().name == "Anytown Trust"


def test_a_csv_in_json_path_headings_with_duplicated_ids_and_bad_rows():
    data = (
        b"id,title,amountAwarded,awardDate,recipientOrganization/0/id,recipientOrganization/0/name,fundingOrganization/0/id,fundingOrganization/0/name\r\n"
        b'360G-X-1,"Two\r\nlines",100,2020-01-01,GB-CHC-1,A,GB-CHC-9,Funder\r\n'
        b"360G-X-1,Again,100,2020-01-01,GB-CHC-1,A,GB-CHC-9,Funder\r\n"
        b"360G-X-2,No money,,2020-01-01,GB-CHC-1,A,GB-CHC-9,Funder\r\n"
        b"360G-X-3,Bad date,5,31/02/2020,GB-CHC-1,A,GB-CHC-9,Funder\r\n"
    )
    run = run_file(data, filename="grants.csv")
    assert (run.created, run.rejected) == (1, 3)
    reasons = {row["row"]: row["reason"] for row in run.rejected_rows}
    assert reasons[3] == "The identifier 360G-X-1 is also grant 1 of this file: a grant is listed once"
    assert reasons[4] == "The amount awarded is missing or not a number"
    assert reasons[5] == "'31/02/2020' is not a real date"
    assert Grant.objects.get().title == "Two lines"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"grants": [{"id": "360G-1", "title": "cut', "The file is not valid JSON"),
        (b'{"grants": [{"id": "360G-1",, }]}', "The file is not valid JSON"),
        ('{"grants": [{"id": "360G-Caf\xe9"}]}'.encode("cp1252"), "not valid JSON"),
    ],
)
def test_malformed_truncated_or_wrongly_encoded_json_is_refused_and_writes_nothing(data, message):
    run = run_file(data)
    assert run.status == ImportRun.Status.FAILED
    assert message in run.log
    assert not Grant.objects.exists() and not Funder.objects.exists()


def test_merged_heading_cells_are_a_clear_file_error():
    rows = [["Grants", "", *TEMPLATE_HEADINGS[2:]], TEMPLATE_HEADINGS]
    run = run_file(_workbook(("grants", rows), merge="A1:B1"), filename="grants.xlsx")
    assert run.status == ImportRun.Status.FAILED
    assert "include merged cells (A1:B1)" in run.log


def test_strict_mode_refuses_the_whole_file():
    data = b"Identifier,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name\n360G-1,10,2020-01-01,GB-CHC-9,F\n360G-2,ten,2020-01-01,GB-CHC-9,F\n"
    run = run_file(data, filename="g.csv", strict=True)
    assert run.status == ImportRun.Status.FAILED
    assert not Grant.objects.exists()


def test_a_dry_run_reports_what_would_be_added_and_writes_nothing():
    run = run_file(sample("awefw001p00000zgyHZAAY"), dry_run=True)
    assert run.created == 154
    assert "154 would be added" in run.log
    assert not Grant.objects.exists() and not Funder.objects.exists()
