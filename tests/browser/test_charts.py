"""Charts people can read at 320px and 1280px: every category label drawn (none skipped), long names
wrapped rather than clipped, the chart inside the window, and the table beside it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import user_for
from tests.browser.reflow import assert_reflows, keep_screenshots
from tests.factories import AgreementFactory, WardFactory

pytestmark = pytest.mark.browser

WARDS = [
    f"{name} and Old Town North" if index % 3 == 0 else name
    for index, name in enumerate(
        ["Abbey", "Brookside", "Castle", "Dale", "Eastgate", "Fairfield", "Greenhill", "Harbour", "Ironbridge", "Jubilee", "Kingsmead", "Longford"]
    )
]


@pytest.mark.parametrize("width", [320, 1280])
def test_the_spend_charts_show_every_label(width, signed_in_page):
    officer = user_for(Role.OFFICER)
    start = datetime.date(2025, 5, 1)
    for index, name in enumerate(WARDS):
        agreement: Any = AgreementFactory(
            status="live", accountable_officer=officer, amount=Decimal(10_000 * (index + 1)), start_date=start, end_date=start + datetime.timedelta(days=365)
        )
        agreement.wards.add(WardFactory(name=name))
    page = signed_in_page(officer)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("funding:spend"))
    canvas = page.locator("#by-ward ~ figure canvas").first
    canvas.wait_for()
    drawn = page.evaluate(
        """(canvas) => {
          const chart = window.Chart.getChart(canvas);
          return {labels: chart.scales.y.ticks.length, rows: chart.data.labels.length, width: canvas.getBoundingClientRect().right,
                  longest: Math.max(...chart.data.labels.map((label) => [].concat(label).reduce((n, line) => Math.max(n, line.length), 0)))};
        }""",
        canvas.element_handle(),
    )
    assert drawn["rows"] == len(WARDS), drawn
    assert drawn["labels"] == drawn["rows"], f"{drawn['rows'] - drawn['labels']} ward name(s) skipped at {width}px"
    assert drawn["width"] <= width, f"the chart runs off a {width}px window"
    assert drawn["longest"] <= 26, "a long ward name is drawn on one line and clipped"
    assert page.locator("table[data-chart-table] tbody tr").count() >= len(WARDS)
    assert_reflows(page, f"the spend page at {width}px")
    keep_screenshots(page, f"officer-spend-{width}")
    assert_accessible(page, f"the spend page at {width}px")
