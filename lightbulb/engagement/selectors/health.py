"""Relationship health: a small index, per organisation and for the whole sector, by quarter.

Four operational measures, each scored 0–100 for a quarter, and the index their average (a
measure with nothing to measure that quarter is left out, not scored as zero):

1. **Compact rules kept**: of the payments made in the quarter, the share paid within 30 days of
   the invoice or claim (or of the due date); and of the notices given in the quarter that funding
   will end, the share giving at least 3 months. The two shares are averaged.
2. **Days to pay**: the average days from invoice (or due date) to payment in the quarter, scored
   100 at 14 days or fewer, 0 at 60 or more, in a straight line between.
3. **Engagement frequency**: for an organisation, 50 for each engagement it took part in that
   quarter (two or more score 100); for the sector, the share of funded organisations (those with
   an agreement live at the quarter's end) engaged that quarter.
4. **Multi-year share**: of the value of agreements live at the quarter's end, the share in
   agreements of three years or more.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from lightbulb.core.rows import CompiledRows
from lightbulb.engagement.models import Engagement
from lightbulb.funding.models import Agreement, Decommissioning, Payment, is_multi_year

QUARTERS = 8
MEASURES = [
    ("compact", "Compact rules kept"),
    ("pay_days", "Days to pay"),
    ("engagement", "Engagement frequency"),
    ("multi_year", "Multi-year share"),
]
LIVE = ("awarded", "live", "under_review", "extended")


@dataclass
class Quarter:
    start: datetime.date
    end: datetime.date
    scores: dict[str, int | None] = field(default_factory=dict)
    index: int | None = None
    average_days: float | None = None

    @property
    def label(self) -> str:
        return f"{self.start:%b}–{self.end:%b %Y}"


def quarters(today: datetime.date, count: int = QUARTERS) -> list[Quarter]:
    """The last `count` calendar quarters, oldest first, the current one last."""
    number = today.year * 4 + (today.month - 1) // 3  # quarters since year 0
    result = []
    for back in range(count - 1, -1, -1):
        year, index = divmod(number - back, 4)
        start = datetime.date(year, index * 3 + 1, 1)
        following = datetime.date(year + (index == 3), (index * 3 + 3) % 12 + 1, 1)
        result.append(Quarter(start, following - datetime.timedelta(days=1)))
    return result


def _share(hits: int, total: int) -> int | None:
    return round(hits * 100 / total) if total else None


def _mean(values: list[int | None]) -> int | None:
    present = [value for value in values if value is not None]
    return round(sum(present) / len(present)) if present else None


def _days_score(days: float | None) -> int | None:
    if days is None:
        return None
    return max(0, min(100, round((60 - days) * 100 / 46)))


def _in(quarter: Quarter, day: datetime.date | None) -> bool:
    return day is not None and quarter.start <= day <= quarter.end


def _payment_rows(organisation: int | None, start: datetime.date, end: datetime.date) -> QuerySet[Any, Any]:
    scope = Q() if organisation is None else Q(agreement__organisation_id=organisation)
    return Payment.objects.filter(scope, status="paid", paid_on__range=(start, end)).values_list("paid_on", "invoice_received_on", "due_date")


def _notice_rows(organisation: int | None, start: datetime.date, end: datetime.date) -> QuerySet[Any, Any]:
    scope = Q() if organisation is None else Q(agreement__organisation_id=organisation)
    return Decommissioning.objects.filter(scope, notice_date__range=(start, end)).values_list("notice_date", "funding_end_date")


def _live_rows(organisation: int | None, start: datetime.date, end: datetime.date) -> QuerySet[Any, Any]:
    scope = Q() if organisation is None else Q(organisation_id=organisation)
    rows = Agreement.objects.filter(scope, start_date__lte=end, end_date__gte=start).exclude(status__in=("planned", "approved"))
    return rows.values_list("organisation_id", "amount", "start_date", "end_date")


def _engaged_rows(organisation: int | None, start: datetime.date, end: datetime.date) -> QuerySet[Any, Any]:
    engagements = Engagement.objects.filter(held_on__range=(start, end))
    if organisation is None:
        return engagements.filter(organisations__isnull=False).values_list("held_on", "organisations")
    return engagements.filter(organisations=organisation).values_list("held_on", "pk")


# An organisation's page scores its last quarters on every build: its reads are compiled once (core.rows.CompiledRows).
_ORGANISATION_READS = {
    build: CompiledRows(build, organisation=int, start=datetime.date, end=datetime.date) for build in (_payment_rows, _notice_rows, _live_rows, _engaged_rows)
}


def _read(build: Any, organisation_id: int | None, span: tuple[datetime.date, datetime.date]) -> list[Any]:
    if organisation_id is None:
        return list(build(None, *span))
    return _ORGANISATION_READS[build].rows(organisation=organisation_id, start=span[0], end=span[1])


def _payments(organisation_id: int | None, span: tuple[datetime.date, datetime.date]) -> list[tuple[datetime.date, int]]:
    rows = _read(_payment_rows, organisation_id, span)
    return [(paid, (paid - (invoice or due)).days) for paid, invoice, due in rows if paid is not None]


def _notices(organisation_id: int | None, span: tuple[datetime.date, datetime.date]) -> list[tuple[datetime.date, bool]]:
    rows = _read(_notice_rows, organisation_id, span)
    return [(notice, (end - notice).days >= 90) for notice, end in rows if notice is not None]


def _live_agreements(organisation_id: int | None, span: tuple[datetime.date, datetime.date]) -> list[tuple[int, Decimal, datetime.date, datetime.date, bool]]:
    rows = _read(_live_rows, organisation_id, span)
    return [(organisation, amount, start, end, is_multi_year(start, end)) for organisation, amount, start, end in rows]


def _compact_kept(quarter: Quarter, paid: list[int], notices: list[Any]) -> int | None:
    in_quarter = [ok for day, ok in notices if _in(quarter, day)]
    return _mean([_share(sum(days <= 30 for days in paid), len(paid)), _share(sum(in_quarter), len(in_quarter))])


def _multi_year(running: list[Any]) -> int | None:
    value = sum(row[1] for row in running)
    return round(sum(row[1] for row in running if row[4]) * 100 / value) if value else None


def _engagement(running: list[Any], engaged: Any, organisation_id: int | None) -> int | None:
    if organisation_id is not None:
        return min(100, 50 * int(engaged))
    funded = {row[0] for row in running}
    return _share(len(funded & engaged), len(funded))


def _score_quarter(quarter: Quarter, payments: list[Any], notices: list[Any], live: list[Any], engaged: Any, organisation_id: int | None) -> None:
    paid = [days for day, days in payments if _in(quarter, day)]
    quarter.average_days = sum(paid) / len(paid) if paid else None
    running = [row for row in live if row[2] <= quarter.end <= row[3]]
    quarter.scores = {
        "compact": _compact_kept(quarter, paid, notices),
        "pay_days": _days_score(quarter.average_days),
        "engagement": _engagement(running, engaged, organisation_id),
        "multi_year": _multi_year(running),
    }
    quarter.index = _mean(list(quarter.scores.values()))


def _engaged(periods: list[Quarter], organisation_id: int | None) -> dict[int, Any]:
    """By quarter: the organisations engaged (the sector), or how many engagements (one organisation)."""
    rows = _read(_engaged_rows, organisation_id, (periods[0].start, periods[-1].end))
    found: dict[int, Any] = {index: (set() if organisation_id is None else 0) for index in range(len(periods))}
    for held_on, organisation in rows:
        index = next(index for index, quarter in enumerate(periods) if _in(quarter, held_on))
        if organisation_id is None:
            found[index].add(organisation)
        else:
            found[index] += 1
    return found


def health(organisation_id: int | None = None, today: datetime.date | None = None, *, count: int = QUARTERS) -> list[Quarter]:
    """The index and its measures by quarter (the last `count`), for one organisation or (None) the whole sector.

    Each quarter is scored from its own payments, notices, engagements and the agreements live at its end, so asking
    for fewer quarters reads less and scores those the same."""
    periods = quarters(today or timezone.localdate(), count)
    span = (periods[0].start, periods[-1].end)
    payments, notices = _payments(organisation_id, span), _notices(organisation_id, span)
    live = _live_agreements(organisation_id, span)
    engaged = _engaged(periods, organisation_id)
    for index, quarter in enumerate(periods):
        _score_quarter(quarter, payments, notices, live, engaged[index], organisation_id)
    return periods
