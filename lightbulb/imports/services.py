"""Writes about import runs: creating a run, its progress and its outcome.

A run is started by an administrator (the upload page) or from the command
line as a `SystemActor`; the runner then acts as whoever started it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record
from lightbulb.core.checks import FieldChecks
from lightbulb.core.rules import require
from lightbulb.imports.limits import DEFAULT_MAX_BYTES, max_bytes, max_bytes_for, too_big_message
from lightbulb.imports.models import ColumnMapping, ImportRun
from lightbulb.imports.normalise import Notes
from lightbulb.imports.rules import can_run_imports
from lightbulb.imports.sources import get_source

__all__ = ["DEFAULT_MAX_BYTES", "max_bytes", "too_big_message"]

IMPORTS_MESSAGE = "Only administrators and council officers run imports."
# Files no source reads (older Excel, OpenDocument, archives, PDFs): the upload form refuses them, and so does a run.
NOT_CSV_ENDINGS = (".xls", ".ods", ".zip", ".pdf", ".docx", ".doc")
NOT_CSV_MESSAGE = (
    "The file must be a CSV file, an Excel workbook (.xlsx) or, for the registers that publish it, JSON. "
    "Save it from your spreadsheet as CSV or .xlsx and upload it again."
)


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
    elif upload.size > max_bytes_for(source):
        checks.add("file", too_big_message(upload.size, max_bytes_for(source)))
    if not checks.failed("file") and (filename or "").lower().endswith(NOT_CSV_ENDINGS):
        checks.add("file", NOT_CSV_MESSAGE)
    checks.raise_if_any()


def _user_or_none(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


@transaction.atomic
def import_run_create(
    *,
    acting_user: Any,
    source: str,
    filename: str,
    upload: File[Any] | None = None,
    dry_run: bool = False,
    strict: bool = False,
    start: bool = True,
    map_columns: bool = False,
    mapping: dict[str, str] | None = None,
    headers: list[str] | None = None,
) -> ImportRun:
    """Record a run of `source` over an uploaded file and, with `start`, queue it for the background worker.

    With `map_columns` the run waits for a person to confirm which column holds what (`import_run_map`).
    A `mapping` given at once (the command line's --column) is checked against the file's `headers` as
    the column-mapping page checks it, and remembered for the source's next file the same way.
    """
    require(can_run_imports, acting_user, message=IMPORTS_MESSAGE)
    _check_file(source=source, filename=filename, upload=upload, start=start)
    run = ImportRun(source=source, filename=filename[:300], started_by=_user_or_none(acting_user), dry_run=dry_run, strict=strict)
    if mapping:
        _given_mapping(acting_user, run, headers or [], mapping)
    if map_columns:
        run.status = ImportRun.Status.MAPPING
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
    if start and not map_columns:
        _enqueue(run)
    return run


def _given_mapping(acting_user: Any, run: ImportRun, headers: list[str], mapping: dict[str, str]) -> None:
    """ColumnMappingForm's rules for a mapping given with the file; the columns it does not name are found by their headings."""
    source = get_source(run.source)
    unknown = sorted(set(mapping) - set(source.columns)) if source else []
    if unknown:
        fields = ", ".join(sorted(source.columns)) if source else ""
        raise ValidationError({"mapping": f"{run.source} has no column called {', '.join(unknown)}; its columns are {fields}"})
    given = {key: heading.strip() for key, heading in mapping.items()}
    suggested = source(acting_user=acting_user, notes=Notes()).suggest_mapping(headers) if source else {}
    chosen = {**{key: heading for key, heading in suggested.items() if heading not in given.values()}, **given}
    errors = _mapping_errors(run, headers, chosen)
    if errors:
        raise ValidationError(errors)
    run.headers, run.mapping = [header[:200] for header in headers[:200]], chosen
    ColumnMapping.objects.update_or_create(source=run.source, defaults={"mapping": chosen, "updated_by": _user_or_none(acting_user)})


def _enqueue(run: ImportRun) -> None:
    from lightbulb.imports.tasks import import_run_task

    run_id = run.pk
    transaction.on_commit(lambda: import_run_task.enqueue(run_id))


def _mapping_errors(run: ImportRun, headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """ColumnMappingForm's rules: each required column chosen, from the file's headings, each heading once."""
    source = get_source(run.source)
    if source is None:
        return {"__all__": "There is no import source called " + repr(run.source)}
    errors: dict[str, str] = {}
    used: dict[str, str] = {}
    for key, column in source.columns.items():
        heading = (mapping.get(key) or "").strip()
        if not heading:
            if column.required:
                errors[key] = f"Choose the column that holds the {column.label.lower()}"
            continue
        if heading not in headers:
            errors[key] = f"Choose a column from the file for the {column.label.lower()}"
        elif heading in used:
            errors[key] = f"The column '{heading[:60]}' is already chosen for the {source.columns[used[heading]].label.lower()}"
        else:
            used[heading] = key
    return errors


@transaction.atomic
def import_run_map(*, acting_user: Any, run: ImportRun, headers: list[str], mapping: dict[str, str]) -> ImportRun:
    """Confirm which column of the file holds what, remember it for the source's next file, and queue the run."""
    require(can_run_imports, acting_user, run, message=IMPORTS_MESSAGE)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.MAPPING:
        raise ValidationError({"__all__": "This import's columns have already been confirmed."})
    errors = _mapping_errors(run, headers, mapping)
    if errors:
        raise ValidationError(errors)
    chosen = {key: heading.strip() for key, heading in mapping.items() if (heading or "").strip()}
    run.headers, run.mapping, run.status = [header[:200] for header in headers[:200]], chosen, ImportRun.Status.QUEUED
    run.save(update_fields=["headers", "mapping", "status"])
    ColumnMapping.objects.update_or_create(source=run.source, defaults={"mapping": chosen, "updated_by": _user_or_none(acting_user)})
    audit_event_record(
        actor=acting_user, action="import_run_map", obj=run, changes={"mapping": [None, chosen]}, summary=f"Columns of {run.filename[:100]} confirmed"
    )
    _enqueue(run)
    return run


def import_run_progress(*, acting_user: Any, run: ImportRun, rows_done: int, rows_total: int | None = None) -> None:
    """Record progress at once, outside any transaction, so the progress bar can show it."""
    require(can_run_imports, acting_user, run, message=IMPORTS_MESSAGE)
    run.rows_done, run.heartbeat_at = rows_done, timezone.now()
    fields: dict[str, Any] = {"rows_done": rows_done, "heartbeat_at": run.heartbeat_at}
    if rows_total is not None:
        run.rows_total = rows_total
        fields["rows_total"] = rows_total
    ImportRun.objects.filter(pk=run.pk).update(**fields)


class LiveProgress:
    """Progress written on a database connection of its own, so the bar moves while the import's own
    connection is busy (streaming a file into `COPY`) or inside its transaction.

    Each call is a progress report: `progress(rows read, share of the file read)`; the rows the whole
    file holds are estimated from the share. On SQLite (one writer at a time) it writes on the
    import's own connection instead.
    """

    def __init__(self, *, acting_user: Any, run: ImportRun) -> None:
        require(can_run_imports, acting_user, run, message=IMPORTS_MESSAGE)
        self.run = run
        self.side: Any = None

    def __call__(self, rows_done: int, share: float) -> None:
        total = max(rows_done, round(rows_done / share)) if share > 0 else 0
        self.run.rows_done, self.run.rows_total = rows_done, total
        values: list[Any] = [rows_done, total, timezone.now(), self.run.pk]
        sql = f"UPDATE {ImportRun._meta.db_table} SET rows_done = %s, rows_total = %s, heartbeat_at = %s WHERE id = %s"  # noqa: S608 -- the model's own table
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(sql, values)
            return
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.side.cursor() as cursor:
            cursor.execute(sql, values)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


# Session-level advisory lock a run holds on PostgreSQL while its process lives (the first key is the imports app's).
RUN_LOCK_KEY = 7_160_901
# Elsewhere a run silent this long (no progress, no heartbeat) is taken to have lost its worker.
ABANDONED_AFTER_MINUTES = 30
# The runs this process holds the lock of.
_held: set[int] = set()
ABANDONED_SUMMARY = "The import stopped before it finished (its worker was stopped or restarted). Nothing was changed: run it again."


def import_run_mark_running(*, acting_user: Any, run: ImportRun) -> None:
    """The run has a worker: on PostgreSQL it holds the run's lock until it finishes or its process dies."""
    require(can_run_imports, acting_user, run, message=IMPORTS_MESSAGE)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_KEY, run.pk])
        _held.add(run.pk)
    run.status = ImportRun.Status.RUNNING
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "heartbeat_at"])


