"""Monitoring returns: the schedule of due dates, submission by the organisation, and the officer's review."""

from __future__ import annotations

import datetime
import os
import zipfile
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record
from lightbulb.core.dates import add_months, long_date
from lightbulb.core.outbox import organisation_message_send
from lightbulb.core.rules import allowed, require
from lightbulb.funding.models import Agreement, Condition, MonitoringReturn, ReturnAttachment, ReturnFigure
from lightbulb.funding.rules import can_review_returns, can_schedule_returns, can_submit_return, is_member_for
from lightbulb.organisations.selectors import message_recipients

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
SUBMITTABLE = (MonitoringReturn.Status.DUE, MonitoringReturn.Status.QUERIED)
MEASURED_KINDS = (Condition.Kind.KPI, Condition.Kind.OUTPUT, Condition.Kind.OUTCOME)

# Extension → the content type we record once the file's first bytes agree with it.
ATTACHMENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
ALLOWED_DESCRIPTION = "PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG"
_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"PK\x03\x04", b"GIF8", b"MZ", b"\x7fELF", b"\xd0\xcf\x11\xe0")


# --- the reporting schedule -------------------------------------------------------------


def reporting_periods(start: datetime.date, end: datetime.date, every_months: int) -> list[tuple[datetime.date, datetime.date]]:
    """Back-to-back periods of `every_months` from `start`, the last cut short at `end`.

    Each boundary is counted from `start` itself (not from the previous
    boundary) so month-end clamping never drifts the schedule.
    """
    if end < start or every_months < 1:
        return []
    periods = []
    step = 0
    while True:
        period_start = add_months(start, step * every_months)
        if period_start > end:
            break
        next_start = add_months(start, (step + 1) * every_months)
        periods.append((period_start, min(next_start - datetime.timedelta(days=1), end)))
        step += 1
    return periods


def return_due_date(period_end: datetime.date) -> datetime.date:
    return add_months(period_end, int(getattr(settings, "RETURN_DUE_AFTER_MONTHS", 1)))


@transaction.atomic
def returns_schedule(*, agreement: Agreement, acting_user: Any) -> list[MonitoringReturn]:
    """Create the returns the reporting schedule calls for and that do not exist yet (running it again adds nothing)."""
    require(can_schedule_returns, acting_user, agreement, message="Only council officers schedule monitoring returns.")
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    existing = list(locked.returns.values_list("period_start", "period_end"))
    created = []
    for period_start, period_end in reporting_periods(locked.start_date, locked.end_date, locked.reporting_every_months):
        # A period already reported on (or overlapping one, after a change of frequency) is left alone.
        if any(period_start <= old_end and old_start <= period_end for old_start, old_end in existing):
            continue
        monitoring_return = MonitoringReturn(agreement=locked, period_start=period_start, period_end=period_end, due_date=return_due_date(period_end))
        monitoring_return.full_clean()
        monitoring_return.save()
        created.append(monitoring_return)
    if created:
        audit_event_record(
            actor=acting_user,
            action="returns_schedule",
            obj=locked,
            changes={"returns": [len(existing), len(existing) + len(created)]},
            summary=f"{len(created)} monitoring return{'' if len(created) == 1 else 's'} scheduled for {locked.reference}, every {locked.reporting_every_months} month{'' if locked.reporting_every_months == 1 else 's'}",
            organisation_id=locked.organisation_id,
        )
    return created


# --- attachments --------------------------------------------------------------------------


