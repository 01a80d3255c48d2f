"""Rejected rows are numbered as a person finds them in their spreadsheet, however many lines a cell spans."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.imports.models import ImportRun, SupplierRecord
from tests.helpers import visible_text
from tests.imports.support import run_file, workbook

pytestmark = pytest.mark.django_db


# Row 3 holds a cell on two lines, as Excel saves one with Alt+Enter in it: the rows after it are 4 and 5.
MULTI_LINE = (
    "Vendor ID,Supplier Name,Company Number,Charity Number\r\n"
    "V1,Acme Stationery,123456,\r\n"
    'V2,"Café Riverside\r\nLunch Club",,1100001\r\n'
    "V2,Again,,\r\n"
    "V3,,,\r\n"
).encode("cp1252")


def test_a_rejected_row_after_a_multi_line_cell_is_numbered_as_the_spreadsheet_shows_it(client_for):
    run = run_file(MULTI_LINE)
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert (run.created, run.rejected) == (2, 2)
    assert {row["row"]: row["reason"] for row in run.rejected_rows} == {
        4: "The supplier ID V2 is listed more than once",
        5: "The supplier name is missing",
    }
    assert SupplierRecord.objects.get(supplier_id="V2").name == "Café Riverside Lunch Club"
    assert any("Windows-1252" in note for note in run.notes)
    assert "Windows line endings (CRLF) were read as ordinary line breaks" in run.notes
    client = client_for("admin")
    page = visible_text(client.get(reverse("imports:run_detail", kwargs={"pk": run.pk})).content)
    assert "4 The supplier ID V2 is listed more than once" in page
    assert "5 The supplier name is missing" in page
    download = client.get(reverse("imports:run_rejected_csv", kwargs={"pk": run.pk}))
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert lines[1].startswith("4,The supplier ID V2 is listed more than once,")
    assert lines[2].startswith("5,The supplier name is missing,")


def test_a_row_that_cannot_be_read_is_named_by_its_spreadsheet_row():
    data = b'Vendor ID,Supplier Name\r\nV1,"Two\r\nlines"\r\nV2,"' + b"x" * 140_000 + b'"\r\n'
    run = run_file(data)
    assert run.status == ImportRun.Status.FAILED
    assert run.log.startswith("Row 3 could not be read as CSV: field larger than field limit")
    assert not SupplierRecord.objects.exists()


def test_a_workbook_numbers_rows_as_its_sheet_does():
    rows: list[list[object]] = [
        [],
        ["Vendor ID", "Supplier Name"],
        ["V1", "Café Riverside\nLunch Club"],
        [],
        ["V1", "Again"],
    ]
    run = run_file(workbook(rows), filename="suppliers.xlsx")
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert [(row["row"], row["reason"]) for row in run.rejected_rows] == [(5, "The supplier ID V1 is listed more than once")]
