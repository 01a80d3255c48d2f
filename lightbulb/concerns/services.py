"""Writes about concerns: raising, triage, notes, evidence, the action ladder, closing and the triage setting.

Every change to a concern is also written to the hash-chained access log (`chain.py`); the
audit trail records that something happened without naming the organisation or the reporter,
so nothing about a concern reaches an organisation's timeline.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from lightbulb.concerns.chain import access_log_append, settings_row
from lightbulb.concerns.models import (
    Category,
    Concern,
    ConcernSettings,
    CounterFraudYear,
    Evidence,
    InvestigationNote,
    LadderStep,
    NoteKind,
    Referral,
    Source,
    Status,
    Step,
)
from lightbulb.concerns.rules import (
    can_manage_concern_settings,
    can_manage_concerns,
    can_raise_concern,
    can_raise_concern_in_portal,
    can_read_concerns,
    can_read_counter_fraud,
)
from lightbulb.core.audit import audit_event_record
from lightbulb.core.checks import FieldChecks
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.mail import email_enqueue
from lightbulb.core.rules import SystemActor, allowed, require
from lightbulb.funding.models import Agreement, Payment
from lightbulb.funding.rules import counter_fraud_step
from lightbulb.funding.services.decommissioning import decommissioning_issue_notice
from lightbulb.funding.services.payments import payment_claw_back, payment_hold
from lightbulb.funding.services.returns import attachment_check
from lightbulb.organisations.models import Organisation

ONLY_INVESTIGATORS = "Only investigators handle concerns."
LONG_TEXT = 5000
# A follow-up code: easy to read aloud, no 0/O or 1/I.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CATEGORY_MISSING = "Select what the concern is about"
SUBJECT_MISSING = "Enter the name of the organisation the concern is about"
DESCRIPTION_MISSING = "Describe what happened"
NAME_MISSING = "Enter your name, or choose to report anonymously"
CONTACT_MISSING = "Enter an e-mail address or phone number so an investigator can reach you, or choose to report anonymously"


def _audit(acting_user: Any, action: str, concern: Concern, summary: str) -> None:
    # No organisation_id: a concern never appears on the organisation's timeline.
    audit_event_record(actor=acting_user, action=action, obj=concern, summary=f"{concern.reference}: {summary}")


def _long(checks: FieldChecks, field: str, value: Any, required: str) -> str:
    return checks.text(field, value, required=required, max_length=LONG_TEXT, too_long=f"Keep this to {LONG_TEXT:,} characters or fewer")


# --- the setting -------------------------------------------------------------------------------


@transaction.atomic
def concern_settings_update(*, acting_user: Any, triage_days: Any, expected_version: int | None = None) -> ConcernSettings:
    """Administrators set how many days investigators have to triage a new concern (1 to 60)."""
    require(can_manage_concern_settings, acting_user, message="Only administrators change the time to triage a concern.")
    row = settings_row(lock=True)
    lock_for_edit(row, expected_version, {"triage_days": triage_days})
    if isinstance(triage_days, bool) or not isinstance(triage_days, int) or not 1 <= triage_days <= 60:
        raise ValidationError({"triage_days": "Enter a whole number of days from 1 to 60"})
    before = row.triage_days
    ConcernSettings.objects.filter(pk=row.pk).update(triage_days=triage_days)
    row.triage_days = triage_days
    version_advance(row)
    audit_event_record(
        actor=acting_user,
        action="concern_settings_update",
        obj=row,
        changes={"triage_days": [before, triage_days]},
        summary=f"Concerns are to be triaged within {triage_days} days",
    )
    return row


# --- raising -----------------------------------------------------------------------------------


def _next_reference(today: datetime.date) -> str:
    """CN-<year>-<number>, counting on within the year; the caller holds the settings lock."""
    prefix = f"CN-{today.year}-"
    last = Concern.objects.filter(reference__startswith=prefix).order_by("-reference").values_list("reference", flat=True).first()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _report_values(answers: dict[str, Any], *, anonymous_allowed: bool, reporter_needed: bool) -> dict[str, Any]:
    """The reported concern's fields, or ValidationError naming each answer that is missing or breaks a rule."""
    checks = FieldChecks()
    values: dict[str, Any] = {
        "category": checks.choice("category", answers.get("category"), Category.values, required=CATEGORY_MISSING),
        "subject_name": checks.text("subject_name", answers.get("subject_name"), required=SUBJECT_MISSING, max_length=300),
        "description": _long(checks, "description", answers.get("description"), DESCRIPTION_MISSING),
        "anonymous": anonymous_allowed and bool(answers.get("anonymous")),
    }
    if values["anonymous"] or not reporter_needed:
        values.update(reporter_name="", reporter_email="", reporter_phone="")
    else:
        values["reporter_name"] = checks.text("reporter_name", answers.get("reporter_name"), required=NAME_MISSING, max_length=200)
        values["reporter_email"] = checks.email("reporter_email", answers.get("reporter_email"))
        values["reporter_phone"] = checks.text("reporter_phone", answers.get("reporter_phone"), max_length=40)
        if not values["reporter_email"] and not values["reporter_phone"] and not checks.failed("reporter_email"):
            checks.add("reporter_email", CONTACT_MISSING)
    checks.raise_if_any()
    return values


