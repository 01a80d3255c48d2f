"""Writes about import runs: creating a run, its progress and its outcome.

A run is started by an administrator (the upload page) or from the command
line as a `SystemActor`; the runner then acts as whoever started it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record
from lightbulb.core.checks import FieldChecks
from lightbulb.core.rules import require
from lightbulb.imports.models import ImportRun
from lightbulb.imports.rules import can_run_imports
from lightbulb.imports.sources import get_source

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
IMPORTS_MESSAGE = "Only system administrators run imports."
# Files no source reads (older Excel, OpenDocument, archives, PDFs): the upload form refuses them, and so does a run.
NOT_CSV_ENDINGS = (".xls", ".ods", ".zip", ".pdf", ".docx", ".doc")
NOT_CSV_MESSAGE = (
    "The file must be a CSV file, an Excel workbook (.xlsx) or, for the registers that publish it, JSON. "
    "Save it from your spreadsheet as CSV or .xlsx and upload it again."
)


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_big_message(size: int) -> str:
    return f"The file is {size / 1024 / 1024:.1f} MB. The largest file you can import is {max_bytes() / 1024 / 1024:.0f} MB: split it into smaller files."


def _check_file(*, source: str, filename: str, upload: File[Any] | None, start: bool) -> None:
    """UploadForm's rules: a source from the list, and a CSV file that is neither empty nor too big."""
    checks = FieldChecks()
    if not source:
        checks.add("source", "Choose what the file contains")
    elif get_source(source) is None:
        checks.add("source", "Choose what the file contains from the list")
    if upload is None:
        if start:
            # A queued run reads its upload later; only the command line hands the runner the file's bytes.
            checks.add("file", "Choose a file to upload")
    elif not upload.size:
        checks.add("file", "The file you chose is empty")
    elif upload.size > max_bytes():
        checks.add("file", too_big_message(upload.size))
    if not checks.failed("file") and (filename or "").lower().endswith(NOT_CSV_ENDINGS):
        checks.add("file", NOT_CSV_MESSAGE)
    checks.raise_if_any()


def _user_or_none(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


@transaction.atomic
def import_run_create(
    *, acting_user: Any, source: str, filename: str, upload: File[Any] | None = None, dry_run: bool = False, strict: bool = False, start: bool = True
) -> ImportRun:
    """Record a run of `source` over an uploaded file and, with `start`, queue it for the background worker."""
    require(can_run_imports, acting_user, message=IMPORTS_MESSAGE)
    _check_file(source=source, filename=filename, upload=upload, start=start)
    run = ImportRun(source=source, filename=filename[:300], started_by=_user_or_none(acting_user), dry_run=dry_run, strict=strict)
    if upload is not None:
        run.upload.save(filename[-100:] or "upload.csv", upload, save=False)
    run.full_clean()
    run.save()
    audit_event_record(
        actor=acting_user,
        action="import_run_create",
        obj=run,
        summary=f"Import of {filename[:100]} started ({'dry run' if dry_run else 'strict' if strict else 'valid rows applied'})",
    )
    if start:
        from lightbulb.imports.tasks import import_run_task

        run_id = run.pk
        transaction.on_commit(lambda: import_run_task.enqueue(run_id))
    return run


def import_run_progress(*, acting_user: Any, run: ImportRun, rows_done: int, rows_total: int | None = None) -> None:
    """Record progress at once, outside any transaction, so the progress bar can show it."""
    require(can_run_imports, acting_user, run, message=IMPORTS_MESSAGE)
    run.rows_done = rows_done
    fields: dict[str, Any] = {"rows_done": rows_done}
    if rows_total is not None:
        run.rows_total = rows_total
        fields["rows_total"] = rows_total
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def import_run_mark_running(*, acting_user: Any, run: ImportRun) -> None:
    require(can_run_imports, acting_user, run, message=IMPORTS_MESSAGE)
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])


@transaction.atomic
def import_run_finish(*, acting_user: Any, run: ImportRun, succeeded: bool, summary: str) -> ImportRun:
    """Store the outcome the runner put on `run` (counts, rejected rows, notes, log)."""
    require(can_run_imports, acting_user, run, message=IMPORTS_MESSAGE)
    run.status = ImportRun.Status.SUCCEEDED if succeeded else ImportRun.Status.FAILED
    run.finished_at = timezone.now()
    run.full_clean(exclude=["upload"])
    run.save()
    audit_event_record(
        actor=acting_user,
        action="import_run_finish",
        obj=run,
        changes={
            "created": [None, run.created],
            "updated": [None, run.updated],
            "unchanged": [None, run.unchanged],
            "rejected": [None, run.rejected],
        },
        summary=summary[:500],
    )
    return run
