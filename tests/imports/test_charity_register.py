"""The Charity Commission register extract: reference rows, month-on-month changes, enrichment and bad files."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.models import CharityRecord, ImportRun
from lightbulb.imports.runner import import_run_execute
from lightbulb.organisations.models import Organisation, OrganisationIdentifier, RegisterValue
from tests.factories import AgreementFactory, OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db


def charity(number: int, **values) -> dict:
    row = {
        "date_of_extract": "2026-11-01T00:00:00",
        "organisation_number": number,
        "registered_charity_number": number,
        "linked_charity_number": 0,
        "charity_name": f"CHARITY {number}",
        "charity_type": "Other",
        "charity_registration_status": "Registered",
        "date_of_registration": "2019-05-15T00:00:00",
        "date_of_removal": None,
        "charity_reporting_status": "Submission Received",
        "latest_acc_fin_period_end_date": "2025-03-31T00:00:00",
        "latest_income": 125000.0,
        "latest_expenditure": 120000.5,
        "charity_contact_postcode": "AT1 1AA",
        "charity_company_registration_number": None,
        "charity_is_cio": True,
        "cio_is_dissolved": False,
        "charity_insolvent": False,
        "charity_in_administration": False,
        "charity_activities": "Food parcels\tand advice",
    }
    row.update(values)
    return row


def extract(*rows: dict) -> bytes:
    return b"\xef\xbb\xbf" + json.dumps(list(rows)).encode()


def run_file(data: bytes, *, user=None, **options) -> ImportRun:
    actor = user or SystemActor(label="Test import")
    run = services.import_run_create(acting_user=actor, source="charity-register", filename="publicextract.charity.json", start=False, **options)
    return import_run_execute(run=run, data=data, acting_user=actor)


MONTH = [
    charity(1100001),
    charity(1100002, linked_charity_number=1),
    charity(1100003, charity_registration_status="Removed", date_of_removal="2020-01-01T00:00:00"),
]


def test_every_charity_is_kept_as_published_including_subsidiaries_and_removed_ones():
    run = run_file(extract(*MONTH))
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert (run.created, run.updated, run.unchanged, run.rejected) == (3, 0, 0, 0)
    record = CharityRecord.objects.get(registered_charity_number=1100001)
    assert (record.latest_income, record.date_of_registration, record.charity_is_cio) == (Decimal("125000.00"), datetime.date(2019, 5, 15), True)
    assert record.charity_activities == "Food parcels\tand advice"
    assert CharityRecord.objects.get(registered_charity_number=1100002).linked_charity_number == 1
    assert CharityRecord.objects.get(registered_charity_number=1100003).date_of_removal == datetime.date(2020, 1, 1)


def test_next_months_extract_reports_exactly_what_changed_and_a_new_extract_date_is_no_change():
    run_file(extract(*MONTH))
    before = list(CharityRecord.objects.order_by("pk").values())
    same = [dict(row, date_of_extract="2026-12-01T00:00:00") for row in MONTH]
    unchanged = run_file(extract(*same))
    assert (unchanged.created, unchanged.updated, unchanged.unchanged) == (0, 0, 3)
    assert list(CharityRecord.objects.order_by("pk").values()) == before
    changed = [dict(same[0], latest_income=130000, charity_insolvent=True), same[1], same[2], charity(1100004)]
    run = run_file(extract(*changed))
    assert (run.created, run.updated, run.unchanged) == (1, 1, 2)
    assert run.changes == [{"record": "GB-CHC-1100001", "changes": {"latest_income": ["125000.00", "130000.00"], "charity_insolvent": [False, True]}}]


def test_a_charity_on_the_register_is_enriched_with_dated_values_and_a_typed_value_is_kept():
    ward = WardFactory(gss_code="E05000001")
    from lightbulb.places.models import Postcode

    Postcode.objects.create(postcode="AT1 1AA", ward=ward)
    organisation = OrganisationFactory(name="Riverside Food Bank", postcode="", human_edited_fields=["name"])
    OrganisationIdentifier.objects.create(organisation=organisation, scheme="GB-CHC", value="1100001")
    run_file(extract(*MONTH))
    organisation.refresh_from_db()
    assert organisation.name == "Riverside Food Bank"
    assert (organisation.postcode, organisation.latest_income) == ("AT1 1AA", Decimal("125000.00"))
    values = {value.field: value for value in RegisterValue.objects.filter(organisation=organisation)}
    assert values["charity_registration_status"].value == "Registered"
    assert values["charity_registration_status"].source == "Charity Commission register"
    assert values["charity_registration_status"].as_of == datetime.date(2026, 11, 1)
    assert CharityRecord.objects.get(registered_charity_number=1100001).organisation_id == organisation.pk


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"charity_insolvent": True}, "Charity Commission register shows it as insolvent"),
        ({"charity_in_administration": True}, "Charity Commission register shows it as in administration"),
        ({"charity_reporting_status": "Submission Overdue"}, "Charity Commission register shows its accounts as overdue (Submission Overdue)"),
        ({"charity_reporting_status": "Double Default"}, "Charity Commission register shows its accounts as overdue (Double Default)"),
        ({"cio_is_dissolved": True}, "the register records it as dissolved"),
        ({"charity_registration_status": "Removed", "date_of_removal": "2026-10-01T00:00:00"}, "the register records it as removed"),
        ({}, None),
    ],
)
def test_the_register_status_of_a_charity_with_a_live_agreement_raises_the_register_flag(values, reason, django_capture_on_commit_callbacks):
    from lightbulb.engagement.models import Flag

    organisation = OrganisationFactory()
    OrganisationIdentifier.objects.create(organisation=organisation, scheme="GB-CHC", value="1100001")
    today = datetime.date.today()
    AgreementFactory(organisation=organisation, status="live", start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=300))
    with django_capture_on_commit_callbacks(execute=True):
        run_file(extract(charity(1100001, **values)))
    flag = Flag.objects.filter(organisation=organisation, rule="register").first()
    assert (reason in flag.reason) if reason else flag is None, flag and flag.reason


def test_registered_charities_in_the_area_are_added_when_an_officer_runs_it(users):
    from lightbulb.places.models import Postcode

    Postcode.objects.create(postcode="AT1 1AA", ward=WardFactory(gss_code="E05000001"))
    system_run = run_file(extract(*MONTH))
    assert not Organisation.objects.exists()
    assert any("1 registered charities in the council's area are not on the register yet" in note for note in system_run.notes)
    rows = [dict(row, date_of_extract="2026-12-01T00:00:00", latest_income=1) for row in MONTH]
    run_file(extract(*rows), user=users[Role.OFFICER])
    added = Organisation.objects.get()
    assert added.name == "Charity 1100001"
    assert added.identifiers.get().org_id == "GB-CHC-1100001"
    assert (added.ward.gss_code, added.legal_form) == ("E05000001", "cio")


def test_bad_rows_are_rejected_with_their_reasons():
    rows = [
        charity(1),
        charity(1),
        charity(2, charity_name=" "),
        charity(3, latest_income="lots"),
        charity(4, date_of_registration="15/05/2019"),
        charity(5, charity_is_cio="maybe"),
    ]
    run = run_file(extract(*rows))
    reasons = {row["row"]: row["reason"] for row in run.rejected_rows}
    assert reasons == {
        2: "Charity 1 is listed more than once",
        3: "The charity_name is missing",
        4: "The latest_income 'lots' is not an amount",
        5: "The date_of_registration '15/05/2019' is not a date",
        6: "The charity_is_cio 'maybe' is not true or false",
    }
    assert run.created == 1


def test_strict_and_dry_runs_write_nothing():
    strict = run_file(extract(charity(1), charity(1)), strict=True)
    assert strict.status == ImportRun.Status.FAILED and not CharityRecord.objects.exists()
    dry = run_file(extract(*MONTH), dry_run=True)
    assert dry.created == 3 and "3 would be added" in dry.log
    assert not CharityRecord.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (extract(*MONTH)[:-40], "The file is not valid JSON"),
        (b'[{"registered_charity_number": 1,, }]', "The file is not valid JSON"),
        ('[{"charity_name": "Caf\xe9"}]'.encode("cp1252"), "not valid JSON"),
    ],
)
def test_truncated_malformed_or_wrongly_encoded_extracts_change_nothing(data, message):
    run = run_file(data)
    assert run.status == ImportRun.Status.FAILED
    assert message in run.log
    assert not CharityRecord.objects.exists()


def test_the_tab_separated_text_extract():
    header = "date_of_extract\tregistered_charity_number\tlinked_charity_number\tcharity_name\tcharity_registration_status\tlatest_income\tcharity_is_cio\n"
    body = "2026-11-01 00:00:00\t1100001\t0\tANYTOWN CARERS\tRegistered\t5000\tFalse\n2026-11-01 00:00:00\t1100002\t0\tOTHER\tRemoved\t\t\n"
    run = run_file((header + body).encode())
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert run.created == 2
    assert CharityRecord.objects.get(registered_charity_number=1100001).charity_is_cio is False


def test_a_file_over_the_limit_is_refused_before_it_is_read(settings):
    settings.IMPORT_MAX_STREAM_BYTES = 100
    run = run_file(extract(*MONTH))
    assert run.status == ImportRun.Status.FAILED
    assert "The largest file you can import is 0 MB" in run.log
