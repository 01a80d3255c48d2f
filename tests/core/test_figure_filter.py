"""Figures show as people write them: never 4E+1 (what Decimal.normalize() gives for 40)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lightbulb.core.templating import figure, filesize, money, percent


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("40"), "40"),
        (Decimal("40.00"), "40"),
        (Decimal("4E+1"), "40"),
        (Decimal("1250.50"), "1,250.5"),
        (Decimal("0.00"), "0"),
        (Decimal("100000000"), "100,000,000"),
        (None, ""),
    ],
)
def test_figures_read_as_written(value, shown):
    assert figure(value) == shown


@pytest.mark.parametrize(("value", "shown"), [(0.1, "0.1"), (4.3, "4.3"), (1e-7, "0.0000001"), (2.5e10, "25,000,000,000"), (1234567, "1,234,567")])
def test_floats_and_counts_read_as_written(value, shown):
    assert figure(value) == shown


@pytest.mark.parametrize(("value", "shown"), [(80, "80%"), (Decimal("79.6"), "80%"), (12.5, "13%"), (Decimal("0"), "0%"), (None, "")])
def test_percentages_read_as_written(value, shown):
    assert percent(value) == shown


def test_a_percentage_may_keep_a_place():
    assert percent(Decimal("12.46"), 1) == "12.5%"
    assert percent(Decimal("12.0"), 1) == "12%"


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 bytes"), (1, "1 byte"), (300, "300 bytes"), (1024, "1 KB"), (1536, "1.5 KB"), (150_000, "146 KB"), (3_500_000, "3.3 MB"), (5 * 1024**3, "5 GB")],
)
def test_file_sizes_read_as_written(size, shown):
    assert filesize(size) == shown


@pytest.mark.parametrize(("value", "shown"), [(855000, "£855,000"), (Decimal("1250.5"), "£1,251"), (-1250, "-£1,250"), (0.1, "£0")])
def test_money_reads_as_written(value, shown):
    assert money(value) == shown


def test_money_in_pence():
    assert money(Decimal("1250.5"), pence=True) == "£1,250.50"


def test_dates_read_as_written_everywhere():
    import datetime

    from lightbulb.core.dates import long_date
    from lightbulb.core.templating import date_format

    day = datetime.date(2026, 11, 30)
    assert long_date(day) == date_format(day) == "30 November 2026"
    assert long_date(datetime.date(2026, 5, 3)) == "3 May 2026"
