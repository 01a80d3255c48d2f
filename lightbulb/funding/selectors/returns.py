"""Reads for monitoring returns: lists, one return, the portal's view and deadlines."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone

from lightbulb.accounts.models import Membership, User
from lightbulb.core.access import object_for_user
from lightbulb.core.dates import long_date
from lightbulb.core.links import pk_urls
from lightbulb.core.lists import columns_shown
from lightbulb.core.registry import Deadline
from lightbulb.core.rows import CompiledRows, aggregated
from lightbulb.core.rules import allowed
from lightbulb.funding.models import Agreement, Condition, MonitoringReturn, Payment, ReturnAttachment, ReturnFigure
from lightbulb.funding.rules import can_read_return_files, can_read_returns, can_review_returns, can_use_portal_returns
from lightbulb.funding.selectors.dashboard import officer_duties_q

OUTSTANDING = (MonitoringReturn.Status.DUE, MonitoringReturn.Status.QUERIED)
# The dashboard lists this many overdue returns, and this many due soon, with how many there are of each.
OFFICER_RETURNS_LISTED = 10
# Conditions a return reports a figure against.
MEASURED_KINDS = (Condition.Kind.KPI, Condition.Kind.OUTPUT, Condition.Kind.OUTCOME)

# Nothing more to do: shown on the list only when asked for (or chosen by status).
FINISHED_RETURNS = [MonitoringReturn.Status.ACCEPTED, MonitoringReturn.Status.WITHDRAWN]

RETURN_SORTS: dict[str, list[str]] = {
    "due": ["due_date"],
    "agreement": ["agreement__reference"],
    "organisation": ["agreement__organisation__name"],
    "status": ["status"],
}


def may_act(request: HttpRequest) -> bool:
    return allowed(can_review_returns, request.user)


def may_see_submitter(request: HttpRequest, monitoring_return: MonitoringReturn) -> bool:
    """Who submitted a return, and its files, are not shown to councillors."""
    return allowed(can_read_return_files, request.user, monitoring_return)


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def overdue_q(today: datetime.date | None = None) -> Q:
    """Still waiting for the organisation (due or queried) after its due date."""
    return Q(status__in=OUTSTANDING, due_date__lt=today or timezone.localdate())


def with_overdue(queryset: QuerySet[MonitoringReturn], today: datetime.date | None = None) -> QuerySet[MonitoringReturn]:
    return queryset.annotate(is_overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()))


@dataclass(frozen=True)
class ReturnFilters:
    q: str = ""
    status: str = ""
    overdue: bool = False
    mine: bool = False
    finished: bool = False
    user_id: int | None = None


def return_list(filters: ReturnFilters) -> QuerySet[MonitoringReturn]:
    returns = MonitoringReturn.objects.select_related("agreement__organisation", "agreement__accountable_officer")
    if filters.q:
        returns = returns.filter(
            Q(agreement__reference__icontains=filters.q) | Q(agreement__title__icontains=filters.q) | Q(agreement__organisation__name__icontains=filters.q)
        )
    if filters.status:
        returns = returns.filter(status=filters.status)
    elif not filters.finished:
        returns = returns.exclude(status__in=FINISHED_RETURNS)
    if filters.overdue:
        returns = returns.filter(overdue_q())
    if filters.mine and filters.user_id:
        returns = returns.filter(agreement__accountable_officer_id=filters.user_id)
    return with_overdue(returns)


def return_list_columns(returns: QuerySet[MonitoringReturn]) -> QuerySet[MonitoringReturn]:
    """The list page's rows with only what it prints (a download reads whole records)."""
    shown = ("due_date", "period_start", "period_end", "status", "agreement__reference", "agreement__title", "agreement__organisation__name")
    return columns_shown(returns, *shown)


def _agreement_or_404(pk: int) -> Agreement:
    agreement = Agreement.objects.select_related("organisation", "accountable_officer").filter(pk=pk).first()
    if agreement is None:
        raise Http404("No such agreement")
    return agreement


def agreement_returns(agreement: Agreement) -> QuerySet[MonitoringReturn]:
    return with_overdue(agreement.returns.all()).annotate(figure_count=Count("figures", distinct=True), attachment_count=Count("attachments", distinct=True))


def _return_for_page() -> QuerySet[MonitoringReturn]:
    return with_overdue(
        MonitoringReturn.objects.select_related("agreement__organisation", "agreement__accountable_officer", "submitted_by", "reviewed_by").prefetch_related(
            Prefetch("figures", queryset=ReturnFigure.objects.select_related("condition").order_by("condition__kind", "condition_id")),
            Prefetch("attachments", queryset=ReturnAttachment.objects.order_by("id")),
        )
    )


