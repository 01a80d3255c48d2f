"""A block of register rows checked a column at a time gives exactly what checking it a row at a time gives, or leaves it to that."""

from __future__ import annotations

import pytest

from lightbulb.imports import register_columns, register_load
from tests.imports.test_charity_register import charity


def _row_at_a_time(rows: list[dict], seen: set[int]) -> tuple[list[str], list[tuple[int, str]]]:
    staged, lines = register_load.Staged(), []
    for number, row in enumerate(rows, start=1):
        try:
            lines.append(register_load.staged_line(row, seen, f"print{number}"))
        except register_load.RowError as error:
            register_load._reject(staged, number, str(error), row)
    return lines, [(row["row"], row["reason"]) for row in staged.rejected_rows]


def _as_a_block(rows: list[dict], seen: set[int]) -> tuple[list[str], list[tuple[int, str]]]:
    staged = register_load.Staged()
    lines = register_columns.checked(rows, staged, seen, [f"print{number}" for number in range(1, len(rows) + 1)])
    assert staged.rows == len(rows)
    return lines, [(row["row"], row["reason"]) for row in staged.rejected_rows]


def _variety() -> list[dict]:
    """Rows as the register writes them: nulls, subsidiaries, escapes, integer and text amounts, postcodes written any way."""
    return [
        charity(1),
        charity(2, linked_charity_number=None, charity_type=None, latest_income=None, latest_expenditure=12, charity_activities=None),
        charity(2, linked_charity_number=3, charity_name="  SUB  ", date_of_removal="", charity_contact_postcode=" at1  1aa "),
        charity(4, charity_activities="Back\\slash, tab\t, line\nbreak and\rreturn", charity_contact_postcode="AT11AA", date_of_extract=None),
        charity(5, charity_contact_postcode="A\\B\t", charity_is_cio=None, latest_income=-0.0),
        charity(6, date_of_registration="2019-05-15", latest_acc_fin_period_end_date="2025-03-31T12:30:00.000"),
    ]


def _as_text(rows: list[dict]) -> list[dict]:
    """The same rows as the text extract gives them: every value a string, an empty one for null."""
    text = {True: "true", False: "False", None: ""}
    return [{name: text[value] if value is None or type(value) is bool else str(value) for name, value in row.items()} for row in rows]


@pytest.mark.parametrize("read_as", [list, _as_text])
def test_a_clean_block_gives_the_row_at_a_time_lines_in_one_pass(read_as):
    rows = read_as(_variety())
    assert register_columns.staged_lines(rows, set(), [f"print{number}" for number in range(1, len(rows) + 1)]) is not None
    lines, rejected = _as_a_block(rows, set())
    assert (lines, rejected) == _row_at_a_time(rows, set())
    assert len(lines) == len(rows)


@pytest.mark.parametrize(
    "odd",
    [
        {"registered_charity_number": 0},
        {"registered_charity_number": 100_000_000},
        {"registered_charity_number": True},
        {"registered_charity_number": "12a"},
        {"registered_charity_number": 1},
        {"registered_charity_number": 9},
        {"linked_charity_number": -1},
        {"charity_name": "   "},
        {"charity_name": None},
        {"charity_name": 42},
        {"charity_type": "x" * 101},
        {"charity_contact_postcode": "AT1 1AA AT1 1AA"},
        {"date_of_registration": "15/05/2019"},
        {"date_of_removal": 20190515},
        {"date_of_extract": "2026-13-01T00:00:00"},
        {"latest_income": "lots"},
        {"latest_income": "£1,250.00"},
        {"latest_income": 1e15},
        {"latest_expenditure": False},
        {"charity_is_cio": "maybe"},
        {"charity_insolvent": ["a list"]},
        {"charity_activities": {"an": "object"}},
    ],
)
@pytest.mark.parametrize("read_as", [list, _as_text])
def test_a_block_with_anything_unusual_in_it_is_checked_a_row_at_a_time(odd, read_as):
    rows = [*read_as(_variety()), charity(3, **odd), *read_as([charity(8)])]
    seen = {register_load.charity_key(9, 0)}
    block_seen, row_seen = set(seen), set(seen)
    assert _as_a_block(rows, block_seen) == _row_at_a_time(rows, row_seen)
    assert block_seen == row_seen


def test_a_row_missing_a_field_or_a_charity_read_before_leaves_the_block_to_the_row_at_a_time_check():
    missing = charity(3)
    del missing["charity_type"]
    rows = [charity(1), missing, charity(2)]
    assert register_columns.staged_lines(rows, set(), ["", "", ""]) is None
    assert _as_a_block(rows, set()) == _row_at_a_time(rows, set())
    seen = {register_load.charity_key(2, 0)}
    assert register_columns.staged_lines(rows[:1] + rows[2:], seen, ["", ""]) is None
    assert seen == {register_load.charity_key(2, 0)}
    assert _as_a_block([charity(1), charity(2)], {register_load.charity_key(2, 0)})[1] == [(2, "Charity 2 is listed more than once")]
