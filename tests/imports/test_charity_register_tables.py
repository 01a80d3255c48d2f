"""The register extract's annual return history, area of operation and trustee tables: kept as published, and what the flags read."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.models import CharityAnnualReturn, CharityAreaOfOperation, CharityTrustee, ImportRun
from lightbulb.imports.runner import import_run_execute
from lightbulb.organisations.models import Organisation, OrganisationIdentifier, RegisterValue
from tests.factories import AgreementFactory, CouncilFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def run_file(source: str, data: bytes, *, user=None, **options) -> ImportRun:
    actor = user or SystemActor(label="Test import")
    run = services.import_run_create(acting_user=actor, source=source, filename="publicextract.json", start=False, **options)
    return import_run_execute(run=run, data=data, acting_user=actor)


def extract(*rows: dict) -> bytes:
    return b"\xef\xbb\xbf" + json.dumps(list(rows)).encode()


def on_register(number: int, **fields) -> Organisation:
    organisation = OrganisationFactory(**fields)
    OrganisationIdentifier.objects.create(organisation=organisation, scheme="GB-CHC", value=str(number))
    return organisation


def annual_return(number: int, year: int, income: float | None, **values) -> dict:
    return {
        "date_of_extract": "2026-11-01T00:00:00",
        "organisation_number": number,
        "registered_charity_number": number,
        "fin_period_start_date": f"{year - 1}-04-01T00:00:00",
        "fin_period_end_date": f"{year}-03-31T00:00:00",
        "ar_cycle_reference": f"AR{year % 100}",
        "reporting_due_date": f"{year + 1}-01-31T00:00:00",
        "date_annual_return_received": None,
        "date_accounts_received": None,
        "total_gross_income": income,
        "total_gross_expenditure": None,
        "accounts_qualified": None,
        "suppression_ind": 0,
        "suppression_type": None,
        **values,
    }


def test_the_latest_reported_income_reaches_the_organisation_for_the_dependency_flag_and_a_typed_one_is_kept():
    held = on_register(1100001, latest_income=None, latest_income_year_end=None)
    typed = on_register(1100002, latest_income=Decimal("5000"), human_edited_fields=["latest_income"])
    rows = [annual_return(1100001, 2024, 90000.0), annual_return(1100001, 2025, 125000.0), annual_return(1100002, 2025, 70000.0)]
    run = run_file("charity-register-annual-returns", extract(*rows))
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert (run.created, run.unchanged, run.rejected) == (3, 0, 0)
    held.refresh_from_db()
    assert (held.latest_income, held.latest_income_year_end) == (Decimal("125000.00"), datetime.date(2025, 3, 31))
    value = RegisterValue.objects.get(organisation=held, field="latest_income")
    assert (value.value, value.source, value.as_of) == ("125000.00", "Charity Commission register", datetime.date(2026, 11, 1))
    typed.refresh_from_db()
    assert typed.latest_income == Decimal("5000")
    assert CharityAnnualReturn.objects.count() == 3
    next_month = [dict(row, date_of_extract="2026-12-01T00:00:00") for row in rows]
    again = run_file("charity-register-annual-returns", extract(*next_month))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert set(CharityAnnualReturn.objects.values_list("import_run_id", flat=True)) == {run.pk}


def test_trustee_names_reach_the_shared_trustees_flag_from_the_tab_separated_table():
    from lightbulb.engagement.flags import shared

    first, second = on_register(1100001, name="Riverside Food Bank"), on_register(1100002, name="Hillside Pantry")
    AgreementFactory(organisation=first)
    AgreementFactory(organisation=second)
    header = "date_of_extract\torganisation_number\tregistered_charity_number\tlinked_charity_number\ttrustee_id\ttrustee_name\ttrustee_is_chair\tindividual_or_organisation\ttrustee_date_of_appointment\n"
    body = (
        "2026-11-01 00:00:00\t1\t1100001\t0\t11\tAlice Jones\tTrue\tP\t2019-05-15 00:00:00\n"
        "2026-11-01 00:00:00\t1\t1100001\t0\t12\tBob Smith\tFalse\tP\t\n"
        "2026-11-01 00:00:00\t2\t1100002\t0\t13\tBob Smith\tTrue\tP\t\n"
        "2026-11-01 00:00:00\t3\t1100003\t0\t14\t\tFalse\tP\t\n"
        "2026-11-01 00:00:00\t3\t1100003\t0\t15\tCarol\tFalse\tP\t15/05/2019\n"
    )
    run = run_file("charity-register-trustees", (header + body).encode())
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert run.created == 3
    assert {row["row"]: row["reason"] for row in run.rejected_rows} == {
        4: "The trustee_name is missing",
        5: "The trustee_date_of_appointment '15/05/2019' is not a date",
    }
    assert RegisterValue.objects.get(organisation=first, field="trustees").value == "Alice Jones\nBob Smith"
    reasons = {finding.organisation_id: finding.reason for finding in shared.find(None, datetime.date.today())}
    assert reasons[first.pk].startswith("Shares a trustee, Bob Smith with 1 other applicant: Hillside Pantry")
    assert reasons[second.pk].startswith("Shares a trustee, Bob Smith with 1 other applicant: Riverside Food Bank")
    # Next month Bob Smith has left Riverside Food Bank: his row goes, and the organisation's trustees follow.
    run = run_file("charity-register-trustees", (header + body.splitlines(keepends=True)[0] + body.splitlines(keepends=True)[2]).encode())
    assert (run.created, run.unchanged) == (0, 2)
    assert any("1 rows no longer in the register's extract were removed" in note for note in run.notes)
    assert CharityTrustee.objects.count() == 2
    assert RegisterValue.objects.get(organisation=first, field="trustees").value == "Alice Jones"


def test_a_charity_working_in_the_councils_area_joins_the_register_when_an_officer_runs_it(users):
    CouncilFactory(name="Anytown Borough Council")
    charity = {
        "date_of_extract": "2026-11-01T00:00:00",
        "registered_charity_number": 1100005,
        "linked_charity_number": 0,
        "charity_name": "ANYTOWN CARERS",
        "charity_registration_status": "Registered",
        "charity_contact_postcode": "ZZ9 9ZZ",
    }
    run_file("charity-register", extract(charity, dict(charity, registered_charity_number=1100006, charity_name="ELSEWHERE TRUST")))
    assert not Organisation.objects.exists()
    area = {
        "date_of_extract": "2026-11-01T00:00:00",
        "registered_charity_number": 1100005,
        "linked_charity_number": 0,
        "geographic_area_type": "Local Authority",
        "geographic_area_description": "Anytown",
        "parent_geographic_area_type": "Region",
        "parent_geographic_area_description": "South East",
        "welsh_ind": False,
    }
    elsewhere = dict(area, registered_charity_number=1100006, geographic_area_description="Othertown")
    waiting = run_file("charity-register-areas", extract(area, elsewhere))
    assert waiting.created == 2 and not Organisation.objects.exists()
    assert any("1 registered charities in the council's area are not on the register yet" in note for note in waiting.notes)
    CharityAreaOfOperation.objects.all().delete()
    run_file("charity-register-areas", extract(area, elsewhere), user=users[Role.OFFICER])
    added = Organisation.objects.get()
    assert (added.name, added.identifiers.get().org_id) == ("Anytown Carers", "GB-CHC-1100005")


def test_a_truncated_table_changes_nothing():
    rows = extract(annual_return(1100001, 2025, 1.0), annual_return(1100002, 2025, 2.0))
    run = run_file("charity-register-annual-returns", rows[:-30])
    assert run.status == ImportRun.Status.FAILED and "The file is not valid JSON" in run.log
    assert not CharityAnnualReturn.objects.exists()


def test_the_trustee_table_names_only_the_charities_it_lists_and_clears_one_it_no_longer_lists():
    listed, unlisted = on_register(1100001, name="Riverside Food Bank"), on_register(1100002, name="Hillside Pantry")

    def trustee(number: int, name: str) -> dict:
        return {"date_of_extract": "2026-11-01T00:00:00", "registered_charity_number": number, "linked_charity_number": 0, "trustee_name": name}

    run_file("charity-register-trustees", extract(trustee(1100001, "Alice Jones"), trustee(1100009, "Someone Elsewhere")))
    assert RegisterValue.objects.get(organisation=listed, field="trustees").value == "Alice Jones"
    assert not RegisterValue.objects.filter(organisation=unlisted, field="trustees").exists()  # no names, no value
    # Next month the charity's trustees are no longer listed: the names it held are cleared.
    run_file("charity-register-trustees", extract(trustee(1100009, "Someone Elsewhere")))
    assert RegisterValue.objects.get(organisation=listed, field="trustees").value == ""
    assert not RegisterValue.objects.filter(organisation=unlisted, field="trustees").exists()
