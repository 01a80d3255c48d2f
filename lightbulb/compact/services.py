"""Changing the Compact, its commitments, and consultations."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lightbulb.compact.models import Commitment, Compact, CompactRule, Consultation, ConsultationResponse
from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.organisations.models import Organisation

COMPACT_FIELDS = ("title", "adopted_on", "enabled", "introduction")
COMMITMENT_FIELDS = ("text", "rule")
CONSULTATION_FIELDS = ("title", "purpose", "start_date", "end_date", "short_reason")

DEFAULT_COMMITMENTS = [
    ("The council runs written consultations for at least 12 weeks, or records why a shorter one is needed.", CompactRule.CONSULTATION_12_WEEKS),
    (
        "Before ending or reducing funding the council assesses the impact and gives at least 3 months' written notice with reasons and a chance to respond.",
        CompactRule.NOTICE_3_MONTHS,
    ),
    ("The council pays invoices and grant claims within 30 days.", CompactRule.PAYMENT_30_DAYS),
    ("Where the need is long-term, the council funds for 3 years or more.", CompactRule.MULTI_YEAR),
    ("The council's funding covers the full cost of delivery, including a fair share of overheads.", CompactRule.FULL_COST_RECOVERY),
]


def is_short(start: datetime.date, end: datetime.date) -> bool:
    return (end - start).days + 1 < 84


@transaction.atomic
def compact_create_default(*, acting_user: Any) -> Compact:
    """A Compact with the five commitments the system can measure."""
    if Compact.objects.exists():
        raise ValidationError("There is already a Compact")
    compact = Compact(title="Anytown Compact", enabled=True)
    compact.full_clean()
    compact.save()
    for order, (text, rule) in enumerate(DEFAULT_COMMITMENTS, start=1):
        commitment = Commitment(compact=compact, order=order, text=text, rule=rule)
        commitment.full_clean()
        commitment.save()
    audit_event_record(actor=acting_user, action="compact_create_default", obj=compact, summary="Compact created with the five measurable commitments")
    return compact


@transaction.atomic
def compact_update(*, acting_user: Any, compact: Compact, data: dict[str, Any]) -> Compact:
    before = snapshot(compact, COMPACT_FIELDS)
    for name in COMPACT_FIELDS:
        if name in data:
            setattr(compact, name, data[name])
    compact.full_clean()
    compact.save()
    changes = diff(before, snapshot(compact, COMPACT_FIELDS))
    audit_event_record(actor=acting_user, action="compact_update", obj=compact, changes=changes, summary=f"Compact changed: {', '.join(changes) or 'nothing'}")
    return compact


@transaction.atomic
def commitment_create(*, acting_user: Any, compact: Compact, text: str, rule: str = "") -> Commitment:
    last = compact.commitments.aggregate(last=Max("order"))["last"] or 0
    commitment = Commitment(compact=compact, text=text.strip(), rule=rule, order=last + 1)
    commitment.full_clean()
    commitment.save()
    audit_event_record(actor=acting_user, action="commitment_create", obj=commitment, summary=f"Commitment added: {commitment}")
    return commitment


@transaction.atomic
def commitment_update(*, acting_user: Any, commitment: Commitment, text: str, rule: str = "") -> Commitment:
    before = snapshot(commitment, COMMITMENT_FIELDS)
    commitment.text, commitment.rule = text.strip(), rule
    commitment.full_clean()
    commitment.save()
    audit_event_record(
        actor=acting_user,
        action="commitment_update",
        obj=commitment,
        changes=diff(before, snapshot(commitment, COMMITMENT_FIELDS)),
        summary=f"Commitment changed: {commitment}",
    )
    return commitment


@transaction.atomic
def commitment_move(*, acting_user: Any, commitment: Commitment, direction: str) -> Commitment:
    """Swap a commitment with its neighbour above ("up") or below ("down")."""
    siblings = list(Commitment.objects.select_for_update().filter(compact_id=commitment.compact_id).order_by("order", "id"))
    index = next(position for position, item in enumerate(siblings) if item.pk == commitment.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(siblings):
        return commitment
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for order, item in enumerate(siblings, start=1):
        if item.order != order:
            item.order = order
            item.save(update_fields=["order", "updated_at"])
    audit_event_record(actor=acting_user, action="commitment_move", obj=commitment, summary=f"Commitment moved {direction}: {commitment}")
    return commitment


@transaction.atomic
def commitment_remove(*, acting_user: Any, commitment: Commitment) -> None:
    audit_event_record(actor=acting_user, action="commitment_remove", obj=commitment, summary=f"Commitment removed: {commitment}")
    commitment.delete()


def _check_consultation(consultation: Consultation) -> None:
    if consultation.start_date and consultation.end_date:
        if consultation.end_date < consultation.start_date:
            raise ValidationError({"end_date": "The closing date must be on or after the opening date"})
        if is_short(consultation.start_date, consultation.end_date) and not consultation.short_reason.strip():
            raise ValidationError({"short_reason": "A consultation shorter than 12 weeks needs a reason"})
    consultation.full_clean()


@transaction.atomic
def consultation_create(*, acting_user: Any, data: dict[str, Any]) -> Consultation:
    values = {name: data.get(name) for name in CONSULTATION_FIELDS}
    values["short_reason"] = values["short_reason"] or ""
    consultation = Consultation(lead_officer=acting_user, **values)
    _check_consultation(consultation)
    consultation.save()
    audit_event_record(actor=acting_user, action="consultation_create", obj=consultation, summary=f"Consultation created: {consultation.title}")
    return consultation


@transaction.atomic
def consultation_update(*, acting_user: Any, consultation: Consultation, data: dict[str, Any]) -> Consultation:
    before = snapshot(consultation, CONSULTATION_FIELDS)
    for name in CONSULTATION_FIELDS:
        setattr(consultation, name, data.get(name) or ("" if name == "short_reason" else data.get(name)))
    _check_consultation(consultation)
    consultation.save()
    audit_event_record(
        actor=acting_user,
        action="consultation_update",
        obj=consultation,
        changes=diff(before, snapshot(consultation, CONSULTATION_FIELDS)),
        summary=f"Consultation changed: {consultation.title}",
    )
    return consultation


def _send_invitations(consultation_id: int, organisation_ids: list[int], portal_url: str) -> None:
    consultation = Consultation.objects.get(pk=consultation_id)
    emails = sorted(
        set(Organisation.objects.filter(pk__in=organisation_ids, memberships__user__is_active=True).values_list("memberships__user__email", flat=True))
    )
    for email in emails:
        body = (
            f'You are invited to respond to the council\'s consultation "{consultation.title}".\n\n{consultation.purpose}\n\n'
            f"It is open from {consultation.start_date:%-d %B %Y} until {consultation.end_date:%-d %B %Y}. Respond at {portal_url}"
        )
        send_mail(f"Consultation: {consultation.title}", body, None, [email])


@transaction.atomic
def consultation_invite(*, acting_user: Any, consultation: Consultation, organisations: list[Organisation], portal_url: str = "") -> int:
    """Invite organisations; their members are e-mailed once the invitation is saved."""
    already = set(consultation.invited.values_list("pk", flat=True))
    new = [organisation for organisation in organisations if organisation.pk not in already]
    if not new:
        return 0
    consultation.invited.add(*new)
    names = ", ".join(organisation.name for organisation in new)
    audit_event_record(actor=acting_user, action="consultation_invite", obj=consultation, summary=f"Invited to {consultation.title}: {names}"[:500])
    for organisation in new:
        audit_event_record(
            actor=acting_user,
            action="consultation_invite",
            obj=consultation,
            summary=f"Invited to the consultation {consultation.title}",
            organisation_id=organisation.pk,
        )
    ids = [organisation.pk for organisation in new]
    transaction.on_commit(lambda: _send_invitations(consultation.pk, ids, portal_url))
    return len(new)


@transaction.atomic
def consultation_publish_summary(*, acting_user: Any, consultation: Consultation, text: str) -> Consultation:
    """Publish the "you said, we did" summary on the public pages."""
    if not text.strip():
        raise ValidationError({"you_said_we_did": "Enter the summary"})
    before = consultation.you_said_we_did
    consultation.you_said_we_did = text.strip()
    consultation.summary_published_on = consultation.summary_published_on or timezone.localdate()
    consultation.full_clean()
    consultation.save()
    audit_event_record(
        actor=acting_user,
        action="consultation_publish_summary",
        obj=consultation,
        changes={"you_said_we_did": [before, consultation.you_said_we_did]},
        summary=f'"You said, we did" published for {consultation.title}',
    )
    return consultation


@transaction.atomic
def consultation_respond(
    *, acting_user: Any, consultation: Consultation, organisation: Organisation, text: str, today: datetime.date | None = None
) -> ConsultationResponse:
    """One response per organisation, which its members may change until the consultation closes."""
    today = today or timezone.localdate()
    if not consultation.start_date <= today <= consultation.end_date:
        raise ValidationError({"text": "This consultation is closed, so it can no longer take responses"})
    if not consultation.invited.filter(pk=organisation.pk).exists() or not organisation.memberships.filter(user=acting_user).exists():
        raise ValidationError("Only members of an invited organisation may respond")
    response = ConsultationResponse.objects.select_for_update().filter(consultation=consultation, organisation=organisation).first()
    before = response.text if response else ""
    if response is None:
        response = ConsultationResponse(consultation=consultation, organisation=organisation, submitted_by=acting_user)
    response.text, response.submitted_by = text.strip(), acting_user
    response.full_clean()
    response.save()
    audit_event_record(
        actor=acting_user,
        action="consultation_respond",
        obj=response,
        changes={"text": [before, response.text]},
        summary=f"{organisation.name} responded to the consultation {consultation.title}",
        organisation_id=organisation.pk,
    )
    return response
