"""360Giving: the JSON package validates against the official 1.4.3 schema, the CSV carries the template's columns."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lightbulb.opendata import threesixty
from tests.opendata.conftest import threesixty_grant_schema, threesixty_validator

pytestmark = pytest.mark.django_db


def _package() -> dict:
    out = io.StringIO()
    threesixty.write_json(out)
    return json.loads(out.getvalue())


def _csv() -> list[dict[str, str]]:
    out = io.StringIO()
    threesixty.write_csv(out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_the_package_validates_against_the_360giving_schema_with_zero_errors(published):
    package = _package()
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in threesixty_validator().iter_errors(package)]
    assert errors == []
    assert len(package["grants"]) == 2


def test_the_validator_does_catch_a_broken_grant(published):
    package = _package()
    package["grants"][0]["amountAwarded"] = "£12,500"
    del package["grants"][0]["recipientOrganization"][0]["id"]
    assert len(list(threesixty_validator().iter_errors(package))) == 2


def test_a_grant_carries_the_prefix_org_ids_wards_and_data_source(published):
    grant = next(item for item in _package()["grants"] if item["id"] == "360G-anytown-AGR-2025-0001")
    assert grant["amountAwarded"] == 12500
    assert grant["awardDate"] == "2025-03-14"
    assert grant["plannedDates"] == [{"startDate": "2025-04-01", "endDate": "2026-03-31", "duration": 12}]
    assert grant["recipientOrganization"][0] == {
        "id": "GB-CHC-1123456",
        "name": "Riverside Food Bank",
        "charityNumber": "1123456",
        "postalCode": "AT1 1AA",
        "url": "https://riverside.example.org",
    }
    assert grant["fundingOrganization"] == [{"id": "GB-LAE-ANY", "name": "Anytown Council", "department": "Communities"}]
    assert [(place["geoCode"], place["geoCodeType"]) for place in grant["beneficiaryLocation"]] == [("E05000001", "WD"), ("E05000002", "WD")]
    assert grant["dataSource"].endswith("/open-data/")


def test_a_recipient_without_a_registered_number_is_named_from_the_council_prefix(published):
    grant = next(item for item in _package()["grants"] if item["id"] == "360G-anytown-AGR-2025-0002")
    assert grant["recipientOrganization"][0]["id"] == f"360G-anytown-ORG-{published['group'].pk}"
    assert "beneficiaryLocation" not in grant


def test_only_awarded_unarchived_council_grants_are_published(published):
    ids = {item["id"] for item in _package()["grants"]}
    assert ids == {"360G-anytown-AGR-2025-0001", "360G-anytown-AGR-2025-0002"}


def test_organisations_under_investigation_are_left_out(published, monkeypatch):
    from lightbulb.opendata import exclusions

    monkeypatch.setattr(exclusions, "organisation_ids_under_investigation", lambda: {published["charity"].pk})
    ids = {item["id"] for item in _package()["grants"]}
    assert ids == {"360G-anytown-AGR-2025-0002"}
    assert [row["Identifier"] for row in _csv()] == ["360G-anytown-AGR-2025-0002"]


def test_nothing_is_published_without_the_council_prefix(published, council):
    council.grant_prefix = ""
    council.save()
    assert _package()["grants"] == []


def test_the_csv_uses_the_template_column_titles_and_one_set_per_ward(published):
    out = io.StringIO()
    threesixty.write_csv(out)
    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert header[:6] == ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date"]
    assert "Recipient Org:Identifier" in header and "Funding Org:Department" in header
    assert "Beneficiary Location:Geographic Code" in header and "Beneficiary Location:1:Geographic Code" in header
    row = next(item for item in _csv() if item["Identifier"] == "360G-anytown-AGR-2025-0001")
    assert row["Beneficiary Location:Geographic Code"] == "E05000001"
    assert row["Beneficiary Location:1:Geographic Code"] == "E05000002"
    assert row["Amount Awarded"] == "12500"
    # A spreadsheet would run text starting with = as a formula: it opens as text instead.
    assert row["Description"] == "'=Running a food bank"


def test_every_csv_column_names_a_field_of_the_schema(published):
    grant_schema = threesixty_grant_schema()
    titles = {value.get("title") for value in grant_schema["properties"].values()} | {"Currency"}
    definitions = grant_schema["$defs"]
    nested = {name: {value.get("title") for value in definitions[name]["properties"].values()} for name in ("Organization", "Location", "Event")}
    parents = {"Recipient Org": "Organization", "Funding Org": "Organization", "Beneficiary Location": "Location", "Planned Dates": "Event"}
    out = io.StringIO()
    threesixty.write_csv(out)
    for column in next(csv.reader(io.StringIO(out.getvalue()))):
        parts = [part for part in column.split(":") if not part.isdigit()]
        assert parts[0] in titles, column
        if len(parts) == 2:
            assert parts[1] in nested[parents[parts[0]]], column


def test_the_set_based_file_makes_the_same_grants_as_the_api(published):
    """The file's rows are read set-based (no query per grant); each grant is the one the API gives, field for field."""
    from lightbulb.funding.models import AgreementTransition
    from lightbulb.funding.selectors import publishing
    from tests.factories import IdentifierFactory, WardFactory

    charity = published["charity"]
    # A second registered number of each kind, and a scheme the order does not know: the first in order still names the recipient.
    IdentifierFactory(organisation=charity, scheme="GB-COH", value="07654321")
    IdentifierFactory(organisation=charity, scheme="GB-SC", value="SC012345")
    IdentifierFactory(organisation=published["group"], scheme="XI-EXAMPLE", value="99")
    published["grant"].wards.add(WardFactory(gss_code="E05000003", name="East"))
    # Awarded twice (after a step back): the first award counts.
    AgreementTransition.objects.create(
        agreement=published["group_grant"], from_status="approved", to_status="awarded", by=published["grant"].accountable_officer
    )
    publisher = threesixty.Publisher()
    expected = [publishing.grant(row, publisher) for row in publishing.published_agreements(kinds=publishing.GRANT_KINDS)]
    assert [grant["id"] for grant in expected] == ["360G-anytown-AGR-2025-0001", "360G-anytown-AGR-2025-0002"]
    assert _package()["grants"] == json.loads(json.dumps(expected, default=str))
    recipient = _package()["grants"][0]["recipientOrganization"][0]
    assert (recipient["id"], recipient["charityNumber"], recipient["companyNumber"]) == ("GB-CHC-1123456", "1123456", "07654321")
    assert _package()["grants"][1]["recipientOrganization"][0]["id"] == "XI-EXAMPLE-99"


