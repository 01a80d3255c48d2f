"""The register's tab-separated text extract read a block at a time: unchanged charities known by their bytes, and every line read as csv reads it."""

from __future__ import annotations

import csv
import io

import pytest

from lightbulb.imports import register_columns, register_load, register_text
from lightbulb.imports.models import CharityRecord, ImportRun
from lightbulb.imports.normalise import UnreadableFile
from tests.imports.test_charity_register import run_file

HEADING = (
    "date_of_extract\torganisation_number\tregistered_charity_number\tlinked_charity_number\tcharity_name\tcharity_registration_status"
    "\tdate_of_registration\tlatest_income\tcharity_contact_postcode\tcharity_is_cio\tcharity_activities"
)


def line(number: int, date: str = "2026-11-01 00:00:00", **values: str) -> str:
    cells = {
        "organisation_number": str(number),
        "registered_charity_number": str(number),
        "linked_charity_number": "0",
        "charity_name": f"CHARITY {number}",
        "charity_registration_status": "Registered",
        "date_of_registration": "2019-05-15 00:00:00",
        "latest_income": "125000.5",
        "charity_contact_postcode": "at1 1aa",
        "charity_is_cio": "False",
        "charity_activities": "Food parcels and advice",
        **values,
    }
    return "\t".join([date, *cells.values()])


# Every field the register writes: each line's fields are read by their places, not through a dict.
FULL = HEADING + (
    "\tcharity_type\tcharity_reporting_status\tdate_of_removal\tlatest_acc_fin_period_end_date\tlatest_expenditure"
    "\tcharity_company_registration_number\tcio_is_dissolved\tcharity_insolvent\tcharity_in_administration"
)


def full(number: int, rest: str = "Trust\tSubmission Received\t\t2025-03-31 00:00:00\t1200.25\t\tfalse\tfalse\tfalse", **values: str) -> str:
    return line(number, **values) + "\t" + rest


def text_extract(*lines: str, heading: str = HEADING, end: str = "\r\n") -> bytes:
    return "\ufeff".encode() + end.join([heading, *lines, ""]).encode()


def _read(data: bytes, known: dict[bytes, int] | None = None) -> tuple[register_load.Staged, list[str]]:
    staged = register_load.Staged()
    reader = register_text.TextReader(io.BytesIO(data))
    lines = [line for block in reader(staged, known or {}, lambda rows, share: None, lambda: 0.0) for line in block]
    return staged, lines


def _read_by_csv(data: bytes) -> tuple[register_load.Staged, list[str]]:
    """As the text extract was read before it had fingerprints: csv, a row at a time."""
    staged = register_load.Staged()
    rows = register_load.text_rows(io.BytesIO(data))
    lines = [line for block in register_columns.row_lines(rows, staged, lambda rows, share: None, lambda: 0.0) for line in block]
    return staged, lines


def _without_fingerprints(lines: list[str]) -> list[str]:
    return [line.rsplit("\t", 1)[0] for line in lines]


def _outcome(staged: register_load.Staged) -> tuple[int, int, list[tuple[int, str, dict]]]:
    return staged.rows, staged.rejected, [(row["row"], row["reason"], row["data"]) for row in staged.rejected_rows]


@pytest.mark.parametrize(
    "data",
    [
        text_extract(line(1), line(2), line(2, linked_charity_number="1", charity_name="SUB"), end="\n"),
        text_extract(line(1), "", line(2), "\r", line(3)),
        text_extract(line(1), line(1), line(2, charity_name=" "), line(3, latest_income="lots"), line(4, date="2026-13-45")),
        text_extract(line(1) + "\textra\tcells", "\t".join(line(2).split("\t")[:5]), line(3, charity_activities='Quotes " and \\ a backslash')),
        text_extract(line(1), line(2) + "\rhalf a line", line(3)),
        text_extract(line(1), line(2, charity_name="Caf\xe9")),
        text_extract(line(1), line(2)).removesuffix(b"\r\n"),
        text_extract(line(1), heading=HEADING.replace("registered_charity_number", "number")),
        text_extract(heading=HEADING) + b"\r\n",
        text_extract(full(1), full(2), full(2, linked_charity_number="4"), full(3, charity_contact_postcode="AT11AA"), heading=FULL),
        text_extract(full(1), full(1), full(2, rest="Trust"), full(3, latest_income="£5"), full(4, rest="x\t" * 12), full(5), heading=FULL),
        text_extract(full(1), full(2, date="2026-13-45"), full(3, rest="Trust\tSubmission Received\tsoon"), heading=FULL + "\tcharity_type"),
    ],
)
def test_every_line_is_read_as_csv_reads_it_whatever_the_blocks(monkeypatch, data):
    expected = _result(_read_by_csv, data)
    for size in (1 << 20, 64):
        monkeypatch.setattr(register_text, "BLOCK_BYTES", size)
        assert _result(_read, data) == expected


