"""Decommissioning: issuing the written notice, the organisation's response, its consideration, completion."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record
from lightbulb.core.models import OrganisationMessage
from lightbulb.core.outbox import MessageAttachment, organisation_message_send
from lightbulb.core.rules import allowed, require
from lightbulb.funding.models import Agreement, AgreementStatus, Decommissioning
from lightbulb.funding.pdf import notice_letter_filename, notice_letter_pdf
from lightbulb.funding.rules import can_decommission, can_record_notice_response, can_respond_to_notice
from lightbulb.funding.selectors import decommissioning as selectors
from lightbulb.funding.services.lifecycle import agreement_transition
from lightbulb.funding.services.returns import attachment_check
from lightbulb.funding.services.winding_down import agreement_wind_down
from lightbulb.organisations.selectors import message_recipients

STAGE = Decommissioning.Stage
ANSWER_FIELDS = (
    "reasons",
    "impact_service_users",
    "impact_volunteers",
    "impact_staff",
    "impact_equality_groups",
    "alternative_providers",
    "mitigations",
    "exit_plan",
    "funding_end_date",
    "response_due_date",
    "short_notice_reason",
)


# The notice letter attached to the notice's message, built by the worker (registered in registrations.py).
NOTICE_LETTER = "funding.notice_letter"


def notice_letter_attachment(*, decommissioning_id: int, portal_url: str = "") -> tuple[str, bytes, str]:
    fresh = Decommissioning.objects.select_related("agreement", "agreement__organisation").get(pk=decommissioning_id)
    return notice_letter_filename(fresh), notice_letter_pdf(fresh, portal_url=portal_url), "application/pdf"


def _send_notice(decommissioning: Decommissioning, acting_user: Any, portal_url: str) -> OrganisationMessage:
    """The notice reaches the organisation's members, else its registered contact; with no e-mail address the officer posts it."""
    agreement = decommissioning.agreement
    recipients = message_recipients(agreement.organisation)
    how = (
        f"You may respond until {decommissioning.response_due_date:%-d %B %Y}"
        + (f" at {portal_url}" if portal_url and recipients.route == OrganisationMessage.Route.MEMBERS else f" by writing to {agreement.accountable_officer}")
        + "."
    )
    body = (
        f"The council has issued written notice that funding under {agreement.reference} ({agreement.title}) "
        f"ends on {decommissioning.funding_end_date:%-d %B %Y}.\n\nReasons: {decommissioning.reasons}\n\n"
        f"The notice letter is attached. {how}"
    )
    letter = MessageAttachment(NOTICE_LETTER, {"decommissioning_id": decommissioning.pk, "portal_url": portal_url})
    return organisation_message_send(
        recipients=recipients,
        subject=f"Notice that funding will end: {agreement.reference}",
        body=body,
        obj=decommissioning,
        acting_user=acting_user,
        attachment=letter,
    )


def _told(answers: dict[str, Any], outside_letter: UploadedFile | None, today: datetime.date) -> tuple[dict[str, Any], dict[str, str]]:
    """When and how the organisation was told: today for a notice issued here; for one sent outside, its date, reason and letter.

    A notice issued here cannot be backdated: whatever date the caller passes, it is dated the day it is issued.
    """
    if answers.get("told") != selectors.TOLD_OUTSIDE:
        return {"notice_date": today, "notice_sent_outside": False, "outside_reason": ""}, {}
    sent_on, reason = answers.get("outside_date"), answers.get("outside_reason")
    errors = selectors.outside_notice_errors(True, sent_on, reason, today)
    if outside_letter is None:
        errors["outside_letter"] = "Attach the letter or e-mail that was sent"
    else:
        try:
            attachment_check(outside_letter)
        except ValidationError as error:
            errors["outside_letter"] = error.messages[0]
    told = {"notice_date": sent_on, "notice_sent_outside": True, "outside_reason": reason.strip() if isinstance(reason, str) else ""}
    return told, errors


def _notice_values(answers: dict[str, Any], outside_letter: UploadedFile | None = None) -> dict[str, Any]:
    """The answers the notice is issued with, or ValidationError naming each field that is missing or breaks a rule."""
    told, errors = _told(answers, outside_letter, timezone.localdate())
    values = {**{name: answers.get(name) for name in ANSWER_FIELDS}, **told}
    for name, missing in selectors.ASSESSMENT_FIELDS.items():
        problem = selectors.text_error(values[name], missing, missing.removeprefix("Enter the ").capitalize())
        if problem:
            errors[name] = problem
    reason = values["short_notice_reason"]
    values["short_notice_reason"] = reason.strip() if isinstance(reason, str) else ""
    errors.update(selectors.notice_date_errors(values["notice_date"], values["funding_end_date"], values["response_due_date"], values["short_notice_reason"]))
    if errors:
        raise ValidationError(errors)
    if outside_letter is not None and told["notice_sent_outside"]:
        values["outside_letter"] = outside_letter
    if values["response_due_date"] is None:
        values["response_due_date"] = selectors.default_response_date(values["notice_date"])
    for name in selectors.ASSESSMENT_FIELDS:
        values[name] = values[name].strip()
    return values


