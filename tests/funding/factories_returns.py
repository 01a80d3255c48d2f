"""Factories and builders for monitoring returns and payments."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from lightbulb.core.roles import Role
from tests.factories import AgreementFactory, ConditionFactory

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CSV_BYTES = "Month,People\nApril,120\nMai,95 – café\n".encode()


class MonitoringReturnFactory(DjangoModelFactory):
    class Meta:
        model = "funding.MonitoringReturn"

    agreement = factory.SubFactory(AgreementFactory, status="live")
    period_start = datetime.date(2025, 4, 1)
    period_end = datetime.date(2025, 6, 30)
    due_date = datetime.date(2025, 7, 30)
    status = "due"


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = "funding.Payment"

    agreement = factory.SubFactory(AgreementFactory, status="live")
    due_date = datetime.date(2025, 6, 30)
    amount = Decimal("3000.00")
    basis = "arrears"
    status = "scheduled"


def live_agreement(users: dict[str, Any], organisation: Any, **overrides: Any) -> Any:
    """A live £12,000 grant, April 2025 to March 2026, quarterly returns, with one KPI and one output with targets."""
    values: dict[str, Any] = {
        "organisation": organisation,
        "accountable_officer": users[Role.OFFICER],
        "status": "live",
        "title": "Riverside café grant",
        "reference": "AGR-RET-0001",
    }
    values.update(overrides)
    agreement = AgreementFactory(**values)
    ConditionFactory(agreement=agreement, kind="kpi", description="People given a hot meal", target=Decimal("300"), unit="people")
    ConditionFactory(agreement=agreement, kind="output", description="Cooking sessions run", target=Decimal("12"), unit="sessions")
    # Not measured: no target, or not a measure.
    ConditionFactory(agreement=agreement, kind="insurance", description="Public liability insurance of £5m", target=None, unit="")
    return agreement
