"""Charts people can read at 320px and 1280px: every category label drawn (none skipped), long names
wrapped rather than clipped, the chart inside the window, and the table beside it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from lightbulb.compact import services as compact_services
from lightbulb.compact.models import Consultation
from lightbulb.core.roles import Role
from lightbulb.engagement.models import SurveyAnswer
from tests.browser.axe import assert_accessible
from tests.browser.conftest import user_for
from tests.browser.reflow import assert_reflows, keep_screenshots
from tests.engagement.factories import SurveyFactory, SurveyQuestionFactory
from tests.factories import AgreementFactory, OrganisationFactory, WardFactory

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


CHART_ROWS = """(canvas) => {
  const chart = window.Chart.getChart(canvas);
  const table = document.getElementById(canvas.dataset.barChart);
  return {
    labels: chart.data.labels.length,
    ticks: chart.scales.y.ticks.length,
    data: chart.data.datasets[0].data,
    max: chart.scales.x.max,
    table: Array.from(table.querySelectorAll("tbody tr")).map((row) => row.dataset.value === "" ? null : Number(row.dataset.value)),
  };
}"""


@pytest.mark.parametrize("width", [320, 1280])
def test_the_compact_chart_draws_each_commitment_from_its_table(width, signed_in_page):
    officer = user_for(Role.OFFICER)
    compact_services.compact_create_default(acting_user=officer)
    today = datetime.date.today()
    for days in (30, 90, 100):  # one consultation too short, two of 12 weeks or more: 67% kept
        start = today - datetime.timedelta(days=days + 10)
        Consultation.objects.create(
            title=f"{days} days", purpose="Views", start_date=start, end_date=start + datetime.timedelta(days=days - 1), lead_officer=officer
        )
    page = signed_in_page(officer)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("compact:compact"))
    canvas = page.locator("canvas[data-bar-chart]")
    drawn = page.evaluate(CHART_ROWS, canvas.element_handle())
    assert drawn["labels"] == drawn["ticks"] == len(drawn["table"]) == 5, drawn
    assert drawn["data"] == drawn["table"]
    assert 67 in drawn["data"], drawn
    assert drawn["max"] == 100, "a share is drawn on an axis to 100%"
    assert_reflows(page, f"the Compact page at {width}px")
    assert_accessible(page, f"the Compact page at {width}px")


def test_a_surveys_charts_draw_each_answer_count_from_their_tables(signed_in_page):
    officer = user_for(Role.OFFICER)
    survey = SurveyFactory(created_by=officer)
    scale, choice = (
        SurveyQuestionFactory(survey=survey, kind="scale"),
        SurveyQuestionFactory(survey=survey, kind="choice", text="Which is your biggest worry?", options=["Funding", "Volunteers", "Premises"]),
    )
    for number, (score, worry) in enumerate([(4, "Funding"), (4, "Funding"), (2, "Premises")]):
        SurveyAnswer.objects.create(
            survey=survey, organisation=OrganisationFactory(name=f"Group {number}"), submitted_by=officer, answers={str(scale.pk): score, str(choice.pk): worry}
        )
    page = signed_in_page(officer)
    page.goto(reverse("engagement:survey_results", kwargs={"pk": survey.pk}))
    canvases = page.locator("canvas[data-bar-chart]")
    assert canvases.count() == 2
    for index in range(2):
        drawn = page.evaluate(CHART_ROWS, canvases.nth(index).element_handle())
        assert drawn["labels"] == drawn["ticks"] == len(drawn["table"]) > 0, drawn
        assert drawn["data"] == drawn["table"]
        assert sum(drawn["data"]) == 3, drawn
    assert_accessible(page, "a survey's results")