def _result(read, data: bytes) -> tuple:
    try:
        staged, lines = read(data)
    except UnreadableFile as refused:
        return ("refused", str(refused))
    return _outcome(staged), _without_fingerprints(lines)


def test_text_that_is_not_utf8_is_refused_as_before():
    data = text_extract(line(1), line(2)) + line(3, charity_name="Caf\xe9").encode("cp1252")
    with pytest.raises(UnreadableFile, match="not UTF-8"):
        _read(data)


def test_a_line_csv_cannot_read_is_reported_with_its_line_number_after_good_blocks(monkeypatch):
    monkeypatch.setattr(register_text, "BLOCK_BYTES", 200)
    limit = csv.field_size_limit(300)
    try:
        data = text_extract(*[line(number) for number in range(1, 10)], line(10, charity_activities="x" * 400), line(11))
        with pytest.raises(UnreadableFile) as by_csv:
            _read_by_csv(data)
        with pytest.raises(UnreadableFile) as by_blocks:
            _read(data)
    finally:
        csv.field_size_limit(limit)
    assert str(by_blocks.value) == str(by_csv.value)
    assert str(by_blocks.value).startswith("Row 10 could not be read")


def test_a_known_fingerprint_is_counted_not_staged_and_a_second_listing_is_still_refused():
    _first, first_lines = _read(text_extract(line(1)))
    fingerprint = bytes.fromhex(first_lines[0].split("\t")[-1])
    later = text_extract(line(1, date="2026-12-01 00:00:00"), line(2), line(1, date="2026-12-01 00:00:00"))
    staged, lines = _read(later, {fingerprint: register_load.charity_key(1, 0)})
    assert (staged.rows, staged.known, len(lines)) == (3, 1, 1)
    assert [(row["row"], row["reason"]) for row in staged.rejected_rows] == [(3, "Charity 1 is listed more than once")]
    assert staged.rejected_rows[0]["data"]["registered_charity_number"] == "1"


def test_the_same_bytes_under_other_headings_or_a_bad_extract_date_are_never_taken_for_an_unchanged_row():
    _staged, first_lines = _read(text_extract(line(1)))
    known = {bytes.fromhex(first_lines[0].split("\t")[-1]): register_load.charity_key(1, 0)}
    renamed = HEADING.replace("charity_activities", "charity_type")
    staged, lines = _read(text_extract(line(1), heading=renamed), known)
    assert (staged.known, len(lines)) == (0, 1)
    staged, _lines = _read(text_extract(line(1, date="2026-13-45 00:00:00")), known)
    assert (staged.known, staged.rejected) == (0, 1)
    assert staged.rejected_rows[0]["reason"].startswith("The date_of_extract")


@pytest.mark.django_db
def test_an_unchanged_text_month_is_known_by_its_bytes_and_a_changed_charity_is_read_again():
    month = [line(1100001), line(1100002), line(1100003, charity_name="ANYTOWN CARERS")]
    first = run_file(text_extract(*month))
    assert (first.status, first.created) == (ImportRun.Status.SUCCEEDED, 3), first.log
    kept = set(CharityRecord.objects.values_list("raw_hash", flat=True))
    assert len(kept) == 3 and "" not in kept
    before = list(CharityRecord.objects.order_by("pk").values())
    next_month = [text.replace("2026-11-01", "2026-12-01", 1) for text in month]
    again = run_file(text_extract(*next_month))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(CharityRecord.objects.order_by("pk").values()) == before
    changed = run_file(text_extract(next_month[0].replace("125000.5", "1"), *next_month[1:]))
    assert (changed.updated, changed.unchanged) == (1, 2)
    assert str(CharityRecord.objects.get(registered_charity_number=1100001).latest_income) == "1.00"
