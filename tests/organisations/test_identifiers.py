"""Reading identifiers the way a person types them, and refusing what no register issues."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lightbulb.organisations.identifiers import Identifier, looks_like_identifier, parse_identifier


@pytest.mark.parametrize(
    ("raw", "scheme", "expected"),
    [
        ("GB-CHC-1234567", None, "GB-CHC-1234567"),
        ("gb chc 1234567", None, "GB-CHC-1234567"),
        ("GB_CHC_123456", None, "GB-CHC-123456"),
        ("1234567", "GB-CHC", "GB-CHC-1234567"),
        ("GB-COH-01234567", None, "GB-COH-01234567"),
        ("1234567", "GB-COH", "GB-COH-01234567"),
        ("sc123456", "GB-COH", "GB-COH-SC123456"),
        ("GB-SC-SC012345", None, "GB-SC-SC012345"),
        ("12345", "GB-SC", "GB-SC-SC012345"),
        ("GB-NIC-100001", None, "GB-NIC-100001"),
        ("NIC100001", "GB-NIC", "GB-NIC-100001"),
        ("GB-MPR-12345R", None, "GB-MPR-12345R"),
        (" 1 234 567 ", "GB-CHC", "GB-CHC-1234567"),
    ],
)
def test_parse_identifier_normalises(raw, scheme, expected):
    assert parse_identifier(raw, scheme).org_id == expected


@pytest.mark.parametrize(
    ("raw", "scheme", "message"),
    [
        ("", None, "Enter an identifier"),
        ("   ", "GB-CHC", "Enter an identifier"),
        ("1234567", None, "Choose which register"),
        ("GB-CHC-12", None, "charity number of 6 or 7 numbers"),
        ("GB-CHC-1234567", "GB-COH", "is a GB-CHC identifier, not GB-COH"),
        ("123456789", "GB-COH", "company number of 8 characters"),
        ("AB12", "GB-SC", "Scottish charity number"),
        ("12345", "GB-NIC", "Northern Ireland charity number"),
        ("=cmd|' /C calc'!A0", "GB-CHC", "charity number"),
        ("<script>alert(1)</script>", "GB-MPR", "mutuals register number"),
        ("1234567", "GB-XYZ", "not a register Lightbulb knows"),
    ],
)
def test_parse_identifier_refuses_with_a_clear_message(raw, scheme, message):
    with pytest.raises(ValidationError) as caught:
        parse_identifier(raw, scheme)
    assert message in " ".join(caught.value.messages)


def test_looks_like_identifier_reads_org_ids_and_numbers():
    assert looks_like_identifier("GB-COH-01234567") == Identifier("GB-COH", "01234567")
    assert looks_like_identifier("1234567") == Identifier("GB-CHC", "1234567")
    assert looks_like_identifier("01234567") == Identifier("GB-COH", "01234567")
    assert looks_like_identifier("Riverside Food Bank") is None
    assert looks_like_identifier("") is None


@given(st.integers(min_value=100000, max_value=9999999))
def test_any_charity_number_round_trips(number):
    parsed = parse_identifier(str(number), "GB-CHC")
    assert parsed.value == str(number)
    assert parse_identifier(parsed.org_id) == parsed


@given(st.integers(min_value=1, max_value=99999999))
def test_company_numbers_are_padded_to_eight(number):
    parsed = parse_identifier(str(number), "GB-COH")
    assert parsed.value == f"{number:08d}"
    assert parse_identifier(parsed.org_id.lower()) == parsed


@given(st.text(max_size=40))
def test_parsing_never_crashes(text):
    """Whatever is typed, the answer is an identifier or a ValidationError, never a crash."""
    for scheme in (None, "GB-CHC", "GB-COH", "GB-SC", "GB-NIC", "GB-MPR"):
        try:
            parsed = parse_identifier(text, scheme)
        except ValidationError as error:
            assert error.messages
        else:
            assert parsed.org_id.startswith("GB-")
    looks_like_identifier(text)


@given(st.sampled_from(["GB-CHC-1123456", "GB-COH-SC123456", "GB-SC-SC000001", "GB-NIC-123456", "GB-MPR-7R"]), st.sampled_from([" ", "-", "_", ""]))
def test_separators_and_case_do_not_matter(org_id, separator):
    typed = org_id.replace("-", separator, 2).lower() if separator else org_id.replace("-", "", 2)
    assert parse_identifier(typed) == parse_identifier(org_id)
