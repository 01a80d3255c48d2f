"""A concern under investigation about a live agreement with a scheduled and a paid payment."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from lightbulb.core.roles import Role
from tests.concerns.factories import ConcernFactory
from tests.funding.factories_returns import PaymentFactory, live_agreement

TODAY = datetime.date(2026, 1, 5)

STEP: dict[str, Any] = {
    "justification": "Two invoices were for sessions the venue says never ran; advice alone would not protect the money",
    "impact_service_users": "About 40 older people a week use the lunch club; holding payments does not stop sessions this month",
    "impact_others": "Twelve volunteers",
    "mitigations": "The lunch club keeps its venue; the council pays the venue directly if needed",
    "reason_to_organisation": "The council is checking invoices for sessions under this agreement",
}

NOTICE: dict[str, Any] = {
    "impact_volunteers": "Twelve volunteers",
    "impact_staff": "One part-time coordinator",
    "impact_equality_groups": "Older people and disabled people use it most",
    "alternative_providers": "The Hilltop lunch club",
    "exit_plan": "Introductions to the Hilltop lunch club over three months",
    "funding_end_date": datetime.date(2026, 5, 1),
    "short_notice_reason": "",
    "told": "now",
}


@pytest.fixture
def world(users, own_organisation, other_organisation) -> dict[str, Any]:
    return build_concern_world(users, own_organisation, other_organisation)


def build_concern_world(users: dict[str, Any], own_organisation: Any, other_organisation: Any) -> dict[str, Any]:
    agreement = live_agreement(users, own_organisation)
    concern = ConcernFactory(
        organisation=own_organisation,
        agreement=agreement,
        status="investigating",
        investigated=True,
        investigator=users[Role.INVESTIGATOR],
        triaged_on=datetime.date(2025, 12, 1),
    )
    return {
        "agreement": agreement,
        "concern": concern,
        "received": ConcernFactory(organisation=own_organisation),
        "scheduled": PaymentFactory(agreement=agreement, due_date=datetime.date(2026, 3, 31)),
        "scheduled_2": PaymentFactory(agreement=agreement, due_date=datetime.date(2026, 2, 28)),
        "paid": PaymentFactory(agreement=agreement, status="paid", paid_on=datetime.date(2025, 7, 1)),
        "outsider": other_organisation.memberships.first().user,
    }