@transaction.atomic
def decommissioning_issue_notice(
    *, acting_user: Any, agreement: Agreement, answers: dict[str, Any], portal_url: str = "", outside_letter: UploadedFile | None = None
) -> Decommissioning:
    """Record the impact assessment, mitigations and exit plan, and issue the written notice.

    Every rule of the journey's pages is checked here too: each answer written,
    funding ending after the notice, at least 3 calendar months' notice or a
    recorded reason (the Compact), a response date inside the notice period.
    The notice is dated today; a notice already sent outside Lightbulb
    (`answers["told"] == "outside"`) is recorded with its date, a reason and the
    letter, marked so on the Compact page, and not sent again.
    """
    require(can_decommission, acting_user, agreement, message="Only council officers decommission funding.")
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.status not in selectors.DECOMMISSIONABLE:
        raise ValidationError(f"An agreement that is {locked.get_status_display().lower()} cannot be decommissioned")
    if Decommissioning.objects.filter(agreement=locked).exclude(stage=STAGE.DRAFT).exists():
        raise ValidationError("A notice has already been issued for this agreement")
    values = _notice_values(answers, outside_letter)
    decommissioning = Decommissioning.objects.filter(agreement=locked).first() or Decommissioning(agreement=locked, prepared_by=acting_user)
    for name, value in values.items():
        setattr(decommissioning, name, value)
    decommissioning.stage = STAGE.NOTICE_ISSUED
    decommissioning.full_clean()
    decommissioning.save()
    short = selectors.is_short_notice(decommissioning.notice_date, decommissioning.funding_end_date)  # type: ignore[arg-type]
    audit_event_record(
        actor=acting_user,
        action="decommissioning_issue_notice",
        obj=decommissioning,
        changes={"stage": [STAGE.DRAFT, STAGE.NOTICE_ISSUED], "funding_end_date": [None, decommissioning.funding_end_date.isoformat()]},
        summary=(
            f"Written notice {'sent outside Lightbulb on ' + format(decommissioning.notice_date, '%-d %B %Y') + ' recorded' if decommissioning.notice_sent_outside else 'issued'}"
            f" for {locked.reference}: funding ends {decommissioning.funding_end_date:%-d %B %Y}{' (short notice, reason recorded)' if short else ''}"
        ),
        organisation_id=locked.organisation_id,
    )
    if not decommissioning.notice_sent_outside:
        _send_notice(decommissioning, acting_user, portal_url)
    return decommissioning