def test_the_file_takes_the_same_queries_however_many_grants(published, django_assert_max_num_queries):
    from tests.factories import AgreementFactory

    officer = published["grant"].accountable_officer
    for index in range(30):
        AgreementFactory(reference=f"AGR-2024-{index:04d}", organisation=published["charity"], status="closed", accountable_officer=officer)
    # The council, the exclusions, then two queries a batch (the grants with their recipients' numbers and award times; the batch's wards).
    with django_assert_max_num_queries(6):
        assert threesixty.write_json(io.StringIO()) == 32


def test_recipients_numbers_kept_between_batches_are_bounded_and_still_right(published, monkeypatch):
    from lightbulb.funding.selectors import publishing
    from tests.factories import AgreementFactory

    officer = published["grant"].accountable_officer
    for index, organisation in enumerate([published["group"], published["charity"], published["group"]]):
        AgreementFactory(reference=f"AGR-2024-{index:04d}", organisation=organisation, status="closed", accountable_officer=officer)
    whole = list(publishing.published_grant_rows())
    # One grant a batch, and room for one organisation's numbers: kept, dropped and read again as the batches go.
    monkeypatch.setattr(publishing, "NUMBERS_KEPT", 1)
    assert list(publishing.published_grant_rows(batch_size=1)) == whole
    # The charity's grant, the group's, then the group's, the charity's and the group's again (the group has no registered number).
    assert [row[13] for row in whole] == ["GB-CHC-1123456", None, None, "GB-CHC-1123456", None]
