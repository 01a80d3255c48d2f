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
from lightbulb.compact.rules import can_manage_compact, can_manage_consultations, can_respond_to_consultation
from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.checks import INVALID_CHOICE, FieldChecks
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.rules import require
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


def short_consultation_message(start: datetime.date, end: datetime.date) -> str:
    """What a consultation shorter than the Compact's 12 weeks needs, saying how long it runs."""
    days = (end - start).days + 1
    weeks, extra = divmod(days, 7)
    length = f"{weeks} week{'s' if weeks != 1 else ''}" + (f" and {extra} day{'s' if extra != 1 else ''}" if extra else "")
    return f"This consultation runs {length}, less than the Compact's 12 weeks: give a reason for the shorter consultation"


# The forms' limit on long texts (forms.LONG_TEXT), and their messages.
LONG_TEXT = 10_000
COMPACT_MESSAGE = "Only council officers keep the Compact."
CONSULTATION_MESSAGE = "Only council officers run consultations."


def _compact_checked(data: dict[str, Any]) -> dict[str, Any]:
    """CompactForm's rules on the fields given."""
    checks = FieldChecks()
    rules: dict[str, Any] = {
        "title": lambda value: checks.text("title", value, required="Enter a title", max_length=200, too_long="Title must be 200 characters or fewer"),
        "adopted_on": lambda value: checks.date("adopted_on", value, invalid="Date adopted must be a real date"),
        "introduction": lambda value: checks.text(
            "introduction", value, max_length=LONG_TEXT, too_long="Introduction must be 10,000 characters or fewer", markup=True
        ),
        "enabled": bool,
    }
    cleaned = {name: rules[name](data[name]) for name in COMPACT_FIELDS if name in data}
    checks.raise_if_any()
    return cleaned


def _commitment_checked(text: Any, rule: Any) -> tuple[str, str]:
    """CommitmentForm's rules: the commitment's words, and a rule from the list (or none)."""
    checks = FieldChecks()
    words = checks.text("text", text, required="Enter commitment", max_length=2_000, too_long="Commitment must be 2,000 characters or fewer", markup=True)
    rule = checks.choice("rule", rule, CompactRule.values, invalid=INVALID_CHOICE)
    checks.raise_if_any()
    return words, rule


def _consultation_checked(data: dict[str, Any]) -> dict[str, Any]:
    """ConsultationForm's rules: title, purpose, opening and closing dates in order, and a reason for one shorter than 12 weeks."""
    checks = FieldChecks()
    values: dict[str, Any] = {
        "title": checks.text("title", data.get("title"), required="Enter a title", max_length=300, too_long="Title must be 300 characters or fewer"),
        "purpose": checks.text(
            "purpose", data.get("purpose"), required="Enter purpose", max_length=LONG_TEXT, too_long="Purpose must be 10,000 characters or fewer", markup=True
        ),
        "start_date": checks.date("start_date", data.get("start_date"), required="Enter the opening date", invalid="Opening date must be a real date"),
        "end_date": checks.date("end_date", data.get("end_date"), required="Enter the closing date", invalid="Closing date must be a real date"),
        "short_reason": checks.text(
            "short_reason",
            data.get("short_reason"),
            max_length=LONG_TEXT,
            too_long="Reason for a consultation shorter than 12 weeks must be 10,000 characters or fewer",
            markup=True,
        ),
    }
    start: datetime.date | None = values["start_date"]
    end: datetime.date | None = values["end_date"]
    if start and end:
        if end < start:
            checks.add("end_date", "The closing date must be on or after the opening date")
        elif is_short(start, end) and not values["short_reason"]:
            checks.add("short_reason", short_consultation_message(start, end))
    checks.raise_if_any()
    return values


@transaction.atomic
def compact_create_default(*, acting_user: Any) -> Compact:
    """A Compact with the five commitments the system can measure."""
    require(can_manage_compact, acting_user, message=COMPACT_MESSAGE)
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
    require(can_manage_compact, acting_user, compact, message=COMPACT_MESSAGE)
    values = _compact_checked(data)
    before = snapshot(compact, COMPACT_FIELDS)
    for name, value in values.items():
        setattr(compact, name, value)
    compact.full_clean()
    compact.save()
    changes = diff(before, snapshot(compact, COMPACT_FIELDS))
    audit_event_record(actor=acting_user, action="compact_update", obj=compact, changes=changes, summary=f"Compact changed: {', '.join(changes) or 'nothing'}")
    return compact


