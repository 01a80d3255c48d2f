"""Reads for the officer's dashboard panels, and the reviews funding adds to everyone's deadlines (core gathers them)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q, QuerySet, Window
from django.urls import NoReverseMatch
from django.utils import timezone

from lightbulb.accounts.models import User
from lightbulb.core.dates import add_months, long_date
from lightbulb.core.links import pk_urls
from lightbulb.core.registry import Deadline
from lightbulb.core.rows import CompiledRows
from lightbulb.core.rules import allowed
from lightbulb.funding.models import Agreement, AgreementStatus
from lightbulb.funding.rules import can_manage_agreements

# A review is due this many months before an agreement ends, while it is still live.
REVIEW_MONTHS_BEFORE_END = 6
# The dashboard lists the first few agreements due a review, with how many there are.
REVIEWS_LISTED = 10
STILL_LIVE = (AgreementStatus.LIVE, AgreementStatus.EXTENDED)
NOT_CLOSED = [status for status in AgreementStatus.values if status != AgreementStatus.CLOSED]


def officer_duties_q(user: Any, prefix: str = "agreement__") -> Q:
    """Records hanging off the agreements `user` is accountable for that are not closed: an officer's duties.

    Closing an agreement cancels its unpaid payments and withdraws its outstanding returns
    (`agreement_wind_down`), so a closed agreement owes nothing; leaving closed ones out lets the
    database start from the officer's running agreements (`agreement_officer_open_idx`), a few
    dozen, where a busy officer may have closed hundreds of thousands over the years.

    For the records hanging off them (a `prefix`), the records are asked for by the running agreements'
    numbers (`in_array`: on PostgreSQL one `= ANY(ARRAY(SELECT …))`, run once). Given the join instead,
    PostgreSQL misjudged how many of the country's payments or returns fall in a date range and read
    all of them (14,000 payments in a year, 40–55 ms at national scale) to keep the officer's few
    dozen; by number it reads those alone (under 1 ms). The numbers are not read into Python first: an
    officer with 650 running agreements made each of the dashboard's seven such queries carry 650
    parameters, about 2 ms of the web process's time apiece.
    """
    # The statuses are listed (not "not closed") so that PostgreSQL reads both from the index and, with the officer/status
    # statistics, knows how few rows they are.
    running = Q(accountable_officer=user, status__in=NOT_CLOSED)
    if not prefix:
        return running
    numbers = Agreement.objects.filter(running).order_by().values("pk")
    return Q(**{f"{prefix}id__in_array": numbers})


def _running_by_status(officer: int) -> QuerySet[Any]:
    mine = Agreement.objects.filter(officer_duties_q(officer, prefix=""), archived_at__isnull=True)
    return mine.values_list("status").annotate(n=Count("id")).values_list("status", "n")


def _review_lines(officer: int, today: datetime.date, until: datetime.date) -> QuerySet[Any]:
    agreements = Agreement.objects.filter(
        accountable_officer_id=officer, archived_at__isnull=True, status__in=STILL_LIVE, end_date__gte=today, end_date__lte=until
    )
    # The first few (what their lines show) and how many in all from one query: each row carries the count (a window over every row).
    shown = ("pk", "reference", "end_date", "organisation__name", "total")
    return agreements.annotate(total=Window(Count("pk"))).order_by("end_date", "id").values_list(*shown, named=True)[:REVIEWS_LISTED]


# The dashboard counts an officer's closed agreements this far, then says "more than" (the list has them all).
CLOSED_COUNTED_UP_TO = 1_000

# Read on every build of an officer's dashboard: compiled once (core.rows.CompiledRows).
_RUNNING_BY_STATUS = CompiledRows(_running_by_status, officer=int)
_REVIEW_LINES = CompiledRows(_review_lines, officer=int, today=datetime.date, until=datetime.date)


def my_agreements_by_status(user: User) -> list[dict[str, Any]]:
    """The officer's agreements by status. Running ones are counted exactly; closed ones (which only grow) up to
    `CLOSED_COUNTED_UP_TO`, past which the row says "more than" that: counting every closed agreement of a busy
    officer on every visit read hundreds of thousands of rows, and even ten thousand took 7 ms of each visit."""
    counts = dict(_RUNNING_BY_STATUS.rows(officer=user.pk))
    # A count of the first few thousand keys (a subquery with a limit), which a compiled query of rows cannot say.
    closed = Agreement.objects.filter(accountable_officer=user, archived_at__isnull=True, status=AgreementStatus.CLOSED)
    counts[AgreementStatus.CLOSED] = closed.order_by().values("pk")[: CLOSED_COUNTED_UP_TO + 1].count()
    rows = []
    for status, label in AgreementStatus.choices:
        count = counts.get(status, 0)
        if count:
            more = status == AgreementStatus.CLOSED and count > CLOSED_COUNTED_UP_TO
            rows.append({"status": status, "label": label, "count": min(count, CLOSED_COUNTED_UP_TO) if more else count, "more": more})
    return rows


def reviews_due(user: User) -> tuple[list[Any], int]:
    """Live agreements of the officer's ending within six months, a review due: the first few (pk, reference, end_date,
    organisation__name) and how many in all."""
    today = timezone.localdate()
    rows = _REVIEW_LINES.rows(officer=user.pk, today=today, until=add_months(today, REVIEW_MONTHS_BEFORE_END))
    return rows, rows[0].total if rows else 0


def _agreement_urls() -> Callable[[Any], str]:
    # The agreement page belongs to the agreements area; fall back to its returns if it is not there.
    try:
        return pk_urls("funding:agreement_detail")
    except NoReverseMatch:
        return pk_urls("funding:agreement_returns")


def _review_rows(officer: int | None, first: datetime.date, last: datetime.date) -> QuerySet[Any]:
    """Live agreements (the officer's, if one is given) ending from `first` to `last`: what a review's line says."""
    agreements = Agreement.objects.filter(archived_at__isnull=True, status__in=STILL_LIVE, end_date__gte=first, end_date__lte=last)
    if officer is not None:
        agreements = agreements.filter(accountable_officer_id=officer)
    # Only what the line says, without building the records: a busy officer has dozens.
    return agreements.order_by("end_date", "id").values_list("pk", "reference", "end_date", "organisation__name")


_REVIEWS = CompiledRows(_review_rows, officer=int, first=datetime.date, last=datetime.date)


def review_deadlines(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Deadline]:
    """Reviews falling due between `start` and `end`: six months before each live agreement of the officer's (every officer's with `everyone`) ends."""
    if not allowed(can_manage_agreements, user):
        return []
    today = timezone.localdate()
    ending = (add_months(start, REVIEW_MONTHS_BEFORE_END), add_months(end, REVIEW_MONTHS_BEFORE_END))
    # An officer's own: on every build of their dashboard, so compiled once.
    rows = _review_rows(None, *ending) if everyone else _REVIEWS.rows(officer=user.pk, first=ending[0], last=ending[1])
    url = _agreement_urls()
    deadlines = []
    for pk, reference, end_date, organisation in rows:
        review_on = add_months(end_date, -REVIEW_MONTHS_BEFORE_END)
        if not start <= review_on <= end:
            continue
        deadlines.append(
            Deadline(
                date=review_on,
                title=f"Review due: {reference} {organisation} ends on {long_date(end_date)}",
                url=url(pk),
                kind="review",
                overdue=review_on < today,
            )
        )
    return deadlines