def _organisation(value: Any, field: str = "organisation") -> Organisation | None:
    if value in (None, ""):
        return None
    checks = FieldChecks()
    found = checks.objects(field, [value], Organisation, invalid="Select an organisation from the register")
    checks.raise_if_any()
    return found[0]  # type: ignore[no-any-return]


def _create(values: dict[str, Any], source: str, acting_user: Any) -> Concern:
    today = timezone.localdate()
    head = settings_row(lock=True)
    concern = Concern(
        reference=_next_reference(today),
        source=source,
        received_on=today,
        triage_due=today + datetime.timedelta(days=head.triage_days),
        **values,
    )
    concern.full_clean()
    concern.save()
    _audit(acting_user, "concern_raise", concern, f"raised ({concern.get_source_display().lower()})")
    access_log_append(user=acting_user, action="raised", concern=concern, detail=concern.get_source_display())
    return concern


@transaction.atomic
def concern_raise(*, acting_user: Any, answers: dict[str, Any]) -> Concern:
    """Anyone who works for the council raises a concern; they are its reporter, seen only by investigators."""
    require(can_raise_concern, acting_user, message="Only council staff raise a concern here.")
    values = _report_values(answers, anonymous_allowed=False, reporter_needed=False)
    values["organisation"] = _organisation(answers.get("organisation"))
    values["reporter_user"] = acting_user
    values["reporter_name"] = str(getattr(acting_user, "display_name", "") or acting_user)[:200]
    values["reporter_email"] = getattr(acting_user, "email", "") or ""
    return _create(values, Source.STAFF, acting_user)


@transaction.atomic
def concern_raise_for_organisation(*, acting_user: Any, organisation: Organisation, answers: dict[str, Any]) -> Concern:
    """A member raises a concern in the portal for their organisation; the organisation hears it was received."""
    from lightbulb.accounts.rules import is_member_of

    require(can_raise_concern_in_portal, acting_user, message="Only a member of an organisation raises a concern in the portal.")
    require(is_member_of, acting_user, organisation, message="You can raise a concern only for an organisation you belong to.")
    values = _report_values(answers, anonymous_allowed=False, reporter_needed=False)
    values.update(
        reporter_user=acting_user,
        reporter_organisation=organisation,
        reporter_name=str(getattr(acting_user, "display_name", "") or acting_user)[:200],
        reporter_email=getattr(acting_user, "email", "") or "",
    )
    concern = _create(values, Source.ORGANISATION, acting_user)
    # The receipt goes to the member who raised it, not through the organisation's outbox: a concern
    # about someone in the organisation must not tell them, nor show on the council's letters.
    if values["reporter_email"]:
        email, reference, due = values["reporter_email"], concern.reference, concern.triage_due
        transaction.on_commit(
            lambda: email_enqueue(
                to=[email],
                subject=f"Your concern has been received: {reference}",
                body=(
                    f"The council's investigators have received the concern you raised, reference {reference}. "
                    f"They aim to look at it by {due:%-d %B %Y} and will contact you if they need more information."
                ),
            )
        )
    return concern