def _release(run: ImportRun) -> None:
    if run.pk in _held:
        _held.discard(run.pk)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_KEY, run.pk])


def _abandoned(run: ImportRun) -> bool:
    """Whether the run's worker is gone: on PostgreSQL nobody holds its lock; elsewhere it has been silent too long."""
    if run.pk in _held:
        return False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_KEY, run.pk])
            free = bool(cursor.fetchone()[0])
            if free:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_KEY, run.pk])
        return free
    silent_since = run.heartbeat_at or run.created_at
    return silent_since < timezone.now() - datetime.timedelta(minutes=ABANDONED_AFTER_MINUTES)


def import_runs_sweep(*, acting_user: Any) -> int:
    """Runs left 'running' by a worker that was killed or restarted are marked failed (their transaction
    rolled back with the process, so nothing they did is kept). Returns how many were marked."""
    require(can_run_imports, acting_user, message=IMPORTS_MESSAGE)
    marked = 0
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING).order_by("pk"):
        if not _abandoned(run):
            continue
        run.created = run.updated = run.unchanged = 0
        run.changes, run.log = [], ABANDONED_SUMMARY
        import_run_finish(acting_user=acting_user, run=run, succeeded=False, summary=ABANDONED_SUMMARY)
        marked += 1
    return marked


@transaction.atomic
def import_run_finish(*, acting_user: Any, run: ImportRun, succeeded: bool, summary: str) -> ImportRun:
    """Store the outcome the runner put on `run` (counts, rejected rows, notes, log)."""
    require(can_run_imports, acting_user, run, message=IMPORTS_MESSAGE)
    run.status = ImportRun.Status.SUCCEEDED if succeeded else ImportRun.Status.FAILED
    run.finished_at = timezone.now()
    run.full_clean(exclude=["upload"])
    run.save()
    transaction.on_commit(lambda: _release(run))
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
