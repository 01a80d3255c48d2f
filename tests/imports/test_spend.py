"""The council's spend over £500 and its supplier list: matching, credit notes, repeated lines and re-runs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.models import ImportRun, SpendLine, SupplierRecord
from lightbulb.imports.runner import import_run_execute
from lightbulb.organisations.models import OrganisationIdentifier
from tests.factories import AgreementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def run_file(data: bytes, source: str, **options) -> ImportRun:
    actor = SystemActor(label="Test import")
    run = services.import_run_create(acting_user=actor, source=source, filename="file.csv", start=False, **options)
    return import_run_execute(run=run, data=data, acting_user=actor)


SUPPLIERS = b"Vendor ID,Supplier Name,Company Number,Charity Number\nV1,Riverside Food Bank Ltd,,1100001\nV2,Acme Stationery,123456,\nV1,Again,,\n"
SPEND = (
    "\ufeffTransaction Date,Supplier,Vendor ID,Net Amount,Transaction No,Service Area,Agreement reference\r\n"
    '15/05/2026,Riverside Food Bank Ltd,V1,"£1,250.00",T100,Adult care,\r\n'
    "15/05/2026,Riverside Food Bank Ltd,V1,£600.00,T100,Children's services,\r\n"
    "15/05/2026,Riverside Food Bank Ltd,V1,£600.00,T100,Children's services,\r\n"
    "20/05/2026,Riverside Food Bank Ltd,V1,(£250.00),T101,Adult care,\r\n"
    "21/05/2026,Unknown Supplier Ltd,,£900,T102,Highways,\r\n"
).encode()


def test_suppliers_and_spend_match_organisations_count_credit_notes_and_reject_exact_repeats():
    organisation = OrganisationFactory(name="Riverside Food Bank")
    OrganisationIdentifier.objects.create(organisation=organisation, scheme="GB-CHC", value="1100001")
    suppliers = run_file(SUPPLIERS, "suppliers")
    assert (suppliers.created, suppliers.rejected) == (2, 1)
    assert suppliers.rejected_rows[0]["reason"] == "The supplier ID V1 is listed more than once"
    assert SupplierRecord.objects.get(supplier_id="V1").organisation_id == organisation.pk
    run = run_file(SPEND, "spend")
    assert (run.created, run.rejected) == (4, 1)
    assert run.rejected_rows[0] == {**run.rejected_rows[0], "row": 4, "reason": "This line repeats line 2 of the file exactly"}
    assert SpendLine.objects.filter(transaction_number="T100").count() == 2
    credit = SpendLine.objects.get(transaction_number="T101")
    assert (credit.amount, credit.is_credit_note, credit.organisation_id) == (Decimal("-250.00"), True, organisation.pk)
    assert SpendLine.objects.get(transaction_number="T102").organisation_id is None
    assert "1 credit note (negative amounts) totalling £250.00" in run.notes
    assert any("each line was kept" in note for note in run.notes)
    again = run_file(SPEND, "spend")
    assert (again.created, again.unchanged) == (0, 4)


def test_a_spend_file_without_an_amount_column_is_refused():
    run = run_file(b"Date,Supplier\n15/05/2026,Someone\n", "spend")
    assert run.status == ImportRun.Status.FAILED
    assert run.log.startswith("The file has no column for amount.")


def _matched_run(extra_organisations: int) -> tuple[ImportRun, int]:
    OrganisationFactory.create_batch(extra_organisations)
    with CaptureQueriesContext(connection) as queries:
        run = run_file(MATCHED_SPEND, "spend")
    return run, len(queries)


MATCHED_SPEND = (
    b"Payment Date,Supplier Name,Supplier ID,Amount,Agreement Reference\n"
    b"01/06/2026,Hilltop Care Ltd,V9,900.00,\n"
    b"02/06/2026,Riverside Food Bank,,700.00,agr-2026-0001\n"
    b"03/06/2026,Riverside Food Bank,,650.00,\n"
)


def test_spend_matches_by_supplier_list_name_reference_and_only_live_agreement_reading_only_what_the_file_names():
    care = OrganisationFactory(name="Hilltop Care")
    OrganisationIdentifier.objects.create(organisation=care, scheme="GB-COH", value="00123456")
    riverside = OrganisationFactory(name="Riverside Food Bank")
    named = AgreementFactory(organisation=riverside, reference="AGR-2026-0001", status="live")
    only = AgreementFactory(organisation=care, reference="AGR-2026-0002", status="live")
    assert run_file(b"Supplier ID,Supplier Name,Company Number\nV9,Hilltop Care Ltd,123456\n", "suppliers").created == 1
    assert SupplierRecord.objects.get(supplier_id="V9").organisation_id == care.pk  # the company number, zero-padded
    run, queries = _matched_run(0)
    lines = {line.amount: (line.organisation_id, line.agreement_id) for line in SpendLine.objects.all()}
    # By the supplier list (then its only live agreement); by name, with the agreement its reference names (any case).
    assert lines[Decimal("900.00")] == (care.pk, only.pk)
    assert lines[Decimal("700.00")] == (riverside.pk, named.pk)
    assert lines[Decimal("650.00")] == (riverside.pk, named.pk)
    # Matching reads only what the file names: a larger register asks the same number of queries.
    SpendLine.objects.all().delete()
    again, more = _matched_run(30)
    assert (run.created, again.created, more) == (3, 3, queries)