def _follow_up_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


@transaction.atomic
def concern_report_public(*, answers: dict[str, Any]) -> tuple[Concern, str]:
    """A member of the public reports a concern, anonymously if they choose.

    Returns the concern and its follow-up code; only the code's hash is kept, so the code is
    shown once. A reporter who gave an e-mail address is sent the reference (never the code).
    """
    values = _report_values(answers, anonymous_allowed=True, reporter_needed=True)
    code = _follow_up_code()
    values["follow_up_code_hash"] = make_password(code)
    concern = _create(values, Source.PUBLIC, SystemActor("Public report form"))
    if concern.reporter_email:
        email, reference, due = concern.reporter_email, concern.reference, concern.triage_due
        transaction.on_commit(
            lambda: email_enqueue(
                subject=f"Your report has been received: {reference}",
                body=(
                    f"Thank you for reporting a concern. Its reference is {reference}.\n\n"
                    f"The council's investigators aim to look at it by {due:%-d %B %Y}. "
                    "You can check its status on the council's website with this reference and the follow-up code you were shown."
                ),
                to=[email],
            )
        )
    return concern, code


def concern_status_for_reporter(*, reference: Any, code: Any) -> str | None:
    """The status in words for the right reference and follow-up code; None for any other pair (nothing else is said)."""
    if not isinstance(reference, str) or not isinstance(code, str) or not reference.strip() or not code.strip():
        return None
    concern = Concern.objects.filter(reference=reference.strip().upper()[:20], source=Source.PUBLIC).first()
    if concern is None or not concern.follow_up_code_hash:
        make_password(code)  # as slow as checking a real code, so a wrong reference is not told apart
        return None
    if not check_password(code.strip().upper()[:20], concern.follow_up_code_hash):
        return None
    return concern.get_status_display()


# --- handling ----------------------------------------------------------------------------------


def concern_view_record(*, acting_user: Any, concern: Concern, what: str) -> None:
    """Every view of a concern (its page, its evidence, its log) goes into the access log."""
    require(can_read_concerns, acting_user, concern, message=ONLY_INVESTIGATORS)
    access_log_append(user=acting_user, action="viewed", concern=concern, detail=what)


def access_log_list_viewed(*, acting_user: Any, what: str = "the list of concerns") -> None:
    """Seeing the register (or the log itself) is a view too."""
    require(can_read_concerns, acting_user, message=ONLY_INVESTIGATORS)
    access_log_append(user=acting_user, action="viewed", detail=what)


