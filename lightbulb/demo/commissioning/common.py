"""What the commissioning steps share: what later steps know of each agreement, the featured agreements' names, money."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from lightbulb.funding.models import AgreementStatus, MonitoringReturn, Payment

S = AgreementStatus
RS = MonitoringReturn.Status
PS = Payment.Status
DAY = datetime.timedelta(days=1)
PENNY = Decimal("0.01")
# Statuses of an agreement still running: its returns can be late, its payments held.
STILL_RUNNING = frozenset({S.LIVE, S.UNDER_REVIEW, S.EXTENDED, S.RECOMMISSIONED})

# Featured agreements the demo needs to show every journey (see `featured.featured_plans`).
VCS_RETURNS = "vcs_returns"
VCS_NOTICE = "vcs_notice"
SHORT_NOTICE = "short_notice"
DECOMMISSIONED = "decommissioned"
CLOSED_DECOMMISSIONED = "closed_decommissioned"
DRAFT_DECOMMISSION = "draft_decommission"


@dataclass
class AgreementInfo:
    """What the later steps need to know of one agreement, without keeping the model in memory."""

    pk: int
    organisation_id: int
    officer_id: int
    kind: str
    start: datetime.date
    end: datetime.date
    status: str
    every_months: int
    basis: str
    amount: Decimal
    went_live: bool
    awarded: bool
    # (condition pk, target, unit) of the KPIs, outputs and outcomes a return reports against.
    measured: list[tuple[int, Decimal, str]] = field(default_factory=list)
    feature: str = ""
    # The day a decommissioning ended the funding, before the term's last day (`end`); None when it ran its term.
    funding_end: datetime.date | None = None


@dataclass
class MonitoringContext:
    """What drawing one agreement's returns and payments needs besides the agreement."""

    rng: random.Random
    today: datetime.date
    officer_id: int
    vcs_organisation_id: int
    vcs_user_id: int | None


def ended_reason(funding_end: datetime.date) -> str:
    """Why a payment was cancelled or a return withdrawn after a decommissioning, in the words the service records."""
    return f"Funding ended on {funding_end:%-d %B %Y} (decommissioned)"


def financial_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def money(value: float, step: int) -> Decimal:
    """`value` rounded down to a whole `step` of pounds, and never below one step."""
    return Decimal(max(step, int(value // step) * step))


def split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` equal instalments, the pennies left over on the last (as the payment schedule does)."""
    each = (total / parts).quantize(PENNY, rounding=ROUND_DOWN)
    return [each] * (parts - 1) + [total - each * (parts - 1)]