def _zip_holds(upload: UploadedFile, member_prefix: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(name.startswith(member_prefix) for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _looks_like_text(head: bytes) -> bool:
    if not head.strip() or b"\x00" in head or head.startswith(_BINARY_SIGNATURES):
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _content_matches(extension: str, upload: UploadedFile, head: bytes) -> bool:
    checks = {
        ".pdf": lambda: head.startswith(b"%PDF-"),
        ".png": lambda: head.startswith(b"\x89PNG\r\n\x1a\n"),
        ".jpg": lambda: head.startswith(b"\xff\xd8\xff"),
        ".jpeg": lambda: head.startswith(b"\xff\xd8\xff"),
        ".docx": lambda: head.startswith(b"PK\x03\x04") and _zip_holds(upload, "word/"),
        ".xlsx": lambda: head.startswith(b"PK\x03\x04") and _zip_holds(upload, "xl/"),
        # A multi-byte character may be cut at the end of the sample.
        ".csv": lambda: _looks_like_text(head[:-4] if len(head) > 4 else head),
    }
    return checks[extension]()


def attachment_check(upload: UploadedFile) -> str:
    """The content type of an acceptable attachment, or ValidationError saying what is wrong with it."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(f"{name or 'The file'} must be a {ALLOWED_DESCRIPTION} file")
    if not upload.size:
        raise ValidationError(f"{name} is empty")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(f"{name} must be smaller than 10 MB")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not _content_matches(extension, upload, head):
        raise ValidationError(f"{name} is not a real {extension.lstrip('.').upper()} file: its contents do not match its name")
    return ATTACHMENT_TYPES[extension]


def attachments_check(uploads: list[UploadedFile]) -> list[str]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(f"Attach {MAX_ATTACHMENTS} files or fewer")
    return [attachment_check(upload) for upload in uploads]


# --- submission and review --------------------------------------------------------------------


def _lock(monitoring_return: MonitoringReturn) -> MonitoringReturn:
    return MonitoringReturn.objects.select_for_update().select_related("agreement").get(pk=monitoring_return.pk)


def _figures_save(locked: MonitoringReturn, figures: dict[int, Decimal]) -> None:
    conditions = {condition.pk: condition for condition in locked.agreement.conditions.filter(kind__in=MEASURED_KINDS, target__isnull=False)}
    missing = [condition for pk, condition in conditions.items() if figures.get(pk) is None]
    if missing:
        raise ValidationError({"figures": [f"Enter a figure for {condition.description[:80]}" for condition in missing]})
    locked.figures.all().delete()
    for pk, condition in conditions.items():
        figure = ReturnFigure(monitoring_return=locked, condition=condition, value=figures[pk])
        figure.full_clean()
        figure.save()


def _attachments_save(locked: MonitoringReturn, uploads: list[UploadedFile], acting_user: Any) -> None:
    content_types = attachments_check(uploads)
    if locked.attachments.count() + len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"A return may have {MAX_ATTACHMENTS} files at most"})
    for upload, content_type in zip(uploads, content_types, strict=True):
        attachment = ReturnAttachment(
            monitoring_return=locked,
            file=upload,
            original_name=os.path.basename(upload.name or "attachment")[:255],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=acting_user,
        )
        attachment.full_clean(exclude=["file"])
        attachment.save()


@transaction.atomic
def return_submit(
    *, monitoring_return: MonitoringReturn, acting_user: Any, figures: dict[int, Decimal], narrative: str, attachments: list[UploadedFile]
) -> MonitoringReturn:
    """The organisation (or an officer for it) submits a due or queried return."""
    require(can_submit_return, acting_user, monitoring_return, message="Only the organisation's members, or a council officer for it, submit its returns.")
    locked = _lock(monitoring_return)
    if locked.status not in SUBMITTABLE:
        raise ValidationError(f"This return is already {locked.get_status_display().lower()}: it cannot be submitted again")
    if not (narrative or "").strip():
        raise ValidationError({"narrative": "Describe what the funding achieved in this period"})
    before = locked.status
    # An officer entering a return for the organisation attaches what arrived, so the record shows the source.
    entered_by_council = not allowed(is_member_for, acting_user, locked)
    if entered_by_council and not attachments and not locked.attachments.exists():
        raise ValidationError({"attachments": "Attach the return as it arrived: the letter, the e-mail or the spreadsheet"})
    _figures_save(locked, figures)
    _attachments_save(locked, attachments, acting_user)
    locked.entered_by_council = entered_by_council
    locked.narrative = narrative.strip()
    locked.status = MonitoringReturn.Status.SUBMITTED
    locked.submitted_by = acting_user
    locked.submitted_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_event_record(
        actor=acting_user,
        action="return_submit",
        obj=locked,
        changes={"status": [before, locked.status]},
        summary=f"Monitoring return for {locked.agreement.reference} submitted ({long_date(locked.period_start)} to {long_date(locked.period_end)})",
        organisation_id=locked.agreement.organisation_id,
    )
    return locked


def _review(*, monitoring_return: MonitoringReturn, acting_user: Any, status: str, note: str) -> MonitoringReturn:
    require(can_review_returns, acting_user, monitoring_return, message="Only council officers review monitoring returns.")
    locked = _lock(monitoring_return)
    if locked.status != MonitoringReturn.Status.SUBMITTED:
        raise ValidationError(f"Only a submitted return can be reviewed; this one is {locked.get_status_display().lower()}")
    before = locked.status
    locked.status = status
    locked.review_note = note
    locked.reviewed_by = acting_user
    locked.reviewed_at = timezone.now()
    locked.full_clean()
    locked.save()
    verb = "accepted" if status == MonitoringReturn.Status.ACCEPTED else "queried"
    audit_event_record(
        actor=acting_user,
        action="return_accept" if status == MonitoringReturn.Status.ACCEPTED else "return_query",
        obj=locked,
        changes={"status": [before, status], "review_note": ["", note]},
        summary=f"Monitoring return for {locked.agreement.reference} {verb}" + (f": {note[:200]}" if note else ""),
        organisation_id=locked.agreement.organisation_id,
    )
    return locked


@transaction.atomic
def return_accept(*, monitoring_return: MonitoringReturn, acting_user: Any, note: str = "") -> MonitoringReturn:
    return _review(monitoring_return=monitoring_return, acting_user=acting_user, status=MonitoringReturn.Status.ACCEPTED, note=(note or "").strip())


@transaction.atomic
def return_query(*, monitoring_return: MonitoringReturn, acting_user: Any, note: str) -> MonitoringReturn:
    """Send the return back with a note saying what is missing; the organisation may then resubmit."""
    require(can_review_returns, acting_user, monitoring_return, message="Only council officers review monitoring returns.")
    if not (note or "").strip():
        raise ValidationError({"note": "Say what the organisation needs to change or explain"})
    queried = _review(monitoring_return=monitoring_return, acting_user=acting_user, status=MonitoringReturn.Status.QUERIED, note=note.strip())
    agreement = queried.agreement
    organisation_message_send(
        recipients=message_recipients(agreement.organisation),
        subject=f"Your monitoring return for {agreement.reference} was queried",
        body=(
            f"The council has queried the monitoring return for {agreement.reference} ({agreement.title}), "
            f"{queried.period_start:%-d %B %Y} to {queried.period_end:%-d %B %Y}:\n\n{queried.review_note}\n\n"
            f"Please send it again with what is missing, in the portal or to {agreement.accountable_officer}."
        ),
        obj=queried,
        acting_user=acting_user,
    )
    return queried
