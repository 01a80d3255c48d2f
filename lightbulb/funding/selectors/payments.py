"""Reads for payments: lists, days to pay, the Compact's payment-timeliness period and deadlines."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Func, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.http import HttpRequest
from django.utils import timezone

from lightbulb.core.access import object_for_user
from lightbulb.core.links import pk_urls
from lightbulb.core.lists import columns_shown
from lightbulb.core.registry import Deadline
from lightbulb.core.rows import CompiledRows, aggregated
from lightbulb.core.rules import allowed
from lightbulb.funding.models import Agreement, Payment
from lightbulb.funding.rules import can_manage_payments, can_read_payments
from lightbulb.funding.selectors.dashboard import officer_duties_q

# The dashboard lists this many payments due soon, with how many there are.
OFFICER_PAYMENTS_LISTED = 10

PAYMENT_SORTS: dict[str, list[str]] = {
    "due": ["due_date"],
    "agreement": ["agreement__reference"],
    "organisation": ["agreement__organisation__name"],
    "amount": ["amount"],
    "status": ["status"],
    "paid": ["paid_on"],
}


class DaysBetween(Func):
    """Whole days from the second date to the first, computed by the database."""

    output_field = IntegerField()
    arity = 2

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)", arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # date - date is a whole number of days in PostgreSQL.
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)


def with_pay_days(queryset: QuerySet[Payment]) -> QuerySet[Payment]:
    """Annotate `pay_days`: days from the invoice (or the due date when there is none) to payment.

    The model's `days_to_pay` property gives the same number for one payment;
    the annotation lets lists sort on it and the Compact filter and average it.
    """
    return queryset.annotate(pay_days=DaysBetween("paid_on", Coalesce("invoice_received_on", "due_date")))


def payments_in_period(start: datetime.date, end: datetime.date) -> QuerySet[Payment]:
    """Payments made (paid, or paid then clawed back) between `start` and `end` inclusive, with `pay_days` annotated."""
    paid = Payment.objects.filter(status__in=[Payment.Status.PAID, Payment.Status.CLAWED_BACK], paid_on__gte=start, paid_on__lte=end)
    return with_pay_days(paid.select_related("agreement__organisation")).order_by("paid_on", "id")


@dataclass(frozen=True)
class PaymentFilters:
    q: str = ""
    status: str = ""
    basis: str = ""
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    late: bool = False
    finished: bool = False


# Nothing more to pay: shown on the list only when asked for (or chosen by status, or late payment).
FINISHED_PAYMENTS = [Payment.Status.PAID, Payment.Status.CANCELLED, Payment.Status.CLAWED_BACK]


def payment_list(filters: PaymentFilters) -> QuerySet[Payment]:
    payments = Payment.objects.select_related("agreement__organisation", "agreement__accountable_officer")
    if filters.q:
        payments = payments.filter(
            Q(agreement__reference__icontains=filters.q) | Q(agreement__title__icontains=filters.q) | Q(agreement__organisation__name__icontains=filters.q)
        )
    if filters.status:
        payments = payments.filter(status=filters.status)
    elif not (filters.finished or filters.late):
        payments = payments.exclude(status__in=FINISHED_PAYMENTS)
    if filters.basis:
        payments = payments.filter(basis=filters.basis)
    if filters.due_from:
        payments = payments.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        payments = payments.filter(due_date__lte=filters.due_to)
    payments = with_pay_days(payments)
    if filters.late:
        payments = payments.filter(GreaterThan(F("pay_days"), 30))
    return payments


def payment_list_columns(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """The list page's rows with only what it prints (a download reads whole records): fifty payments built with
    their agreements, organisations and officers in full were most of the page's time at national scale."""
    shown = ("due_date", "milestone", "amount", "status", "paid_on", "agreement__reference", "agreement__organisation__name")
    return columns_shown(payments, *shown)


def committed_total(agreement_id: int) -> Decimal:
    """What the agreement's payments come to: scheduled, held and paid, less what was clawed back (cancelled ones not at all)."""
    totals = Payment.objects.filter(agreement_id=agreement_id).aggregate(
        live=Sum("amount", filter=Q(status__in=[Payment.Status.SCHEDULED, Payment.Status.HELD, Payment.Status.PAID, Payment.Status.CLAWED_BACK])),
        returned=Sum("clawed_back_amount", filter=Q(status=Payment.Status.CLAWED_BACK)),
    )
    return (totals["live"] or Decimal("0")) - (totals["returned"] or Decimal("0"))


def get_payment_for_user(request: HttpRequest, pk: int, write: bool = False) -> Payment:
    payment = with_pay_days(Payment.objects.select_related("agreement__organisation", "agreement__accountable_officer")).filter(pk=pk).first()
    return object_for_user(payment, request.user, read=can_read_payments, write=can_manage_payments if write else None, what="payment")


