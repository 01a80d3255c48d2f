"""Figures show as people write them: never 4E+1 (what Decimal.normalize() gives for 40)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lightbulb.core.templating import figure


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
