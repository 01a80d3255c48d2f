"""When funding ends, what hangs off the agreement winds down (PRODUCT.md §2.3).

Payments due after the last day of funding are cancelled, returns for periods
after it are withdrawn, the return covering the last day becomes the final
return (or one is added), each with the reason recorded, so nothing of an ended
agreement stays due or overdue on a dashboard, a digest, a calendar or the portal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from lightbulb.core.audit import audit_event_record
from lightbulb.core.rules import require
from lightbulb.funding.models import Agreement, MonitoringReturn, Payment
from lightbulb.funding.rules import can_end_funding
from lightbulb.funding.selectors.returns import OUTSTANDING
from lightbulb.funding.services.returns import return_due_date

UNPAID = (Payment.Status.SCHEDULED, Payment.Status.HELD)


@dataclass(frozen=True)
class WindDown:
    payments_cancelled: int
    returns_withdrawn: int
    final_return: MonitoringReturn | None


def _cancel_payments(agreement: Agreement, last_day: datetime.date, reason: str) -> int:
    payments = list(agreement.payments.select_for_update().filter(status__in=UNPAID, due_date__gt=last_day))
    for payment in payments:
        payment.status = Payment.Status.CANCELLED
        payment.reason = reason
        payment.full_clean()
        payment.save()
    return len(payments)


def _withdraw_returns(agreement: Agreement, last_day: datetime.date, reason: str) -> int:
    returns = list(agreement.returns.select_for_update().filter(status__in=OUTSTANDING, period_start__gt=last_day))
    for monitoring_return in returns:
        monitoring_return.status = MonitoringReturn.Status.WITHDRAWN
        monitoring_return.review_note = reason
        monitoring_return.full_clean()
        monitoring_return.save()
    return len(returns)


def _final_return(agreement: Agreement, last_day: datetime.date) -> MonitoringReturn | None:
    """The return for the period ending on the last day of funding: the one covering it, cut short, or a new one."""
    covering = agreement.returns.filter(period_start__lte=last_day, period_end__gte=last_day).exclude(status=MonitoringReturn.Status.WITHDRAWN).first()
    if covering is not None:
        if covering.status in OUTSTANDING and covering.period_end != last_day:
            covering.period_end = last_day
            covering.due_date = return_due_date(last_day)
            covering.full_clean()
            covering.save()
            return covering
        return None
    reported_to = agreement.returns.exclude(status=MonitoringReturn.Status.WITHDRAWN).aggregate(end=Max("period_end"))["end"]
    start = (reported_to + datetime.timedelta(days=1)) if reported_to else agreement.start_date
    if start > last_day:
        return None
    final = MonitoringReturn(agreement=agreement, period_start=start, period_end=last_day, due_date=return_due_date(last_day))
    final.full_clean()
    final.save()
    return final


def agreement_wind_down(*, agreement: Agreement, last_day: datetime.date, acting_user: Any, reason: str, closing: bool = False) -> WindDown:
    """Wind down what hangs off `agreement` after `last_day`; called inside the ending service's transaction.

    Closing an agreement ends everything still outstanding, whatever its date: a closed
    agreement asks for no return and owes no payment.
    """
    require(can_end_funding, acting_user, agreement, message="Only council officers, or the service's own duties, wind down an agreement.")
    cut_off = datetime.date.min if closing else last_day
    outcome = WindDown(
        payments_cancelled=_cancel_payments(agreement, cut_off, reason),
        returns_withdrawn=_withdraw_returns(agreement, cut_off, reason),
        final_return=None if closing else _final_return(agreement, last_day),
    )
    final = f"; final return for {outcome.final_return.period_start:%-d %B %Y} to {last_day:%-d %B %Y}" if outcome.final_return else ""
    audit_event_record(
        actor=acting_user,
        action="agreement_wind_down",
        obj=agreement,
        changes={"payments_cancelled": [0, outcome.payments_cancelled], "returns_withdrawn": [0, outcome.returns_withdrawn]},
        summary=(
            f"Funding under {agreement.reference} ends on {last_day:%-d %B %Y}: {outcome.payments_cancelled} later payment"
            f"{'' if outcome.payments_cancelled == 1 else 's'} cancelled, {outcome.returns_withdrawn} later return"
            f"{'' if outcome.returns_withdrawn == 1 else 's'} withdrawn{final}"
        ),
        organisation_id=agreement.organisation_id,
    )
    return outcome
