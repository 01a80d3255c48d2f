"""Monitoring returns on an agreement's reporting schedule, in the states time has left them.

Most are accepted; a few are submitted and waiting, queried, or overdue (more of them on the
demo officer's agreements, so their dashboard has some to chase). Returns the organisation had no
portal member to submit were entered by the accountable officer (`entered_by_council`). After a
decommissioning, returns for periods after the funding ended are withdrawn and the one covering
its last day ends on it.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from lightbulb.demo import words
from lightbulb.demo.commissioning.common import DAY, RS, STILL_RUNNING, VCS_RETURNS, AgreementInfo, MonitoringContext, ended_reason
from lightbulb.demo.rows import at
from lightbulb.funding.models import MonitoringReturn, ReturnFigure
from lightbulb.funding.services.returns import reporting_periods, return_due_date


def returns_for(info: AgreementInfo, mc: MonitoringContext) -> list[tuple[MonitoringReturn, list[ReturnFigure]]]:
    """Every return the agreement's schedule asks for, with its figures once submitted; after a decommissioning, wound down."""
    periods, withdrawn = _periods(info)
    dues = [return_due_date(end) for _start, end in periods]
    last_past = max((index for index, due in enumerate(dues) if due <= mc.today), default=-1)
    rows = []
    for index, ((start, end), due) in enumerate(zip(periods, dues, strict=True)):
        status = _return_status(info, due, mc, latest=index == last_past)
        item = MonitoringReturn(agreement_id=info.pk, period_start=start, period_end=end, due_date=due, status=status, created_at=at(info.start))
        item.updated_at = item.created_at
        figures: list[ReturnFigure] = []
        if status != RS.DUE:
            submitted = _submit(item, info, mc, end)
            figures = [
                ReturnFigure(condition_id=pk, value=_figure_value(target, unit, info.every_months, mc.rng), comment="") for pk, target, unit in info.measured
            ]
            if status in (RS.ACCEPTED, RS.QUERIED):
                _review(item, info, mc, submitted)
        rows.append((item, figures))
    return rows + [(item, []) for item in withdrawn]


def _periods(info: AgreementInfo) -> tuple[list[tuple[datetime.date, datetime.date]], list[MonitoringReturn]]:
    """The periods to report on, and the returns withdrawn after a decommissioning ended the funding (as the wind-down leaves them).

    The period covering the last day of funding ends on it (the final return); later periods are no longer asked for.
    """
    periods = reporting_periods(info.start, info.end, info.every_months)
    ended = info.funding_end
    if ended is None:
        return periods, []
    kept = [(start, min(end, ended)) for start, end in periods if start <= ended]
    withdrawn = [
        MonitoringReturn(
            agreement_id=info.pk,
            period_start=start,
            period_end=end,
            due_date=return_due_date(end),
            status=RS.WITHDRAWN,
            review_note=ended_reason(ended),
            created_at=at(info.start),
            updated_at=at(ended, 30),
        )
        for start, end in periods
        if start > ended
    ]
    return kept, withdrawn


def _return_status(info: AgreementInfo, due: datetime.date, mc: MonitoringContext, latest: bool) -> str:
    """`latest`: this is the agreement's most recent return already due."""
    today, rng = mc.today, mc.rng
    if due > today:
        return RS.DUE
    if info.feature == VCS_RETURNS:
        # The latest return is overdue; the ones before were accepted.
        return RS.DUE if latest else RS.ACCEPTED
    if info.status not in STILL_RUNNING or due < today - datetime.timedelta(days=120):
        return RS.ACCEPTED
    roll = rng.random()
    # The demo officer's dashboard shows several overdue returns: the latest one on some of their agreements.
    overdue = (0.35 if latest else 0.0) if info.officer_id == mc.officer_id else 0.045
    if roll < overdue:
        return RS.DUE
    if roll < overdue + 0.025:
        return RS.QUERIED
    if roll < overdue + 0.2 and due >= today - datetime.timedelta(days=60):
        return RS.SUBMITTED
    return RS.ACCEPTED


def _submit(item: MonitoringReturn, info: AgreementInfo, mc: MonitoringContext, period_end: datetime.date) -> datetime.date:
    """Record the return as submitted, mostly a little before it was due, by the organisation's member where it has one."""
    rng = mc.rng
    lateness = rng.randint(-20, 0) if rng.random() < 0.8 else rng.randint(1, 20)
    submitted = min(mc.today, max(period_end + DAY, item.due_date + datetime.timedelta(days=lateness)))
    item.submitted_at = at(submitted, rng.randint(0, 400))
    item.submitted_by_id = mc.vcs_user_id if info.organisation_id == mc.vcs_organisation_id and mc.vcs_user_id else info.officer_id
    # With no portal member to submit it, the return came by post or e-mail and the accountable officer entered it.
    item.entered_by_council = item.submitted_by_id == info.officer_id
    item.narrative = rng.choice(words.RETURN_NARRATIVES)
    item.updated_at = item.submitted_at
    return submitted


def _review(item: MonitoringReturn, info: AgreementInfo, mc: MonitoringContext, submitted: datetime.date) -> None:
    """Record the accountable officer's review: a query note, or now and then thanks."""
    rng = mc.rng
    reviewed = min(mc.today, submitted + datetime.timedelta(days=rng.randint(2, 20)))
    item.reviewed_at, item.reviewed_by_id = at(reviewed, 480), info.officer_id
    item.review_note = rng.choice(words.QUERY_NOTES) if item.status == RS.QUERIED else ("" if rng.random() < 0.7 else "Thank you: a clear return.")
    item.updated_at = item.reviewed_at


def _figure_value(target: Decimal, unit: str, every_months: int, rng: random.Random) -> Decimal:
    if unit == "%":
        return Decimal(min(100, max(0, int(target) + rng.randint(-15, 12))))
    return Decimal(max(0, round(float(target) * every_months / 12 * rng.uniform(0.6, 1.3))))
