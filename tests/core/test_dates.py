"""Calendar arithmetic every module shares: months later, and short notice."""

from __future__ import annotations

import calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lightbulb.core.dates import add_months, is_short_notice
from lightbulb.core.forms import MAX_YEAR, MIN_YEAR

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        # Month ends: the result is the shorter month's last day.
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 5, 31), -1, D(2026, 4, 30)),
        (D(2026, 8, 31), 1, D(2026, 9, 30)),
        (D(2026, 1, 30), 1, D(2026, 2, 28)),
        (D(2026, 2, 28), 1, D(2026, 3, 28)),  # not the month end: the 28th stays the 28th
        # 29 February in leap and other years.
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2028, 2, 29), 48, D(2032, 2, 29)),
        (D(2028, 2, 29), -12, D(2027, 2, 28)),
        (D(2028, 2, 29), 1, D(2028, 3, 29)),
        (D(2100, 1, 31), 1, D(2100, 2, 28)),  # 2100 is not a leap year
        (D(2000, 1, 31), 1, D(2000, 2, 29)),  # 2000 is
        # Year boundaries, both ways.
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2027, 1, 15), -1, D(2026, 12, 15)),
        (D(2027, 1, 31), -2, D(2026, 11, 30)),
        (D(2026, 6, 1), -18, D(2024, 12, 1)),
        (D(2026, 6, 1), 0, D(2026, 6, 1)),
        (D(2026, 6, 1), 120, D(2036, 6, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("day", "months"), [(D(9999, 12, 1), 1), (D(1, 1, 1), -1), (D(2026, 1, 1), 10**20), (D(2026, 1, 1), -(10**20))])
def test_add_months_outside_the_calendar_is_a_value_error(day, months):
    with pytest.raises(ValueError, match="outside the calendar"):
        add_months(day, months)


DATES = st.dates(min_value=D(1000, 1, 1), max_value=D(9000, 12, 31))
MONTHS = st.integers(min_value=-1200, max_value=1200)


@given(day=DATES, months=MONTHS)
def test_add_months_lands_in_the_right_month_on_the_same_or_an_earlier_day(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    # Earlier only because the month is shorter: then it is that month's last day.
    assert result.day == day.day or result.day == calendar.monthrange(result.year, result.month)[1]


@given(day=DATES, months=MONTHS)
def test_add_months_keeps_order_and_month_ends(day, months):
    assert add_months(day, months) <= add_months(day, months + 1)
    if day.day <= 28:
        assert add_months(add_months(day, months), -months) == day


@given(day=st.dates(min_value=D(MIN_YEAR, 1, 1), max_value=D(MAX_YEAR, 12, 31)), months=st.integers(min_value=-36, max_value=36))
def test_any_date_the_date_field_accepts_can_be_moved_three_years_either_way(day, months):
    """The field's year bounds keep return due dates and notice periods inside `datetime`'s range."""
    assert isinstance(add_months(day, months), datetime.date)


@pytest.mark.parametrize(
    ("notice", "end", "short"),
    [
        (D(2026, 1, 10), D(2026, 4, 10), False),  # exactly 3 months
        (D(2026, 1, 10), D(2026, 4, 9), True),
        (D(2026, 11, 30), D(2027, 2, 28), False),  # 30 November + 3 months is 28 February
        (D(2026, 11, 30), D(2027, 2, 27), True),
        (D(2027, 11, 30), D(2028, 2, 29), False),
        (D(2026, 1, 10), D(2026, 1, 10), True),
        (D(2026, 1, 10), D(2025, 1, 10), True),  # an end before the notice is never enough notice
    ],
)
def test_short_notice_is_less_than_three_calendar_months(notice, end, short):
    assert is_short_notice(notice, end) is short


@given(notice=DATES, end=DATES, months=st.integers(min_value=0, max_value=24), later=st.integers(min_value=0, max_value=400))
def test_more_notice_never_turns_short(notice, end, months, later):
    """Enough notice stays enough for a later end date, and short notice stays short when more months are required."""
    if not is_short_notice(notice, end, months):
        assert not is_short_notice(notice, end + datetime.timedelta(days=later), months)
    else:
        assert is_short_notice(notice, end, months + 1)
