"""Columns an import does not read are accepted and named in its report, whether left over or left unchosen."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lightbulb.imports.base import unused_columns, unused_columns_note
from lightbulb.imports.models import ImportRun, SupplierRecord
from tests.helpers import visible_text
from tests.imports.support import run_file, workbook

pytestmark = pytest.mark.django_db


EXTRA = b"Notes,Vendor ID,Supplier Name,Internal ref\r\nCall first,V1,Acme Stationery,A-1\r\n,V2,Riverside Food Bank,\r\n"


def test_columns_the_import_does_not_use_are_named_and_the_rows_added():
    run = run_file(EXTRA)
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert (run.created, run.rejected) == (2, 0)
    assert set(SupplierRecord.objects.values_list("supplier_id", flat=True)) == {"V1", "V2"}
    assert "Columns not used: Notes, Internal ref" in run.notes


def test_a_workbooks_extra_columns_are_named_too(client_for):
    rows: list[list[object]] = [["Vendor ID", "Supplier Name", "Notes"], ["V1", "Acme Stationery", "Call first"]]
    run = run_file(workbook(rows), filename="suppliers.xlsx")
    assert (run.status, run.created) == (ImportRun.Status.SUCCEEDED, 1)
    assert "Column not used: Notes" in run.notes
    page = visible_text(client_for("admin").get(reverse("imports:run_detail", kwargs={"pk": run.pk})).content)
    assert "What was normalised" in page and "Column not used: Notes" in page


def test_a_file_whose_columns_are_all_read_says_nothing_about_unused_ones():
    run = run_file(b"Vendor ID,Supplier Name,Company Number,Charity Number\nV1,Acme Stationery,123456,\n")
    assert run.created == 1
    assert not any("not used" in note for note in run.notes)


def test_a_json_package_is_read_by_its_own_keys_with_no_unused_columns():
    grant = {
        "id": "360G-1",
        "amountAwarded": 100,
        "awardDate": "2020-01-01",
        "fundingOrganization": [{"id": "GB-CHC-9", "name": "Anytown Trust"}],
    }
    run = run_file(json.dumps({"grants": [grant]}).encode(), source="360giving", filename="grants.json")
    assert (run.status, run.created) == (ImportRun.Status.SUCCEEDED, 1)
    assert not any("not used" in note for note in run.notes)


def test_columns_left_unchosen_when_confirming_the_mapping_are_not_used(client_for, django_capture_on_commit_callbacks):
    officer = client_for("officer")
    data = b"Vendor ID,Supplier Name,Company Number,Notes\r\nV1,Acme Stationery,123456,Call first\r\n"
    officer.post(reverse("imports:upload"), {"source": "suppliers", "file": SimpleUploadedFile("suppliers.csv", data)})
    run = ImportRun.objects.get()
    page = visible_text(officer.get(reverse("imports:run_mapping", kwargs={"pk": run.pk})).content)
    assert "Columns you do not choose are not imported" in page
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            reverse("imports:run_mapping", kwargs={"pk": run.pk}),
            {"supplier_id": "Vendor ID", "name": "Supplier Name", "company_number": "", "charity_number": ""},
        )
    run.refresh_from_db()
    assert (run.status, run.created, run.rejected) == (ImportRun.Status.SUCCEEDED, 1, 0)
    assert "Columns not used: Company Number, Notes" in run.notes
    assert SupplierRecord.objects.get().company_number == ""


def test_unused_columns_skip_blank_headings_tell_repeats_apart_and_count_past_ten():
    headers = ["\ufeffID", "", "Name", "Name", "Notes", " "]
    assert unused_columns(headers, {0, 2}) == ["Name (column 4)", "Notes"]
    many = [f"Extra {number}" for number in range(1, 14)]
    assert unused_columns_note(many) == "Columns not used: " + ", ".join(many[:10]) + " and 3 more"
    assert unused_columns_note(["Notes"]) == "Column not used: Notes"
