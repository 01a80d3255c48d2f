"""Reading decommissionings: the officer's journey, the organisation's notice, deadlines."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse

from lightbulb.core.registry import Deadline
from lightbulb.core.roles import Role, role_of
from lightbulb.funding.models import Agreement, AgreementStatus, Decommissioning

# Council roles that read funding (PRODUCT.md §1).
FUNDING_READERS = frozenset({Role.OFFICER, Role.COUNCILLOR, Role.ADMIN})
# An agreement can be decommissioned from these statuses (live ones pass through review).
DECOMMISSIONABLE = frozenset({AgreementStatus.LIVE, AgreementStatus.UNDER_REVIEW})
STAGE = Decommissioning.Stage


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError("unreachable")  # pragma: no cover


def notice_gap(notice_date: datetime.date, funding_end_date: datetime.date) -> tuple[int, int]:
    """Whole calendar months and remaining days between the notice and the end of funding."""
    months = 0
    while add_months(notice_date, months + 1) <= funding_end_date:
        months += 1
    return months, (funding_end_date - add_months(notice_date, months)).days


def is_short_notice(notice_date: datetime.date, funding_end_date: datetime.date) -> bool:
    return funding_end_date < add_months(notice_date, 3)


def describe_gap(notice_date: datetime.date, funding_end_date: datetime.date) -> str:
    months, days = notice_gap(notice_date, funding_end_date)
    month_text = f"{months} month{'s' if months != 1 else ''}"
    day_text = f"{days} day{'s' if days != 1 else ''}"
    return f"{month_text} and {day_text}" if days else month_text


def get_agreement_for_decommissioning(request: HttpRequest, pk: int) -> Agreement:
    """An agreement an officer may start decommissioning: 404 for others who may not read it, 403 for readers."""
    agreement = Agreement.objects.select_related("organisation").filter(pk=pk, archived_at__isnull=True).first()
    role = role_of(request.user)
    if agreement is None or role not in FUNDING_READERS:
        raise Http404("No such agreement")
    if role != Role.OFFICER:
        raise PermissionDenied("Only council officers decommission funding")
    return agreement


def _decommissioning_queryset() -> QuerySet[Decommissioning]:
    return Decommissioning.objects.select_related("agreement", "agreement__organisation", "prepared_by", "responded_by")


def get_decommissioning_for_user(request: HttpRequest, pk: int, write: bool = False) -> Decommissioning:
    """Funding readers read every decommissioning; only officers change one."""
    role = role_of(request.user)
    decommissioning = _decommissioning_queryset().filter(pk=pk).first()
    if decommissioning is None or role not in FUNDING_READERS:
        raise Http404("No such decommissioning")
    if write and role != Role.OFFICER:
        raise PermissionDenied("Only council officers change a decommissioning")
    return decommissioning


def get_notice_for_member(request: HttpRequest, pk: int) -> Decommissioning:
    """An issued notice for a `vcs` member of the organisation it was sent to; 404 for anyone else."""
    user_id = request.user.pk or 0
    decommissioning = _decommissioning_queryset().filter(pk=pk, agreement__organisation__memberships__user_id=user_id).exclude(stage=STAGE.DRAFT).first()
    if decommissioning is None or role_of(request.user) != Role.VCS:
        raise Http404("No such notice")
    return decommissioning


def may_download_notice(request: HttpRequest, decommissioning: Decommissioning) -> bool:
    role = role_of(request.user)
    if role in FUNDING_READERS:
        return True
    return role == Role.VCS and decommissioning.agreement.organisation.memberships.filter(user_id=request.user.pk or 0).exists()


def get_notice_for_download(request: HttpRequest, pk: int) -> Decommissioning:
    decommissioning = _decommissioning_queryset().filter(pk=pk).exclude(stage=STAGE.DRAFT).first()
    if decommissioning is None or not may_download_notice(request, decommissioning):
        raise Http404("No such notice")
    return decommissioning


def notices_for_member(user: Any) -> QuerySet[Decommissioning]:
    """Notices sent to the organisations a `vcs` user belongs to, newest first."""
    return _decommissioning_queryset().filter(agreement__organisation__memberships__user_id=user.pk).exclude(stage=STAGE.DRAFT).order_by("-notice_date", "-pk")


def member_emails(decommissioning: Decommissioning) -> list[str]:
    return sorted(
        {email for email in decommissioning.agreement.organisation.memberships.filter(user__is_active=True).values_list("user__email", flat=True) if email}
    )


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
    if decommissioning.stage == STAGE.COMPLETE:
        return False
    return decommissioning.stage == STAGE.RESPONSE_CONSIDERED or (decommissioning.stage == STAGE.NOTICE_ISSUED and response_lapsed(decommissioning, today))


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


def notice_deadlines(user: Any, start: datetime.date, end: datetime.date) -> list[Deadline]:
    """Notice periods running: responses due and funding ending (officers only)."""
    if role_of(user) != Role.OFFICER:
        return []
    running = _decommissioning_queryset().exclude(stage__in=[STAGE.DRAFT, STAGE.COMPLETE])
    running = running.filter(Q(response_due_date__range=(start, end)) | Q(funding_end_date__range=(start, end)))
    today = datetime.date.today()
    deadlines = []
    for item in running:
        url = reverse("funding:decommissioning_detail", kwargs={"pk": item.pk})
        reference = item.agreement.reference
        if item.response_due_date and start <= item.response_due_date <= end and not item.organisation_response:
            deadlines.append(
                Deadline(
                    date=item.response_due_date,
                    title=f"Response due to the notice on {reference}",
                    url=url,
                    kind="notices",
                    overdue=item.response_due_date < today,
                )
            )
        if start <= item.funding_end_date <= end:
            deadlines.append(Deadline(date=item.funding_end_date, title=f"Funding ends for {reference} (notice period)", url=url, kind="notices"))
    return sorted(deadlines, key=lambda deadline: deadline.date)


def organisation_decommissionings(organisation_id: int) -> list[Decommissioning]:
    return list(_decommissioning_queryset().filter(agreement__organisation_id=organisation_id).order_by("-created_at"))
