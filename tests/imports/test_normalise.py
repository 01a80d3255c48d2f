import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lightbulb.imports.normalise import Notes, UnreadableFile, clean_text, decode_bytes, normalise_header, parse_date, parse_money, parse_yes_no


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15/05/2019", datetime.date(2019, 5, 15)),
        ("04/05/2024", datetime.date(2024, 5, 4)),
        ("4.5.24", datetime.date(2024, 5, 4)),
        ("2019-05-15", datetime.date(2019, 5, 15)),
        ("2019-05-15T00:00:00", datetime.date(2019, 5, 15)),
        ("15 May 2019", datetime.date(2019, 5, 15)),
        ("", None),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2024", "yesterday", "2024-13-01", "<script>"])
def test_parse_date_rejects(raw):
    with pytest.raises(ValidationError):
        parse_date(raw)


def test_parse_date_notes_day_first():
    notes = Notes()
    parse_date("04/05/2024", notes)
    assert notes.as_list() == ["Dates read as day first (UK style): 1 value (for example 04/05/2024 → 4 May 2024)"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("£1,250.00", Decimal("1250.00")), ("1250", Decimal("1250")), ("(1,250.50)", Decimal("-1250.50")), ("GBP 10", Decimal("10")), ("", None)],
)
def test_parse_money(raw, expected):
    assert parse_money(raw) == expected


@pytest.mark.parametrize("raw", ["lots", "£", "NaN", "=1+1"])
def test_parse_money_rejects(raw):
    with pytest.raises(ValidationError):
        parse_money(raw)


@pytest.mark.parametrize(("raw", "expected"), [("Y", True), ("n", False), ("Yes", True), ("FALSE", False), ("1", True), ("", None)])
def test_parse_yes_no(raw, expected):
    assert parse_yes_no(raw) is expected if expected is not None else parse_yes_no(raw) is None


def test_parse_yes_no_rejects():
    with pytest.raises(ValidationError):
        parse_yes_no("maybe")


def test_headers_and_text():
    assert normalise_header("\ufeff  Ward Code ") == "ward_code"
    assert normalise_header("WARD-CODE") == "ward_code"
    notes = Notes()
    assert clean_text("  two   spaces\x07 ", notes) == "two spaces"
    assert notes.as_list()[0].startswith("Extra spaces or control characters removed: 1 value")


def test_decode_bom_cp1252_and_garbage():
    notes = Notes()
    assert decode_bytes("\ufeffpcds".encode(), notes) == "pcds"
    assert decode_bytes("Caf\xe9".encode("cp1252"), notes) == "Café"
    assert notes.as_list() == [
        "The byte-order mark at the start of the file was removed",
        "The file was read as Windows-1252 text (as saved by older versions of Excel), not UTF-8",
    ]
    for garbage in (b"\x00\x01\x02binary", b"PK\x03\x04zip", b"\x81\x8d\x8f\x90"):
        with pytest.raises(UnreadableFile):
            decode_bytes(garbage)
