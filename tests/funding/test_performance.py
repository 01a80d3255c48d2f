"""Performance against the strings: totals and latest figures, met / on track / at risk / missed /
not yet reported, the agreement page's table, and a query count that does not grow with the returns."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.funding.models import ReturnFigure
from lightbulb.funding.selectors.performance import AT_RISK, MET, MISSED, NOT_REPORTED, ON_TRACK, agreement_performance
from tests.factories import AgreementFactory, ConditionFactory
from tests.funding.factories_returns import MonitoringReturnFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

# The agreement runs 1 April 2025 to 31 March 2026 (365 days).
MID_DECEMBER = datetime.date(2025, 12, 31)  # 275 of 365 days: 75% of the term


@pytest.fixture
def strings(users, own_organisation) -> dict[str, Any]:
    agreement = AgreementFactory(
        organisation=own_organisation,
        accountable_officer=users[Role.OFFICER],
        status="live",
        title="Riverside café grant",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2026, 3, 31),
    )
    return {
        "agreement": agreement,
        "sessions": ConditionFactory(agreement=agreement, kind="output", description="Cooking sessions run", target=Decimal("12"), unit="sessions"),
        "housed": ConditionFactory(agreement=agreement, kind="outcome", description="Families moved into secure housing", target=Decimal("40"), unit=""),
        "meals": ConditionFactory(agreement=agreement, kind="kpi", description="People given a hot meal each quarter", target=Decimal("300"), unit="people"),
        "insurance": ConditionFactory(agreement=agreement, kind="insurance", description="Public liability insurance of £5m", target=None, unit=""),
    }


def quarter(agreement: Any, number: int, status: str, figures: dict[Any, str]) -> Any:
    """The `number`th quarterly return (0 from April 2025) with its figures."""
    start = datetime.date(2025 + (3 + 3 * number) // 12, (3 + 3 * number) % 12 + 1, 1)
    end = (start.replace(day=28) + datetime.timedelta(days=70)).replace(day=1) - datetime.timedelta(days=1)
    monitoring_return: Any = MonitoringReturnFactory(
        agreement=agreement, period_start=start, period_end=end, due_date=end + datetime.timedelta(days=30), status=status
    )
    for condition, value in figures.items():
        ReturnFigure.objects.create(monitoring_return=monitoring_return, condition=condition, value=Decimal(value))
    return monitoring_return


def rows_by_description(performance: Any) -> dict[str, Any]:
    return {row.condition.description: row for row in performance.rows}


def test_outputs_and_outcomes_add_up_only_submitted_and_accepted_returns(strings):
    agreement, sessions, housed = strings["agreement"], strings["sessions"], strings["housed"]
    quarter(agreement, 0, "accepted", {sessions: "3", housed: "10"})
    quarter(agreement, 1, "submitted", {sessions: "4.5", housed: "12"})
    quarter(agreement, 2, "queried", {sessions: "100", housed: "100"})
    quarter(agreement, 3, "withdrawn", {sessions: "100", housed: "100"})
    performance = agreement_performance(agreement, today=MID_DECEMBER)
    rows = rows_by_description(performance)
    assert rows["Cooking sessions run"].value == Decimal("7.5")
    assert rows["Cooking sessions run"].returns_counted == 2
    assert rows["Families moved into secure housing"].value == Decimal("22")
    assert rows["Families moved into secure housing"].share == 55
    assert performance.elapsed == 75


def test_a_kpi_takes_the_latest_counted_return_not_the_total(strings):
    agreement, meals = strings["agreement"], strings["meals"]
    # Made out of order: the latest is chosen by the period it covers, not by when it was entered.
    quarter(agreement, 1, "accepted", {meals: "290"})
    quarter(agreement, 0, "accepted", {meals: "310"})
    quarter(agreement, 2, "queried", {meals: "10"})
    row = rows_by_description(agreement_performance(agreement, today=MID_DECEMBER))["People given a hot meal each quarter"]
    assert row.value == Decimal("290") and row.is_latest
    assert row.last_period_end == datetime.date(2025, 9, 30)
    assert row.share == 96 and row.expected == 100
    assert row.status == ON_TRACK


@pytest.mark.parametrize(
    ("sessions_reported", "status"),
    [
        ("12", MET),  # reached the target
        ("13", MET),
        ("8", ON_TRACK),  # 66% against 75% expected: 9 points behind, within the margin
        ("6", AT_RISK),  # 50% against 75% expected: 25 points behind
    ],
)
def test_outputs_are_judged_pro_rata_while_the_agreement_runs(strings, sessions_reported, status):
    quarter(strings["agreement"], 0, "submitted", {strings["sessions"]: sessions_reported})
    row = rows_by_description(agreement_performance(strings["agreement"], today=MID_DECEMBER))["Cooking sessions run"]
    assert row.expected == 75
    assert row.status == status


@pytest.mark.parametrize(("latest", "status"), [("300", MET), ("280", ON_TRACK), ("250", AT_RISK)])
def test_a_kpi_is_expected_to_hold_its_whole_target(strings, latest, status):
    quarter(strings["agreement"], 0, "accepted", {strings["meals"]: latest})
    with time_machine.travel(datetime.datetime(2025, 7, 15, 12), tick=False):
        row = rows_by_description(agreement_performance(strings["agreement"]))["People given a hot meal each quarter"]
    assert row.status == status


def test_a_target_not_reached_is_missed_once_the_agreement_ends(strings):
    agreement, sessions, housed = strings["agreement"], strings["sessions"], strings["housed"]
    quarter(agreement, 0, "accepted", {sessions: "11", housed: "40"})
    with time_machine.travel(datetime.datetime(2026, 4, 20, 12), tick=False):
        performance = agreement_performance(agreement)
    rows = rows_by_description(performance)
    assert performance.ended
    assert rows["Cooking sessions run"].status == MISSED
    assert rows["Families moved into secure housing"].status == MET


def test_a_decommissioned_agreement_misses_what_it_did_not_reach_before_its_end_date(strings):
    agreement = strings["agreement"]
    quarter(agreement, 0, "accepted", {strings["sessions"]: "11"})
    agreement.status = "decommissioned"
    agreement.save(update_fields=["status"])
    with time_machine.travel(datetime.datetime(2025, 8, 1, 12), tick=False):
        row = rows_by_description(agreement_performance(agreement))["Cooking sessions run"]
    assert row.status == MISSED


def test_without_counted_figures_a_condition_is_not_yet_reported(strings):
    agreement = strings["agreement"]
    quarter(agreement, 0, "due", {})
    quarter(agreement, 1, "queried", {strings["sessions"]: "12"})
    rows = rows_by_description(agreement_performance(agreement, today=MID_DECEMBER))
    assert {row.status for row in rows.values()} == {NOT_REPORTED}
    assert rows["Cooking sessions run"].value is None and rows["Cooking sessions run"].share is None


def test_conditions_without_figures_are_listed_as_they_are(strings):
    agreement = strings["agreement"]
    ConditionFactory(agreement=agreement, kind="kpi", description="Volunteers' satisfaction", target=None)
    performance = agreement_performance(agreement, today=MID_DECEMBER)
    assert [c.description for c in performance.unmeasured] == ["Public liability insurance of £5m", "Volunteers' satisfaction"]
    assert len(performance.rows) == 3


def test_before_the_start_nothing_is_expected_yet(strings):
    quarter(strings["agreement"], 0, "submitted", {strings["sessions"]: "1"})
    row = rows_by_description(agreement_performance(strings["agreement"], today=datetime.date(2025, 3, 1)))["Cooking sessions run"]
    assert row.expected == 0 and row.status == ON_TRACK


def test_the_selector_reads_everything_in_one_query(strings, django_assert_num_queries):
    for number in range(4):
        quarter(strings["agreement"], number, "accepted", {strings["sessions"]: "2", strings["meals"]: "300"})
    with django_assert_num_queries(1):
        agreement_performance(strings["agreement"], today=MID_DECEMBER)


def test_the_agreement_page_shows_each_condition_against_its_target(client_for, strings):
    agreement, sessions, housed, meals = strings["agreement"], strings["sessions"], strings["housed"], strings["meals"]
    quarter(agreement, 0, "accepted", {sessions: "3", housed: "10", meals: "250"})
    quarter(agreement, 1, "submitted", {sessions: "3", housed: "30", meals: "295.50"})
    quarter(agreement, 2, "queried", {sessions: "40", housed: "40", meals: "1"})
    ConditionFactory(agreement=agreement, kind="outcome", description="People back in work", target=Decimal("5"), unit="people")
    with time_machine.travel(datetime.datetime(2025, 12, 31, 12), tick=False):
        response = client_for(Role.COUNCILLOR).get(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk}))
    page = visible_text(response.content)
    assert "Performance against the conditions" in page
    assert "75% of the agreement's term has passed on 31 December 2025. 1 met, 1 on track, 1 at risk, 1 not yet reported." in page
    assert "Output: Cooking sessions run 6 of 12 sessions 50% reached; 75% expected by now total of 2 returns At risk" in page
    assert "Outcome: Families moved into secure housing 40 of 40 100% reached; 75% expected by now total of 2 returns Met" in page
    assert (
        "KPI: People given a hot meal each quarter 295.5 of 300 people 98% reached; 100% expected by now latest return, to 30 September 2025 On track" in page
    )
    assert "Outcome: People back in work Target 5 people 75% expected by now Not yet reported" in page
    assert "Conditions without figures Insurance requirement: Public liability insurance of £5m" in page
    assert "E+" not in page
    html = response.content.decode()
    assert 'src="/static/funding/performance-chart.js"' in html or "funding/performance-chart" in html
    assert "data-performance-chart" in html


def test_the_agreement_page_says_when_nothing_can_be_measured(officer_client, agreement):
    page = visible_text(officer_client.get(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk})).content)
    assert "No output, outcome or key performance indicator with a target has been recorded" in page
    assert "performance-chart" not in page


def page_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_agreement_page_queries_do_not_grow_with_the_returns(client_for, strings):
    agreement, sessions, housed, meals = strings["agreement"], strings["sessions"], strings["housed"], strings["meals"]
    client = client_for(Role.OFFICER)
    url = reverse("funding:agreement_detail", kwargs={"pk": agreement.pk})
    statuses = ["accepted", "submitted", "queried", "withdrawn", "accepted", "submitted", "due", "accepted"]
    for number in range(2):
        quarter(agreement, number, statuses[number], {sessions: "1", housed: "2", meals: "280"})
    client.get(url)  # warm the session and content-type caches
    with time_machine.travel(datetime.datetime(2025, 12, 31, 12), tick=False):
        with_two = page_queries(client, url)
    for number in range(2, 8):
        quarter(agreement, number, statuses[number], {sessions: "1", housed: "2", meals: "280"})
    with time_machine.travel(datetime.datetime(2025, 12, 31, 12), tick=False):
        with_eight = page_queries(client, url)
    assert agreement.returns.count() == 8
    assert with_two == with_eight
