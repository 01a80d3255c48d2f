"""Calendar arithmetic the modules share: months later, and whether notice was short.

One copy, so a monitoring return's due date, the Compact's 12-month window and
a decommissioning notice all agree on what "3 months later" means. (There were
three copies of `add_months`, in compact, funding's returns and its
decommissioning, each written differently.)
"""

from __future__ import annotations

import calendar
import datetime

# The Compact's rule: at least 3 calendar months' written notice before funding ends or is reduced.
NOTICE_MONTHS = 3


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (earlier when negative).

    When the target month is shorter the result is its last day: 31 January + 1
    month is 28 February (29 in a leap year), 31 May - 1 month is 30 April.
    Raises ValueError only when the result would fall outside years 1 to 9999.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError(f"{months} months from {day.isoformat()} is outside the calendar")
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_short_notice(notice_date: datetime.date, end_date: datetime.date, months: int = NOTICE_MONTHS) -> bool:
    """Whether `end_date` comes less than `months` calendar months after `notice_date`.

    Notice given on 30 November for funding ending on 28 February is 3 months
    (30 November + 3 months is 28 February), not short.
    """
    return end_date < add_months(notice_date, months)


def long_date(day: datetime.date | datetime.datetime) -> str:
    """A date as the service writes it everywhere, e-mails and titles included: 30 November 2026."""
    return f"{day.day} {day:%B %Y}"
