"""Shared funding fixtures: an agreement, and helpers to clear or satisfy the award checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lightbulb.core.roles import Role
from tests.factories import AgreementFactory, DueDiligenceRecordFactory


@pytest.fixture
def agreement(users, own_organisation) -> Any:
    """A planned £12,000 low-risk grant to `own_organisation`, with the `officer` user accountable."""
    return AgreementFactory(organisation=own_organisation, accountable_officer=users[Role.OFFICER], title="Riverside café grant")


@pytest.fixture
def no_tiers(db) -> None:
    """No proportionality tiers, so nothing blocks an award (the data migration seeds defaults)."""
    from lightbulb.funding.models import ProportionalityTier

    ProportionalityTier.objects.all().delete()


@pytest.fixture
def complete_due_diligence(users) -> Callable[[Any], None]:
    """Record every due-diligence check on an agreement, so its tier no longer blocks the award."""

    def complete(agreement: Any) -> None:
        from lightbulb.funding.models import DueDiligenceCheck

        for code in DueDiligenceCheck.values:
            DueDiligenceRecordFactory(agreement=agreement, check_code=code, completed_by=users[Role.OFFICER])

    return complete
