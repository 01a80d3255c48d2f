"""The agreement page's performance chart draws on a 320px screen without a JavaScript error or a
Content-Security-Policy violation, beside its table, and the page passes axe."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.funding.models import ReturnFigure
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot, user_for
from tests.factories import AgreementFactory, ConditionFactory
from tests.funding.factories_returns import MonitoringReturnFactory

pytestmark = pytest.mark.browser


def test_the_performance_chart_draws_at_320px(signed_in_page):
    officer = user_for(Role.OFFICER)
    today = datetime.date.today()
    agreement: Any = AgreementFactory(
        status="live", accountable_officer=officer, start_date=today - datetime.timedelta(days=200), end_date=today + datetime.timedelta(days=165)
    )
    long_name = "Older residents given a weekly telephone befriending call by a trained volunteer from the scheme"
    sessions: Any = ConditionFactory(agreement=agreement, kind="output", description="Cooking sessions run", target=Decimal("12"), unit="sessions")
    calls: Any = ConditionFactory(agreement=agreement, kind="outcome", description=long_name, target=Decimal("40"), unit="people")
    ConditionFactory(agreement=agreement, kind="kpi", description="People given a hot meal", target=Decimal("300"), unit="people")
    first: Any = MonitoringReturnFactory(
        agreement=agreement, period_start=agreement.start_date, period_end=agreement.start_date + datetime.timedelta(days=90), status="accepted"
    )
    ReturnFigure.objects.create(monitoring_return=first, condition=sessions, value=Decimal("3"))
    ReturnFigure.objects.create(monitoring_return=first, condition=calls, value=Decimal("12.5"))

    page = signed_in_page(officer)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk}))
    canvas = page.locator("figure[data-performance-chart] canvas")
    canvas.wait_for()
    box = canvas.bounding_box()
    assert box is not None and box["width"] <= 320 and box["height"] > 150
    table = page.locator("table[data-performance-table]")
    assert table.locator("tbody tr").count() == 3
    table_box = table.bounding_box()
    assert table_box is not None and table_box["x"] + table_box["width"] <= 320, "the performance table runs off a 320px screen"
    screenshot(page, "performance-chart-320")
    assert_accessible(page, "the agreement page's performance section at 320px")
