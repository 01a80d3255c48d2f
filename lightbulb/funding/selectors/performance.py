"""Performance against the strings: each measured condition's figures against its target.

Which figure counts:

- outputs and outcomes add up, so their figure is the total over every submitted or accepted return;
- a key performance indicator is a level to hold, not a total, so its figure is the one in the latest
  submitted or accepted return that reports it (latest by the end of the period the return covers).

Returns that are due, queried or withdrawn do not count.

How a condition stands (checked in this order):

- not yet reported: no submitted or accepted return gives a figure for it;
- met: its figure has reached the target;
- missed: the agreement has ended (its end date has passed, or it is decommissioned or closed) and the
  target was not reached;
- at risk: its share of the target is more than `AT_RISK_MARGIN` percentage points below the share
  expected by now. For outputs and outcomes that is the share of the agreement's term that has passed
  (pro rata); a KPI is expected to hold its whole target from its first return;
- on track: otherwise.

Conditions that take no figures (reporting duties, insurance, safeguarding, other requirements, and
measures without a target) are listed as they are.

Everything is read in one query, however many returns the agreement has.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from lightbulb.funding.models import Agreement, AgreementStatus, Condition, MonitoringReturn, ReturnFigure
from lightbulb.funding.selectors.returns import MEASURED_KINDS

# Only these returns count towards performance.
COUNTED_STATUSES = (MonitoringReturn.Status.SUBMITTED, MonitoringReturn.Status.ACCEPTED)
# Percentage points behind the expected share before a condition is at risk.
AT_RISK_MARGIN = 10
# Agreements that stopped before (or at) their end date.
ENDED_STATUSES = (AgreementStatus.DECOMMISSIONED, AgreementStatus.CLOSED)

NOT_REPORTED = "not_reported"
MET = "met"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
MISSED = "missed"
STATUS_LABELS = {MET: "Met", ON_TRACK: "On track", AT_RISK: "At risk", MISSED: "Missed", NOT_REPORTED: "Not yet reported"}
STATUS_TAGS = {MET: "green", ON_TRACK: "blue", AT_RISK: "orange", MISSED: "red", NOT_REPORTED: "grey"}

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ConditionPerformance:
    """One measured condition: its figure (total or latest), how much of the target it is, and how it stands."""

    condition: Condition
    value: Decimal | None
    returns_counted: int
    last_period_end: datetime.date | None
    share: int | None  # per cent of the target reached, rounded down (so 100% means met)
    expected: int  # per cent of the target expected by now
    status: str

    @property
    def is_latest(self) -> bool:
        return self.condition.kind == Condition.Kind.KPI

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_tag(self) -> str:
        return STATUS_TAGS[self.status]


@dataclass(frozen=True)
class AgreementPerformance:
    today: datetime.date
    ended: bool
    elapsed: int  # per cent of the agreement's term passed
    margin: int
    rows: list[ConditionPerformance] = field(default_factory=list)
    unmeasured: list[Condition] = field(default_factory=list)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """How many conditions stand in each way, in words, leaving out the empty ones."""
        order = (MET, ON_TRACK, AT_RISK, MISSED, NOT_REPORTED)
        found = [(status, sum(1 for row in self.rows if row.status == status)) for status in order]
        return [(STATUS_LABELS[status].lower(), count) for status, count in found if count]


def is_measured(condition: Condition) -> bool:
    return condition.kind in MEASURED_KINDS and condition.target is not None


def agreement_has_ended(agreement: Agreement, today: datetime.date) -> bool:
    return today > agreement.end_date or agreement.status in ENDED_STATUSES


def elapsed_share(agreement: Agreement, today: datetime.date) -> Decimal:
    """The share (0 to 100) of the agreement's term that has passed by the end of `today`."""
    if today < agreement.start_date:
        return Decimal(0)
    if today >= agreement.end_date:
        return HUNDRED
    return HUNDRED * ((today - agreement.start_date).days + 1) / agreement.duration_days


def share_of_target(value: Decimal, target: Decimal) -> int | None:
    """The per cent of the target reached, rounded down; none for a target of zero or less."""
    if target <= 0:
        return None
    return int((value * HUNDRED / target).to_integral_value(rounding=ROUND_DOWN))


def condition_status(*, value: Decimal | None, target: Decimal, expected: int, ended: bool) -> str:
    if value is None:
        return NOT_REPORTED
    if value >= target:
        return MET
    if ended:
        return MISSED
    share = share_of_target(value, target)
    if share is not None and expected - share > AT_RISK_MARGIN:
        return AT_RISK
    return ON_TRACK


def _conditions_with_figures(agreement: Agreement) -> list[Condition]:
    """All the agreement's conditions, each with its counted total, latest figure and count of returns: one query."""
    counted = Q(figures__monitoring_return__status__in=COUNTED_STATUSES)
    latest = ReturnFigure.objects.filter(condition=OuterRef("pk"), monitoring_return__status__in=COUNTED_STATUSES).order_by(
        "-monitoring_return__period_end", "-monitoring_return__period_start", "-monitoring_return_id"
    )
    return list(
        Condition.objects.filter(agreement=agreement)
        .annotate(
            counted_total=Sum("figures__value", filter=counted),
            counted_returns=Count("figures", filter=counted),
            last_period_end=Max("figures__monitoring_return__period_end", filter=counted),
            latest_value=Subquery(latest.values("value")[:1], output_field=DecimalField(max_digits=14, decimal_places=2)),
        )
        .order_by("kind", "id")
    )


def _row(condition: Condition, *, elapsed: Decimal, ended: bool) -> ConditionPerformance:
    target = condition.target
    assert target is not None
    is_kpi = condition.kind == Condition.Kind.KPI
    counted_returns: int = condition.counted_returns  # type: ignore[attr-defined]
    value: Decimal | None = None
    if counted_returns:
        value = condition.latest_value if is_kpi else condition.counted_total  # type: ignore[attr-defined]
    expected = 100 if is_kpi else int(elapsed.to_integral_value(rounding=ROUND_HALF_UP))
    return ConditionPerformance(
        condition=condition,
        value=value,
        returns_counted=counted_returns,
        last_period_end=condition.last_period_end,  # type: ignore[attr-defined]
        share=None if value is None else share_of_target(value, target),
        expected=expected,
        status=condition_status(value=value, target=target, expected=expected, ended=ended),
    )


def agreement_performance(agreement: Agreement, today: datetime.date | None = None) -> AgreementPerformance:
    """How each of the agreement's measured conditions stands against its target, and the conditions with no figures."""
    today = today or timezone.localdate()
    elapsed = elapsed_share(agreement, today)
    ended = agreement_has_ended(agreement, today)
    conditions = _conditions_with_figures(agreement)
    return AgreementPerformance(
        today=today,
        ended=ended,
        elapsed=int(elapsed.to_integral_value(rounding=ROUND_HALF_UP)),
        margin=AT_RISK_MARGIN,
        rows=[_row(condition, elapsed=elapsed, ended=ended) for condition in conditions if is_measured(condition)],
        unmeasured=[condition for condition in conditions if not is_measured(condition)],
    )