def get_return_for_user(request: HttpRequest, pk: int, write: bool = False) -> MonitoringReturn:
    """A return for a council reader of funding (404 for anyone else); 403 for a reader who asks to review it."""
    return object_for_user(
        _return_for_page().filter(pk=pk).first(), request.user, read=can_read_returns, write=can_review_returns if write else None, what="return"
    )


def attachment_get(monitoring_return: MonitoringReturn, pk: int) -> ReturnAttachment:
    attachment = ReturnAttachment.objects.filter(monitoring_return=monitoring_return, pk=pk).first()
    if attachment is None:
        raise Http404("No such file")
    return attachment


def measured_conditions(agreement: Agreement) -> QuerySet[Condition]:
    """The conditions a return reports against: KPIs, outputs and outcomes with a target."""
    return agreement.conditions.filter(kind__in=MEASURED_KINDS, target__isnull=False).order_by("kind", "id")


# --- the portal ------------------------------------------------------------------------


def member_organisation_ids(user: User) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


# The portal's returns page lists the returns due up to a year ahead; later ones are counted.
PORTAL_LISTS_DAYS = 365


def portal_agreements(user: User) -> QuerySet[Agreement]:
    """The agreements of the organisations `user` is a verified member of, with their returns due up to a year ahead
    (`later_returns` counts the rest) and any payment the council holds."""
    horizon = timezone.localdate() + datetime.timedelta(days=PORTAL_LISTS_DAYS)
    returns = with_overdue(MonitoringReturn.objects.filter(due_date__lte=horizon).order_by("due_date", "id"))
    held = Payment.objects.filter(status=Payment.Status.HELD).order_by("due_date", "id")
    return (
        Agreement.objects.filter(organisation__memberships__user=user, archived_at__isnull=True)
        .annotate(later_returns=Count("returns", filter=Q(returns__due_date__gt=horizon), distinct=True))
        .select_related("organisation")
        .prefetch_related(Prefetch("returns", queryset=returns), Prefetch("payments", queryset=held, to_attr="held_payments"))
        .order_by("organisation__name", "-start_date", "pk")
        .distinct()
    )


def get_portal_return(request: HttpRequest, pk: int) -> MonitoringReturn:
    """A return of one of the user's own organisations; 404 for any other."""
    user = request_user(request)
    monitoring_return = _return_for_page().filter(pk=pk, agreement__organisation__memberships__user=user).first()
    if monitoring_return is None:
        raise Http404("No such return among your organisations'")
    return monitoring_return


# The portal dashboard looks this far ahead; the returns page lists every one.
PORTAL_DUE_WITHIN_DAYS = 60


def portal_returns_due(user: User) -> list[MonitoringReturn]:
    """Outstanding returns of the user's organisations that are overdue or due within 60 days, soonest first."""
    horizon = timezone.localdate() + datetime.timedelta(days=PORTAL_DUE_WITHIN_DAYS)
    return list(
        with_overdue(MonitoringReturn.objects.filter(agreement__organisation__memberships__user=user, status__in=OUTSTANDING, due_date__lte=horizon))
        .select_related("agreement__organisation")
        .order_by("due_date", "id")[:20]
    )


# --- deadlines, dashboard and the organisation page -------------------------------------