def _entered_response(acting_user: Any, decommissioning: Decommissioning, received_on: Any, letter: UploadedFile | None, today: datetime.date) -> bool:
    """Whether an officer is entering a response that arrived by post or e-mail (checking its date and letter), or a member responds."""
    if allowed(can_respond_to_notice, acting_user, decommissioning):
        return False
    require(can_record_notice_response, acting_user, decommissioning, message="Only members of the organisation, or an officer for it, record its response.")
    errors: dict[str, str] = {}
    if not isinstance(received_on, datetime.date):
        errors["received_on"] = "Enter the date the response arrived"
    elif received_on > today:
        errors["received_on"] = "The date the response arrived must be today or in the past"
    elif decommissioning.notice_date and received_on < decommissioning.notice_date:
        errors["received_on"] = "The response cannot have arrived before the notice was given"
    if letter is None:
        errors["letter"] = "Attach the response as it arrived"
    else:
        try:
            attachment_check(letter)
        except ValidationError as error:
            errors["letter"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return True


@transaction.atomic
def decommissioning_respond(
    *,
    acting_user: Any,
    decommissioning: Decommissioning,
    text: str,
    today: datetime.date | None = None,
    received_on: datetime.date | None = None,
    letter: UploadedFile | None = None,
) -> Decommissioning:
    """The organisation's response to the notice, until the response date (it may change it until then).

    A member responds in the portal; an officer enters a response that arrived by post or e-mail, with
    the day it arrived (which is what the response date is checked against) and the letter itself.
    """
    today = today or timezone.localdate()
    entered = _entered_response(acting_user, decommissioning, received_on, letter, today)
    problem = selectors.text_error(text, "Enter your response", "Your response")
    if problem:
        raise ValidationError({"organisation_response": problem})
    locked = Decommissioning.objects.select_for_update().select_related("agreement").get(pk=decommissioning.pk)
    if not selectors.response_window_open(locked, received_on if entered and received_on else today):
        raise ValidationError(
            {
                "organisation_response": "The time to respond to this notice has passed, so the council can no longer accept a response here. Contact the council officer directly."
            }
        )
    before = locked.organisation_response
    locked.organisation_response = text.strip()
    locked.responded_by = acting_user
    locked.responded_at = timezone.now()
    locked.response_entered_by_council = entered
    locked.response_received_on = received_on if entered else today
    if entered:
        locked.response_letter = letter
    locked.stage = STAGE.RESPONSE_RECEIVED
    locked.full_clean()
    locked.save()
    audit_event_record(
        actor=acting_user,
        action="decommissioning_respond",
        obj=locked,
        changes={"organisation_response": [before, locked.organisation_response]},
        summary=(
            f"{locked.agreement.organisation} responded to the notice on {locked.agreement.reference}"
            + (f" (by post or e-mail on {received_on:%-d %B %Y}, entered by the council)" if entered and received_on else "")
        ),
        organisation_id=locked.agreement.organisation_id,
    )
    return locked


@transaction.atomic
def decommissioning_consider(*, acting_user: Any, decommissioning: Decommissioning, text: str, today: datetime.date | None = None) -> Decommissioning:
    """The officer's record of how the organisation's response (or its absence) was considered."""
    require(can_decommission, acting_user, decommissioning, message="Only council officers consider the organisation's response.")
    problem = selectors.text_error(text, "Enter how the response was considered", "How the response was considered")
    if problem:
        raise ValidationError({"response_consideration": problem})
    locked = Decommissioning.objects.select_for_update().select_related("agreement").get(pk=decommissioning.pk)
    if not selectors.may_consider(locked, today or timezone.localdate()):
        raise ValidationError({"response_consideration": "Wait for the organisation's response, or until the time to respond has passed"})
    before = locked.response_consideration
    locked.response_consideration = text.strip()
    locked.stage = STAGE.RESPONSE_CONSIDERED
    locked.full_clean()
    locked.save()
    audit_event_record(
        actor=acting_user,
        action="decommissioning_consider",
        obj=locked,
        changes={"response_consideration": [before, locked.response_consideration]},
        summary=f"Response to the notice on {locked.agreement.reference} considered",
        organisation_id=locked.agreement.organisation_id,
    )
    return locked


@transaction.atomic
def decommissioning_complete(
    *, acting_user: Any, decommissioning: Decommissioning, lessons_learned: str, today: datetime.date | None = None
) -> Decommissioning:
    """Record the lessons learned and move the agreement to decommissioned."""
    require(can_decommission, acting_user, decommissioning, message="Only council officers complete a decommissioning.")
    problem = selectors.text_error(lessons_learned, "Enter the lessons learned", "Lessons learned")
    if problem:
        raise ValidationError({"lessons_learned": problem})
    locked = Decommissioning.objects.select_for_update().select_related("agreement").get(pk=decommissioning.pk)
    if not selectors.may_complete(locked, today or timezone.localdate()):
        raise ValidationError({"lessons_learned": "Record how the organisation's response was considered first"})
    locked.lessons_learned = lessons_learned.strip()
    locked.stage = STAGE.COMPLETE
    locked.full_clean()
    locked.save()
    agreement = locked.agreement
    if agreement.status == AgreementStatus.LIVE:
        agreement_transition(agreement=agreement, to_status=AgreementStatus.UNDER_REVIEW, acting_user=acting_user, reason="Under review for decommissioning")
    agreement_transition(
        agreement=agreement, to_status=AgreementStatus.DECOMMISSIONED, acting_user=acting_user, reason=f"Decommissioned: {locked.reasons[:150]}"
    )
    agreement_wind_down(
        agreement=agreement,
        last_day=locked.funding_end_date,  # type: ignore[arg-type]  # a notice always has one
        acting_user=acting_user,
        reason=f"Funding ended on {locked.funding_end_date:%-d %B %Y} (decommissioned)",
    )
    audit_event_record(
        actor=acting_user,
        action="decommissioning_complete",
        obj=locked,
        changes={"stage": [STAGE.RESPONSE_CONSIDERED, STAGE.COMPLETE]},
        summary=f"Decommissioning of {agreement.reference} complete; lessons learned recorded",
        organisation_id=agreement.organisation_id,
    )
    return locked
