"""The statuses each agreement has passed through after `planned`, and the day of each step.

Every path is one `funding.lifecycle.ALLOWED` permits, and its dates increase and end by today.
"""

from __future__ import annotations

import datetime
import random

from lightbulb.demo.commissioning.common import S
from lightbulb.demo.commissioning.planning import Plan
from lightbulb.funding.services.returns import add_months

# The first steps of every agreement that went live.
BEGAN: tuple[str, ...] = (S.APPROVED, S.AWARDED, S.LIVE)


def status_path(plan: Plan, today: datetime.date, rng: random.Random) -> list[str]:
    """Statuses after `planned`, in order, for an agreement with these dates and this successor."""
    agreement = plan.agreement
    start, end = agreement.start_date, agreement.end_date
    roll = rng.random()
    if start > today:
        return _not_started(roll)
    closed: list[str] = [S.CLOSED] if end < today - datetime.timedelta(days=20) else []
    if plan.successor:
        return [*BEGAN, S.UNDER_REVIEW, plan.successor, *(closed if end < today else [])]
    if end < today:
        return _ended(roll, closed)
    return [*BEGAN, *_reviewed_while_running(roll, end, today)]


def _not_started(roll: float) -> list[str]:
    """An agreement starting later: still planned, approved, or awarded."""
    return [] if roll < 0.35 else [S.APPROVED] if roll < 0.65 else [S.APPROVED, S.AWARDED]


def _ended(roll: float, closed: list[str]) -> list[str]:
    """An agreement past its end with no successor: a few withdrawn before they started, the rest extended to their end."""
    if roll < 0.04:
        return [S.APPROVED, S.CLOSED] if roll < 0.02 else [S.CLOSED]
    return [*BEGAN, S.UNDER_REVIEW, S.EXTENDED, *closed]


def _reviewed_while_running(roll: float, end: datetime.date, today: datetime.date) -> list[str]:
    """Steps after `live` for a running agreement: most of those ending within six months are under review."""
    if end < add_months(today, 6):
        return [S.UNDER_REVIEW] if roll < 0.45 else [S.UNDER_REVIEW, S.EXTENDED] if roll < 0.65 else []
    return [S.UNDER_REVIEW, S.EXTENDED] if roll < 0.05 else [S.UNDER_REVIEW] if roll < 0.08 else []


def cover_every_status(plans: list[Plan], today: datetime.date) -> None:
    """Make sure a small council still shows each status: move an agreement from the commonest one if one is missing."""
    began = list(BEGAN)
    future = [plan for plan in plans if plan.agreement.start_date > today]
    current = [plan for plan in plans if plan.agreement.start_date <= today <= plan.agreement.end_date and not plan.successor]
    options: list[tuple[list[Plan], list[list[str]]]] = [
        (future, [[], [S.APPROVED], [S.APPROVED, S.AWARDED]]),
        (current, [began, [*began, S.UNDER_REVIEW], [*began, S.UNDER_REVIEW, S.EXTENDED]]),
    ]
    for group, paths in options:
        for wanted in paths:
            if not _count_on(group, wanted):
                _move_one_from_commonest(group, paths, wanted)


def _count_on(group: list[Plan], wanted: list[str]) -> int:
    return sum(1 for plan in group if plan.path == wanted)


def _move_one_from_commonest(group: list[Plan], paths: list[list[str]], wanted: list[str]) -> None:
    """Give `wanted` to one agreement on the commonest of `paths`, if that leaves at least one there."""
    commonest = max(paths, key=lambda other: _count_on(group, other))
    donor = next((plan for plan in group if plan.path == commonest), None)
    if donor is not None and _count_on(group, commonest) > 1:
        donor.path = list(wanted)


def path_dates(plan: Plan, today: datetime.date, rng: random.Random) -> list[datetime.date]:
    """When each step of the path happened: increasing, none after today."""
    wanted = _wanted_dates(plan, rng)
    dates: list[datetime.date] = []
    last = plan.created
    for status in plan.path:
        day = wanted[S(status)]
        if status == S.CLOSED and S.LIVE not in plan.path:
            day = last + datetime.timedelta(days=rng.randint(10, 40))  # withdrawn before it started
        day = min(max(day, last), today)
        dates.append(day)
        last = day
    return dates


def _wanted_dates(plan: Plan, rng: random.Random) -> dict[S, datetime.date]:
    """The day each status would come on this agreement's timetable, before keeping them in order."""
    start, end = plan.agreement.start_date, plan.funding_end or plan.agreement.end_date
    return {
        S.APPROVED: start - datetime.timedelta(days=rng.randint(30, 60)),
        S.AWARDED: start - datetime.timedelta(days=rng.randint(5, 28)),
        S.LIVE: start,
        S.UNDER_REVIEW: max(start + datetime.timedelta(days=20), add_months(end, -6) + datetime.timedelta(days=rng.randint(0, 40))),
        S.EXTENDED: max(start + datetime.timedelta(days=40), add_months(end, -3) + datetime.timedelta(days=rng.randint(0, 30))),
        S.RECOMMISSIONED: max(start + datetime.timedelta(days=40), add_months(end, -3) + datetime.timedelta(days=rng.randint(0, 30))),
        S.DECOMMISSIONED: end,
        S.CLOSED: end + datetime.timedelta(days=rng.randint(5, 20)),
    }
