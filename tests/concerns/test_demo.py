"""The demo council has concerns at several steps of the ladder and a populated risk register."""

from __future__ import annotations

import datetime

import pytest

from lightbulb.concerns.chain import access_log_verify
from lightbulb.concerns.models import Concern, LadderStep, Risk, RiskAppetite, Step
from lightbulb.concerns.selectors import appetite_rows, counter_fraud_figures, organisation_ids_under_investigation
from lightbulb.concerns.services import concern_status_for_reporter
from lightbulb.demo.concerns import DEMO_FOLLOW_UP_CODE
from lightbulb.funding.models import Decommissioning, Payment
from tests.conftest import demo_for_the_module

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


tiny = demo_for_the_module(TODAY)


def test_the_demo_has_concerns_acting_on_real_agreements(tiny):
    steps = set(LadderStep.objects.values_list("step", flat=True))
    assert set(Step.values) <= steps
    suspended = LadderStep.objects.filter(step="suspend_payments").select_related("concern").first().concern
    assert Payment.objects.filter(agreement=suspended.agreement, status="held").exists()
    terminated = LadderStep.objects.get(step="terminate").concern
    assert Decommissioning.objects.get(agreement=terminated.agreement).stage == "notice_issued"
    anonymous = Concern.objects.get(source="public", anonymous=True)
    assert anonymous.reporter_name == "" and anonymous.status == "received"
    assert concern_status_for_reporter(reference=anonymous.reference, code=DEMO_FOLLOW_UP_CODE) == "Awaiting triage"
    assert Concern.objects.filter(status="received", triage_due__lt=TODAY).exists()
    assert len(organisation_ids_under_investigation()) >= 4
    assert access_log_verify().intact


def test_the_demo_has_counter_fraud_figures_and_a_risk_register(tiny):
    figures = counter_fraud_figures(2026)
    assert figures.cases_investigated >= 2 and figures.powers_used >= 1 and figures.amount_spent > 0
    assert RiskAppetite.objects.count() == 6
    assert Risk.objects.filter(agreement__isnull=False).exists()
    positions = {row["area"]: row for row in appetite_rows()}
    assert sum(row["below"] for row in positions.values()) >= 1
    assert sum(row["above"] for row in positions.values()) >= 1
