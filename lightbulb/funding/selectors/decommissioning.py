"""Reading decommissionings: the officer's journey, the organisation's notice, deadlines."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from lightbulb.core.access import object_for_user
from lightbulb.core.dates import add_months
from lightbulb.core.dates import is_short_notice as is_short_notice
from lightbulb.core.links import pk_urls
from lightbulb.core.registry import Deadline
from lightbulb.core.rows import CompiledRows, Row, labelled
from lightbulb.core.rules import allowed
from lightbulb.funding.models import Agreement, AgreementStatus, Decommissioning
from lightbulb.funding.rules import can_decommission, can_read_decommissioning, can_read_notice, can_respond_to_notice

# An agreement can be decommissioned from these statuses (live ones pass through review).
DECOMMISSIONABLE = frozenset({AgreementStatus.LIVE, AgreementStatus.UNDER_REVIEW})
STAGE = Decommissioning.Stage


def notice_gap(notice_date: datetime.date, funding_end_date: datetime.date) -> tuple[int, int]:
    """Whole calendar months and remaining days between the notice and the end of funding."""
    months = 0
    while add_months(notice_date, months + 1) <= funding_end_date:
        months += 1
    return months, (funding_end_date - add_months(notice_date, months)).days


# Days the organisation has to respond when the officer sets no date.
RESPONSE_DAYS = 28
LONG_TEXT = 10_000
# The impact assessment, mitigations and exit plan: each must be written before a notice goes out.
ASSESSMENT_FIELDS: dict[str, str] = {
    "reasons": "Enter the reasons for ending or reducing the funding",
    "impact_service_users": "Enter the impact on service users",
    "impact_volunteers": "Enter the impact on volunteers",
    "impact_staff": "Enter the impact on the organisation's staff",
    "impact_equality_groups": "Enter the impact on equality groups",
    "alternative_providers": "Enter who else could serve them",
    "mitigations": "Enter the mitigations",
    "exit_plan": "Enter the exit plan",
}


def text_error(value: Any, missing: str, label: str) -> str | None:
    """Why a required long answer is not acceptable, or None."""
    if not isinstance(value, str) or not value.strip():
        return missing
    if len(value) > LONG_TEXT:
        return f"{label} must be {LONG_TEXT:,} characters or fewer"
    return None


# How the organisation is told: by the notice issued here (dated the day it is issued), or already, outside.
TOLD_NOW = "now"
TOLD_OUTSIDE = "outside"
TOLD_CHOICES = [
    (TOLD_NOW, "Issue the notice from Lightbulb now: it is dated today and sent to the organisation"),
    (TOLD_OUTSIDE, "A written notice was already sent outside Lightbulb (by letter or e-mail): record it"),
]


def outside_notice_errors(outside: bool, sent_on: Any, reason: Any, today: datetime.date) -> dict[str, str]:
    """A notice sent outside Lightbulb is recorded with the day it went out (not in the future) and why."""
    if not outside:
        return {}
    errors: dict[str, str] = {}
    if not isinstance(sent_on, datetime.date):
        errors["outside_date"] = "Enter the date the notice was sent"
    elif sent_on > today:
        errors["outside_date"] = "The date the notice was sent must be today or in the past: to send it later, issue it here then"
    if not isinstance(reason, str) or not reason.strip():
        errors["outside_reason"] = "Say why the notice was sent outside Lightbulb"
    return errors


def notice_date_errors(notice: Any, end: Any, due: Any, short_reason: Any) -> dict[str, str]:
    """The Compact's notice rules (PRODUCT.md §2.3, §2.4) for a notice, its end date and response date.

    One source for the notice page and the service that issues the notice: funding
    ends after the notice; less than 3 calendar months needs a recorded reason; the
    response date falls between the notice and the end of funding.
    """
    errors: dict[str, str] = {}
    if not isinstance(notice, datetime.date):
        errors["notice_date"] = "Enter the date of the written notice"
    if not isinstance(end, datetime.date):
        errors["funding_end_date"] = "Enter the date funding ends"
    if errors:
        return errors
    if end <= notice:
        return {"funding_end_date": "The date funding ends must be after the date of the notice"}
    if is_short_notice(notice, end) and not (short_reason or "").strip():
        errors["short_notice_reason"] = (
            f"Funding ends {describe_gap(notice, end)} after the notice, less than the Compact's 3 calendar months "
            f"(3 months would be {add_months(notice, 3):%-d %B %Y}): give a reason for the short notice"
        )
    if due is not None and due < notice:
        errors["response_due_date"] = "The response date must be on or after the date of the notice"
    elif due is not None and due > end:
        errors["response_due_date"] = "The response date must be before funding ends"
    return errors


def default_response_date(notice: datetime.date) -> datetime.date:
    return notice + datetime.timedelta(days=RESPONSE_DAYS)


def describe_gap(notice_date: datetime.date, funding_end_date: datetime.date) -> str:
    months, days = notice_gap(notice_date, funding_end_date)
    month_text = f"{months} month{'s' if months != 1 else ''}"
    day_text = f"{days} day{'s' if days != 1 else ''}"
    return f"{month_text} and {day_text}" if days else month_text


def get_agreement_for_decommissioning(request: HttpRequest, pk: int) -> Agreement:
    """An agreement an officer may start decommissioning: 404 for others who may not read it, 403 for readers."""
    agreement = Agreement.objects.select_related("organisation").filter(pk=pk, archived_at__isnull=True).first()
    return object_for_user(agreement, request.user, read=can_read_decommissioning, write=can_decommission, what="agreement")


def _decommissioning_queryset() -> QuerySet[Decommissioning]:
    return Decommissioning.objects.select_related("agreement", "agreement__organisation", "prepared_by", "responded_by")


def get_decommissioning_for_user(request: HttpRequest, pk: int, write: bool = False) -> Decommissioning:
    """Funding readers read every decommissioning; only officers change one."""
    decommissioning = _decommissioning_queryset().filter(pk=pk).first()
    return object_for_user(decommissioning, request.user, read=can_read_decommissioning, write=can_decommission if write else None, what="decommissioning")


def get_notice_for_member(request: HttpRequest, pk: int) -> Decommissioning:
    """An issued notice for a `vcs` member of the organisation it was sent to; 404 for anyone else."""
    decommissioning = _decommissioning_queryset().filter(pk=pk).exclude(stage=STAGE.DRAFT).first()
    return object_for_user(decommissioning, request.user, read=can_respond_to_notice, what="notice")


def get_notice_for_download(request: HttpRequest, pk: int) -> Decommissioning:
    decommissioning = _decommissioning_queryset().filter(pk=pk).exclude(stage=STAGE.DRAFT).first()
    return object_for_user(decommissioning, request.user, read=can_read_notice, what="notice")


def notices_for_member(user: Any) -> QuerySet[Decommissioning]:
    """Notices sent to the organisations a `vcs` user belongs to, newest first."""
    return _decommissioning_queryset().filter(agreement__organisation__memberships__user_id=user.pk).exclude(stage=STAGE.DRAFT).order_by("-notice_date", "-pk")


def decommissioning_for_agreement(agreement: Agreement) -> Decommissioning | None:
    return _decommissioning_queryset().filter(agreement=agreement).first()


def response_window_open(decommissioning: Decommissioning, today: datetime.date) -> bool:
    due = decommissioning.response_due_date
    return decommissioning.stage in (STAGE.NOTICE_ISSUED, STAGE.RESPONSE_RECEIVED) and due is not None and today <= due


def response_lapsed(decommissioning: Decommissioning, today: datetime.date) -> bool:
    """No response came and the window has closed."""
    due = decommissioning.response_due_date
    return not decommissioning.organisation_response and due is not None and today > due


def may_consider(decommissioning: Decommissioning, today: datetime.date) -> bool:
    if decommissioning.stage not in (STAGE.NOTICE_ISSUED, STAGE.RESPONSE_RECEIVED, STAGE.RESPONSE_CONSIDERED):
        return False
    return bool(decommissioning.organisation_response) or response_lapsed(decommissioning, today)


def may_complete(decommissioning: Decommissioning, today: datetime.date) -> bool:
    """Only once the response, or its absence after the window closed, has been considered and recorded."""
    return decommissioning.stage == STAGE.RESPONSE_CONSIDERED and bool((decommissioning.response_consideration or "").strip())


def decommissioning_blockers(agreement: Agreement, to_status: str) -> list[str]:
    """Why an agreement may not yet be decommissioned (a guard for the life-cycle)."""
    if to_status != AgreementStatus.DECOMMISSIONED:
        return []
    decommissioning = Decommissioning.objects.filter(agreement_id=agreement.pk).first()
    if decommissioning is None:
        return ["Decommissioning needs an impact assessment, a written notice and a considered response first"]
    reasons = []
    impact = [
        decommissioning.impact_service_users,
        decommissioning.impact_volunteers,
        decommissioning.impact_staff,
        decommissioning.impact_equality_groups,
        decommissioning.alternative_providers,
    ]
    if not all(text.strip() for text in impact):
        reasons.append("Decommissioning without an impact assessment is not allowed: complete every part of the impact assessment")
    if decommissioning.stage == STAGE.DRAFT or decommissioning.notice_date is None:
        reasons.append("Issue the written notice to the organisation first")
    elif not decommissioning.response_consideration.strip() and not response_lapsed(decommissioning, datetime.date.today()):
        reasons.append("Record how the organisation's response was considered, or wait until the response window has closed")
    return reasons


def _notice_rows(officer: int | None, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    running = Decommissioning.objects.exclude(stage__in=[STAGE.DRAFT, STAGE.COMPLETE])
    if officer is not None:
        running = running.filter(agreement__accountable_officer_id=officer)
    running = running.filter(Q(response_due_date__range=(start, end)) | Q(funding_end_date__range=(start, end)))
    # Only what the lines say: the whole notice, its agreement, organisation and officers are not needed here.
    return running.values_list("pk", "response_due_date", "organisation_response", "funding_end_date", "agreement__reference")


_NOTICES = CompiledRows(_notice_rows, officer=int, start=datetime.date, end=datetime.date)


def notice_deadlines(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Deadline]:
    """Notice periods running on the officer's agreements (every officer's with `everyone`): responses due and funding ending."""
    if not allowed(can_decommission, user):
        return []
    # An officer's own: on every build of their dashboard, so compiled once.
    rows = _notice_rows(None, start, end) if everyone else _NOTICES.rows(officer=user.pk, start=start, end=end)
    today = datetime.date.today()
    deadlines = []
    detail = pk_urls("funding:decommissioning_detail")
    for pk, response_due_date, organisation_response, funding_end_date, reference in rows:
        url = detail(pk)
        if response_due_date and start <= response_due_date <= end and not organisation_response:
            deadlines.append(
                Deadline(
                    date=response_due_date,
                    title=f"Response due to the notice on {reference}",
                    url=url,
                    kind="notices",
                    overdue=response_due_date < today,
                )
            )
        if start <= funding_end_date <= end:
            deadlines.append(Deadline(date=funding_end_date, title=f"Funding ends for {reference} (notice period)", url=url, kind="notices"))
    return sorted(deadlines, key=lambda deadline: deadline.date)


def _organisation_decommissioning_rows(organisation: int) -> QuerySet[Any]:
    fields = ("pk", "stage", "notice_date", "funding_end_date", "agreement__reference", "agreement__title")
    return Decommissioning.objects.filter(agreement__organisation_id=organisation).order_by("-created_at").values(*fields)


# Read on every build of an organisation's page: compiled once (core.rows.CompiledRows).
_ORGANISATION_DECOMMISSIONINGS = CompiledRows(_organisation_decommissioning_rows, organisation=int)


def organisation_decommissionings(organisation_id: int) -> list[Row]:
    """The organisation page's lines: each notice's number (pk), stage (and `stage_label`) and dates with its agreement's
    reference and title (`agreement__reference`, `agreement__title`), newest first."""
    return labelled(_ORGANISATION_DECOMMISSIONINGS.rows(organisation=organisation_id), Decommissioning, "stage")