def _return_deadline_rows(officer: int | None, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """Returns awaited between `start` and `end` (on the officer's running agreements, if one is given): what a line says."""
    returns = MonitoringReturn.objects.filter(status__in=OUTSTANDING, due_date__gte=start, due_date__lte=end)
    if officer is not None:
        returns = returns.filter(officer_duties_q(officer))
    # A busy officer has hundreds: read only what the line says, without building the records.
    shown = ("pk", "due_date", "status", "period_start", "period_end", "agreement__reference", "agreement__organisation__name")
    return returns.order_by("due_date", "id").values_list(*shown)


_RETURN_DEADLINES = CompiledRows(_return_deadline_rows, officer=int, start=datetime.date, end=datetime.date)


def return_deadlines(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Deadline]:
    """Returns awaited between `start` and `end`: for an officer, on the agreements they are accountable for (every agreement
    with `everyone`); for a member, their organisations'."""
    portal = allowed(can_use_portal_returns, user)
    if allowed(can_review_returns, user):
        # An officer's own: on every build of their dashboard, so compiled once.
        rows = _return_deadline_rows(None, start, end) if everyone else _RETURN_DEADLINES.rows(officer=user.pk, start=start, end=end)
    elif portal:
        rows = _return_deadline_rows(None, start, end).filter(agreement__organisation__memberships__user=user)
    else:
        return []
    today = timezone.localdate()
    url = pk_urls("funding:portal_return" if portal else "funding:return_detail")
    return [
        Deadline(
            date=due_date,
            title=f"Monitoring return {'queried, resubmit' if status == MonitoringReturn.Status.QUERIED else 'due'}: {reference} {organisation} "
            f"({long_date(period_start)} to {long_date(period_end)})",
            url=url(pk),
            kind="return",
            overdue=due_date < today,
        )
        for pk, due_date, status, period_start, period_end, reference, organisation in rows
    ]


def _officer_return_counts(officer: int, today: datetime.date, horizon: datetime.date) -> QuerySet[Any]:
    mine = MonitoringReturn.objects.filter(officer_duties_q(officer))
    # Only the rows counted: outstanding ones due by the horizon (not the years of returns after it) and submitted ones,
    # each a range of return_status_due_idx.
    counted = Q(status__in=OUTSTANDING, due_date__lte=horizon) | Q(status=MonitoringReturn.Status.SUBMITTED)
    return aggregated(
        mine.filter(counted),
        overdue_count=Count("pk", filter=overdue_q(today)),
        due_soon_count=Count("pk", filter=Q(status__in=OUTSTANDING, due_date__gte=today, due_date__lte=horizon)),
        to_review=Count("pk", filter=Q(status=MonitoringReturn.Status.SUBMITTED)),
    )


def _officer_return_lines(officer: int, since: datetime.date, until: datetime.date) -> QuerySet[Any]:
    """The officer's outstanding returns due from `since` to `until`: the first few, with what their lines show."""
    mine = MonitoringReturn.objects.filter(officer_duties_q(officer), status__in=OUTSTANDING, due_date__gte=since, due_date__lte=until)
    shown = ("pk", "due_date", "agreement__reference", "agreement__organisation__name")
    return mine.order_by("due_date", "id").values_list(*shown, named=True)[:OFFICER_RETURNS_LISTED]


# Read on every build of an officer's dashboard: compiled once (core.rows.CompiledRows).
_OFFICER_RETURN_COUNTS = CompiledRows(_officer_return_counts, officer=int, today=datetime.date, horizon=datetime.date)
_OFFICER_RETURN_LINES = CompiledRows(_officer_return_lines, officer=int, since=datetime.date, until=datetime.date)


def officer_returns_summary(user: User, *, horizon_days: int = 30) -> dict[str, Any]:
    """Overdue returns and returns due soon on the officer's agreements: the three counts in one query, then the first few
    of each (pk, due_date, agreement__reference, agreement__organisation__name)."""
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=horizon_days)
    counts = _OFFICER_RETURN_COUNTS.rows(officer=user.pk, today=today, horizon=horizon)[0]
    # Overdue: from the earliest day a return can be due (what overdue_q asks) to yesterday.
    overdue = _OFFICER_RETURN_LINES.rows(officer=user.pk, since=datetime.date.min, until=today - datetime.timedelta(days=1)) if counts["overdue_count"] else []
    return {
        "overdue": overdue,
        "due_soon": _OFFICER_RETURN_LINES.rows(officer=user.pk, since=today, until=horizon) if counts["due_soon_count"] else [],
        **counts,
        "horizon_days": horizon_days,
    }


def _returns_summary_rows(organisation: int, today: datetime.date) -> QuerySet[Any]:
    return aggregated(
        MonitoringReturn.objects.filter(agreement__organisation_id=organisation),
        due=Count("id", filter=Q(status__in=OUTSTANDING, due_date__gte=today)),
        overdue=Count("id", filter=overdue_q(today)),
        submitted=Count("id", filter=Q(status=MonitoringReturn.Status.SUBMITTED)),
        accepted=Count("id", filter=Q(status=MonitoringReturn.Status.ACCEPTED)),
    )


# Read on every build of an organisation's page: compiled once (core.rows.CompiledRows).
_RETURNS_SUMMARY = CompiledRows(_returns_summary_rows, organisation=int, today=datetime.date)


def organisation_returns_summary(organisation_id: int) -> dict[str, Any]:
    """How many of the organisation's returns are due, overdue, submitted and accepted."""
    return _RETURNS_SUMMARY.rows(organisation=organisation_id, today=timezone.localdate())[0]  # type: ignore[no-any-return]