def agreement_payments(agreement: Agreement) -> QuerySet[Payment]:
    return with_pay_days(agreement.payments.all()).order_by("due_date", "id")


def _payment_deadline_rows(officer: int | None, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    payments = Payment.objects.filter(status=Payment.Status.SCHEDULED, due_date__gte=start, due_date__lte=end)
    if officer is not None:
        payments = payments.filter(officer_duties_q(officer))
    # A busy officer has hundreds: read only what the line says, without building the records.
    return payments.order_by("due_date", "id").values_list("pk", "due_date", "amount", "milestone", "agreement__reference", "agreement__organisation__name")


_PAYMENT_DEADLINES = CompiledRows(_payment_deadline_rows, officer=int, start=datetime.date, end=datetime.date)


def payment_deadlines(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Deadline]:
    """Scheduled payments due between `start` and `end` on the agreements the officer is accountable for (every agreement with `everyone`)."""
    if not allowed(can_manage_payments, user):
        return []
    # An officer's own: on every build of their dashboard, so compiled once.
    rows = _payment_deadline_rows(None, start, end) if everyone else _PAYMENT_DEADLINES.rows(officer=user.pk, start=start, end=end)
    today = timezone.localdate()
    url = pk_urls("funding:payment_detail")
    deadlines = []
    for pk, due_date, amount, milestone, reference, organisation in rows:
        what = f"milestone payment ({milestone[:60]})" if milestone else "payment"
        deadlines.append(
            Deadline(
                date=due_date,
                title=f"{what[0].upper()}{what[1:]} of £{amount:,.2f} due: {reference} {organisation}",
                url=url(pk),
                kind="payment",
                overdue=due_date < today,
            )
        )
    return deadlines


def _officer_payment_counts(officer: int, horizon: datetime.date) -> QuerySet[Any]:
    due_q = Q(status=Payment.Status.SCHEDULED, due_date__lte=horizon)
    # Only the rows counted: scheduled ones due by the horizon (not the years of instalments after it) and held ones,
    # each a range of payment_status_due_idx.
    mine = Payment.objects.filter(officer_duties_q(officer)).filter(due_q | Q(status=Payment.Status.HELD))
    return aggregated(mine, count=Count("pk", filter=due_q), held=Count("pk", filter=Q(status=Payment.Status.HELD)))


def _officer_payment_lines(officer: int, horizon: datetime.date) -> QuerySet[Any]:
    # The lines show the payment's date and amount, its agreement's reference and organisation's name: only those are read.
    due = Payment.objects.filter(officer_duties_q(officer), status=Payment.Status.SCHEDULED, due_date__lte=horizon)
    shown = ("pk", "due_date", "amount", "agreement__reference", "agreement__organisation__name")
    return due.order_by("due_date", "id").values_list(*shown, named=True)[:OFFICER_PAYMENTS_LISTED]


# Read on every build of an officer's dashboard: compiled once (core.rows.CompiledRows).
_OFFICER_PAYMENT_COUNTS = CompiledRows(_officer_payment_counts, officer=int, horizon=datetime.date)
_OFFICER_PAYMENT_LINES = CompiledRows(_officer_payment_lines, officer=int, horizon=datetime.date)


def officer_payments_due(user: Any, *, days: int = 30) -> dict[str, Any]:
    """Scheduled payments due in the next `days` (and any already late) on the officer's agreements: how many, how many
    are held, and the first few (pk, due_date, amount, agreement__reference, agreement__organisation__name)."""
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=days)
    counts = _OFFICER_PAYMENT_COUNTS.rows(officer=user.pk, horizon=horizon)[0]
    payments = _OFFICER_PAYMENT_LINES.rows(officer=user.pk, horizon=horizon) if counts["count"] else []
    return {"payments": payments, **counts, "days": days, "today": today}


def _payments_summary_rows(organisation: int) -> QuerySet[Any]:
    return aggregated(
        Payment.objects.filter(agreement__organisation_id=organisation),
        paid_total=Sum("amount", filter=Q(status=Payment.Status.PAID)),
        scheduled=Count("id", filter=Q(status=Payment.Status.SCHEDULED)),
        held=Count("id", filter=Q(status=Payment.Status.HELD)),
        clawed_back=Sum("clawed_back_amount", filter=Q(status=Payment.Status.CLAWED_BACK)),
    )


# Read on every build of an organisation's page: compiled once (core.rows.CompiledRows).
_PAYMENTS_SUMMARY = CompiledRows(_payments_summary_rows, organisation=int)


def organisation_payments_summary(organisation_id: int) -> dict[str, Any]:
    """The organisation's payments: the total paid, how many are scheduled and held, and the total clawed back."""
    return _PAYMENTS_SUMMARY.rows(organisation=organisation_id)[0]  # type: ignore[no-any-return]