@transaction.atomic
def commitment_create(*, acting_user: Any, compact: Compact, text: str, rule: str = "") -> Commitment:
    require(can_manage_compact, acting_user, compact, message=COMPACT_MESSAGE)
    text, rule = _commitment_checked(text, rule)
    last = compact.commitments.aggregate(last=Max("order"))["last"] or 0
    commitment = Commitment(compact=compact, text=text, rule=rule, order=last + 1)
    commitment.full_clean()
    commitment.save()
    audit_event_record(actor=acting_user, action="commitment_create", obj=commitment, summary=f"Commitment added: {commitment}")
    return commitment


@transaction.atomic
def commitment_update(*, acting_user: Any, commitment: Commitment, text: str, rule: str = "") -> Commitment:
    require(can_manage_compact, acting_user, commitment, message=COMPACT_MESSAGE)
    text, rule = _commitment_checked(text, rule)
    before = snapshot(commitment, COMMITMENT_FIELDS)
    commitment.text, commitment.rule = text, rule
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
    require(can_manage_compact, acting_user, commitment, message=COMPACT_MESSAGE)
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
    require(can_manage_compact, acting_user, commitment, message=COMPACT_MESSAGE)
    audit_event_record(actor=acting_user, action="commitment_remove", obj=commitment, summary=f"Commitment removed: {commitment}")
    commitment.delete()


@transaction.atomic
def consultation_create(*, acting_user: Any, data: dict[str, Any]) -> Consultation:
    require(can_manage_consultations, acting_user, message=CONSULTATION_MESSAGE)
    consultation = Consultation(lead_officer=acting_user, **_consultation_checked(data))
    consultation.full_clean()
    consultation.save()
    audit_event_record(actor=acting_user, action="consultation_create", obj=consultation, summary=f"Consultation created: {consultation.title}")
    return consultation


@transaction.atomic
def consultation_update(*, acting_user: Any, consultation: Consultation, data: dict[str, Any], expected_version: int | None = None) -> Consultation:
    """Change a consultation; with `expected_version`, one changed since the officer opened it is refused (StaleEdit)."""
    require(can_manage_consultations, acting_user, consultation, message=CONSULTATION_MESSAGE)
    lock_for_edit(consultation, expected_version, data if isinstance(data, dict) else {})
    values = _consultation_checked(data)
    before = snapshot(consultation, CONSULTATION_FIELDS)
    for name, value in values.items():
        setattr(consultation, name, value)
    consultation.full_clean()
    consultation.save()
    changes = diff(before, snapshot(consultation, CONSULTATION_FIELDS))
    if changes:
        version_advance(consultation)
    audit_event_record(
        actor=acting_user,
        action="consultation_update",
        obj=consultation,
        changes=changes,
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
    require(can_manage_consultations, acting_user, consultation, message=CONSULTATION_MESSAGE)
    checks = FieldChecks()
    organisations = checks.objects("organisations", organisations, Organisation, invalid="Choose organisations from the list", allow_ids=False)
    if not organisations and not checks.failed("organisations"):
        checks.add("organisations", "Select at least one organisation to invite")
    checks.raise_if_any()
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
    require(can_manage_consultations, acting_user, consultation, message=CONSULTATION_MESSAGE)
    checks = FieldChecks()
    text = checks.text(
        "you_said_we_did",
        text,
        required="Enter the summary of what organisations said and what the council did",
        max_length=LONG_TEXT,
        too_long='"You said, we did" summary must be 10,000 characters or fewer',
        markup=True,
    )
    checks.raise_if_any()
    before = consultation.you_said_we_did
    consultation.you_said_we_did = text
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
    require(can_respond_to_consultation, acting_user, organisation, message="Only members of an invited organisation may respond.")
    if not consultation.invited.filter(pk=organisation.pk).exists():
        raise ValidationError("Only members of an invited organisation may respond")
    checks = FieldChecks()
    text = checks.text(
        "text",
        text,
        required="Enter your organisation's response",
        max_length=LONG_TEXT,
        too_long="Your organisation's response must be 10,000 characters or fewer",
        markup=True,
    )
    checks.raise_if_any()
    today = today or timezone.localdate()
    if not consultation.start_date <= today <= consultation.end_date:
        raise ValidationError({"text": "This consultation is closed, so it can no longer take responses"})
    response = ConsultationResponse.objects.select_for_update().filter(consultation=consultation, organisation=organisation).first()
    before = response.text if response else ""
    if response is None:
        response = ConsultationResponse(consultation=consultation, organisation=organisation, submitted_by=acting_user)
    response.text, response.submitted_by = text, acting_user
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