def _lock(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


def _require_open(concern: Concern, doing: str) -> None:
    if concern.status == Status.CLOSED:
        raise ValidationError(f"A closed concern cannot be {doing}")


def _agreement(value: Any, organisation: Organisation | None) -> Agreement | None:
    if value in (None, ""):
        return None
    checks = FieldChecks()
    found = checks.objects("agreement", [value], Agreement, invalid="Select an agreement from the list")
    checks.raise_if_any()
    agreement: Agreement = found[0]
    if organisation is None or agreement.organisation_id != organisation.pk:
        raise ValidationError({"agreement": "Select an agreement with the organisation the concern is about"})
    return agreement


@transaction.atomic
def concern_triage(*, acting_user: Any, concern: Concern, answers: dict[str, Any]) -> Concern:
    """Decide whether to investigate, linking the register's organisation (and agreement); or close it at triage."""
    require(can_manage_concerns, acting_user, concern, message=ONLY_INVESTIGATORS)
    locked = _lock(concern)
    if locked.status != Status.RECEIVED:
        raise ValidationError("This concern has already been triaged")
    checks = FieldChecks()
    decision = checks.choice("decision", answers.get("decision"), ["investigate", "close"], required="Select whether to investigate")
    reasons = _long(checks, "reasons", answers.get("reasons"), "Enter the reasons for the decision")
    checks.raise_if_any()
    organisation = _organisation(answers.get("organisation")) if "organisation" in answers else locked.organisation
    if decision == "investigate" and organisation is None:
        raise ValidationError({"organisation": "Select the organisation from the register to investigate it"})
    today = timezone.localdate()
    locked.organisation = organisation
    locked.agreement = _agreement(answers.get("agreement"), organisation)
    locked.triage_decision = reasons
    locked.triaged_on = today
    locked.investigator = acting_user
    locked.investigated = decision == "investigate"
    locked.status = Status.INVESTIGATING if locked.investigated else Status.CLOSED
    if not locked.investigated:
        locked.closed_on, locked.outcome = today, reasons
    locked.full_clean()
    locked.save()
    _audit(acting_user, "concern_triage", locked, "investigation opened" if locked.investigated else "closed at triage")
    access_log_append(user=acting_user, action="triaged", concern=locked, detail=locked.get_status_display())
    return locked


def _amount(checks: FieldChecks, field: str, value: Any, *, required: str | None = None) -> Decimal:
    if value in (None, ""):
        if required:
            checks.add(field, required)
        return Decimal(0)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        checks.add(field, "Enter an amount in pounds, like 250 or 99.50")
        return Decimal(0)
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e10"):
        checks.add(field, "Enter an amount in pounds, like 250 or 99.50")
        return Decimal(0)
    return amount


@transaction.atomic
def concern_note_add(*, acting_user: Any, concern: Concern, answers: dict[str, Any]) -> InvestigationNote:
    """An investigation note; a note that powers to require information were used counts for the Transparency Code."""
    require(can_manage_concerns, acting_user, concern, message=ONLY_INVESTIGATORS)
    locked = _lock(concern)
    _require_open(locked, "given notes")
    checks = FieldChecks()
    kind = checks.choice("kind", answers.get("kind") or NoteKind.NOTE, NoteKind.values)
    text = _long(checks, "text", answers.get("text"), "Enter the note")
    cost = _amount(checks, "cost", answers.get("cost"))
    recorded_on = checks.date("recorded_on", answers.get("recorded_on") or timezone.localdate())
    if recorded_on and recorded_on > timezone.localdate():
        checks.add("recorded_on", "The date must be today or in the past")
    checks.raise_if_any()
    assert recorded_on is not None
    note = InvestigationNote(concern=locked, kind=kind, text=text, cost=cost, recorded_on=recorded_on, author=acting_user)
    note.full_clean()
    note.save()
    _audit(acting_user, "concern_note_add", locked, note.get_kind_display().lower())
    access_log_append(user=acting_user, action="note added", concern=locked, detail=note.get_kind_display())
    return note


@transaction.atomic
def concern_evidence_add(*, acting_user: Any, concern: Concern, upload: UploadedFile | None, description: Any) -> Evidence:
    """A file of evidence, checked like a return's attachments (type, contents, under 10 MB)."""
    require(can_manage_concerns, acting_user, concern, message=ONLY_INVESTIGATORS)
    locked = _lock(concern)
    _require_open(locked, "given evidence")
    checks = FieldChecks()
    text = checks.text("description", description, required="Say what the file is", max_length=300)
    content_type = ""
    if upload is None:
        checks.add("file", "Choose a file")
    else:
        try:
            content_type = attachment_check(upload)
        except ValidationError as error:
            checks.add("file", error.messages[0])
    checks.raise_if_any()
    assert upload is not None
    evidence = Evidence(
        concern=locked,
        original_name=(upload.name or "evidence")[:255],
        content_type=content_type,
        size=upload.size or 0,
        description=text,
        uploaded_by=acting_user,
    )
    evidence.file.save(upload.name or "evidence", upload, save=False)
    evidence.save()
    _audit(acting_user, "concern_evidence_add", locked, "evidence added")
    access_log_append(user=acting_user, action="evidence added", concern=locked, detail=evidence.original_name)
    return evidence


@transaction.atomic
def concern_close(*, acting_user: Any, concern: Concern, outcome: Any) -> Concern:
    """Close an investigation with its outcome; the organisation drops out of "under investigation"."""
    require(can_manage_concerns, acting_user, concern, message=ONLY_INVESTIGATORS)
    locked = _lock(concern)
    if locked.status != Status.INVESTIGATING:
        raise ValidationError("Only a concern under investigation can be closed here")
    checks = FieldChecks()
    text = _long(checks, "outcome", outcome, "Enter the outcome")
    checks.raise_if_any()
    locked.status, locked.outcome, locked.closed_on = Status.CLOSED, text, timezone.localdate()
    locked.full_clean()
    locked.save()
    _audit(acting_user, "concern_close", locked, "closed")
    access_log_append(user=acting_user, action="closed", concern=locked)
    return locked


# --- the action ladder -------------------------------------------------------------------------

STEP_MISSING = {
    "justification": "Enter why this step is proportionate and justified",
    "impact_service_users": "Enter the impact on the people the organisation serves",
    "mitigations": "Enter the mitigations",
}
# Steps that act on the agreement's money or end it, and so tell the organisation why.
ACTS_ON_AGREEMENT = frozenset({Step.SUSPEND_PAYMENTS, Step.CLAW_BACK, Step.TERMINATE})


def _step_values(answers: dict[str, Any]) -> dict[str, Any]:
    checks = FieldChecks()
    values: dict[str, Any] = {"step": checks.choice("step", answers.get("step"), Step.values, required="Select the step")}
    for field, missing in STEP_MISSING.items():
        values[field] = _long(checks, field, answers.get(field), missing)
    values["impact_others"] = checks.text("impact_others", answers.get("impact_others"), max_length=LONG_TEXT)
    values["reason_to_organisation"] = checks.text("reason_to_organisation", answers.get("reason_to_organisation"), max_length=2000)
    values["referred_to"] = checks.text("referred_to", answers.get("referred_to"))
    if values["step"] in ACTS_ON_AGREEMENT and not values["reason_to_organisation"] and not checks.failed("reason_to_organisation"):
        checks.add("reason_to_organisation", "Enter what the organisation will be told")
    if values["step"] == Step.REFER_ON:
        checks.choice("referred_to", values["referred_to"], Referral.values, required="Select who the concern is referred to")
    else:
        values["referred_to"] = ""
    checks.raise_if_any()
    return values


def _suspend(concern: Concern, acting_user: Any, values: dict[str, Any], _answers: dict[str, Any]) -> str:
    assert concern.agreement is not None
    scheduled = list(Payment.objects.filter(agreement=concern.agreement, status=Payment.Status.SCHEDULED).order_by("due_date", "id"))
    if not scheduled:
        raise ValidationError({"step": "The agreement has no scheduled payments to hold"})
    for payment in scheduled:
        payment_hold(payment=payment, acting_user=acting_user, reason=values["reason_to_organisation"])
    total = sum((p.amount for p in scheduled), Decimal(0))
    return f"{len(scheduled)} scheduled payment{'s' if len(scheduled) != 1 else ''} under {concern.agreement.reference} held, £{total:,.2f} in all"


def _claw_back(concern: Concern, acting_user: Any, values: dict[str, Any], answers: dict[str, Any]) -> str:
    assert concern.agreement is not None
    checks = FieldChecks()
    payment = answers.get("payment")
    paid = Payment.objects.filter(agreement=concern.agreement, status=Payment.Status.PAID)
    found = paid.filter(pk=getattr(payment, "pk", payment)).first() if payment not in (None, "") and str(getattr(payment, "pk", payment)).isdigit() else None
    if found is None:
        checks.add("payment", "Select a paid payment under the agreement")
    amount = _amount(checks, "amount", answers.get("amount"), required="Enter the amount to claw back")
    checks.raise_if_any()
    assert found is not None
    clawed = payment_claw_back(payment=found, acting_user=acting_user, amount=amount, reason=values["reason_to_organisation"])
    return f"£{clawed.clawed_back_amount:,.2f} clawed back from the payment of £{clawed.amount:,.2f} under {concern.agreement.reference}"


def _terminate(concern: Concern, acting_user: Any, values: dict[str, Any], answers: dict[str, Any]) -> str:
    assert concern.agreement is not None
    notice = dict(answers.get("notice") or {})
    notice.update(reasons=values["reason_to_organisation"], impact_service_users=values["impact_service_users"], mitigations=values["mitigations"])
    try:
        decommissioning = decommissioning_issue_notice(acting_user=acting_user, agreement=concern.agreement, answers=notice)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "reasons" in error.error_dict:
            error.error_dict["reason_to_organisation"] = error.error_dict.pop("reasons")
        raise
    return f"Written notice issued: funding under {concern.agreement.reference} ends {decommissioning.funding_end_date:%-d %B %Y}"


ACTIONS = {Step.SUSPEND_PAYMENTS: _suspend, Step.CLAW_BACK: _claw_back, Step.TERMINATE: _terminate}


@transaction.atomic
def concern_step_take(*, acting_user: Any, concern: Concern, answers: dict[str, Any]) -> LadderStep:
    """Take a step on the proportionate action ladder, with why it is proportionate, its impact (service users first) and the mitigations.

    Suspending payments holds every scheduled payment of the concern's agreement, clawing back
    recovers from one paid payment, and terminating issues the written notice that starts
    decommissioning: each through funding's own services, with their rules and messages to the
    organisation, in the investigator's name.
    """
    require(can_manage_concerns, acting_user, concern, message=ONLY_INVESTIGATORS)
    locked = _lock(concern)
    if locked.status != Status.INVESTIGATING:
        raise ValidationError("Steps are taken on a concern under investigation: triage it first")
    values = _step_values(answers)
    act = ACTIONS.get(values["step"])
    effect = ""
    if act is not None:
        if locked.agreement is None:
            raise ValidationError({"step": "Link the agreement at triage before acting on its payments or ending it"})
        with counter_fraud_step():
            effect = act(locked, acting_user, values, answers)
    step = LadderStep(concern=locked, effect=effect, taken_on=timezone.localdate(), taken_by=acting_user, **values)
    step.full_clean()
    step.save()
    _audit(acting_user, "concern_step_take", locked, step.get_step_display().lower())
    access_log_append(user=acting_user, action="step taken", concern=locked, detail=step.get_step_display())
    return step


# --- counter-fraud figures ---------------------------------------------------------------------


@transaction.atomic
def counter_fraud_year_save(*, acting_user: Any, year: Any, answers: dict[str, Any]) -> CounterFraudYear:
    """What the register cannot count: full-time equivalents, accredited specialists, spending outside any concern."""
    require(can_read_counter_fraud, acting_user, message="Only investigators record the counter-fraud team's figures.")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": "Enter a year like 2026"})
    checks = FieldChecks()
    employees_fte = _amount(checks, "employees_fte", answers.get("employees_fte"))
    accredited_fte = _amount(checks, "accredited_fte", answers.get("accredited_fte"))
    other_costs = _amount(checks, "other_costs", answers.get("other_costs"))
    accredited = answers.get("accredited_specialists") or 0
    if isinstance(accredited, bool) or not isinstance(accredited, int) or not 0 <= accredited <= 10000:
        checks.add("accredited_specialists", "Enter a whole number, 0 or more")
    checks.raise_if_any()
    record, _ = CounterFraudYear.objects.select_for_update().get_or_create(year=year)
    record.employees_fte, record.accredited_fte, record.other_costs, record.accredited_specialists = employees_fte, accredited_fte, other_costs, accredited
    record.full_clean()
    record.save()
    audit_event_record(
        actor=acting_user, action="counter_fraud_year_save", obj=record, summary=f"Counter-fraud team figures for {year}/{str(year + 1)[-2:]} saved"
    )
    return record


def may_handle(user: Any) -> bool:
    return allowed(can_manage_concerns, user)
