"""Running an import: read, check every row, then apply the valid rows in one transaction.

Checking happens outside the transaction so the progress bar can move; the
writes happen inside one, so an unreadable file, a crash or a strict refusal
leaves nothing half-written. A dry run applies the rows and rolls them back,
so its counts are exactly what a real run would do.
"""

from __future__ import annotations

import io
import logging
import traceback
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lightbulb.core.rules import SystemActor, allowed
from lightbulb.imports import services
from lightbulb.imports.base import ApplyResult, Importer
from lightbulb.imports.limits import max_stream_bytes
from lightbulb.imports.models import ImportRun
from lightbulb.imports.normalise import Notes, UnreadableFile
from lightbulb.imports.rules import can_run_imports
from lightbulb.imports.services import max_bytes, too_big_message
from lightbulb.imports.sources import get_source

__all__ = ["import_run_execute", "max_bytes", "too_big_message"]

logger = logging.getLogger(__name__)

# Rejected rows kept for the report; the count is always complete.
REJECTED_ROWS_KEPT = 1000
CHANGES_KEPT = 1000
PROGRESS_EVERY = 1000


class _DryRunRollback(Exception):
    """Raised inside the transaction of a dry run so that nothing it did is kept."""


class _Refused(Exception):
    """The file is refused as a whole; the message says why."""


def _read_upload(run: ImportRun) -> bytes:
    if not run.upload:
        raise _Refused("The uploaded file is no longer available. Upload it again.")
    if run.upload.size > max_bytes():
        raise _Refused(too_big_message(run.upload.size))
    with run.upload.open("rb") as handle:
        data: bytes = handle.read()
    return data


def _raw_values(headers: list[str], raw: list[str]) -> dict[str, str]:
    """The rejected row as the file had it, trimmed so one bad file cannot fill the database."""
    values: dict[str, str] = {}
    for index, value in enumerate(raw[:30]):
        heading = headers[index].replace("\ufeff", "").strip()[:60] if index < len(headers) else f"Column {index + 1}"
        values[heading or f"Column {index + 1}"] = value[:200]
    return values


def _check_rows(importer: Importer, run: ImportRun, data: bytes) -> list[dict[str, Any]]:
    headers, rows, total = importer.read(data)
    services.import_run_progress(acting_user=importer.acting_user, run=run, rows_done=0, rows_total=total)
    importer.prepare()
    valid: list[dict[str, Any]] = []
    done = 0
    for line, values, raw in rows:
        done += 1
        try:
            valid.append(importer.parse_row(values))
        except ValidationError as error:
            run.rejected += 1
            if len(run.rejected_rows) < REJECTED_ROWS_KEPT:
                run.rejected_rows.append({"row": line, "reason": "; ".join(error.messages), "data": _raw_values(headers, raw)})
        if done % PROGRESS_EVERY == 0:
            services.import_run_progress(acting_user=importer.acting_user, run=run, rows_done=done)
    services.import_run_progress(acting_user=importer.acting_user, run=run, rows_done=done, rows_total=done)
    if done == 0:
        raise _Refused("The file has column headings but no rows of data.")
    return valid


def _apply(importer: Importer, run: ImportRun, valid: list[dict[str, Any]]) -> ApplyResult:
    result = ApplyResult()
    try:
        with transaction.atomic():
            result = importer.apply(valid, run)
            if run.dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return result


def _summary(run: ImportRun) -> str:
    if run.dry_run:
        counts = f"{run.created:,} would be added, {run.updated:,} would be changed, {run.unchanged:,} unchanged, {run.rejected:,} rejected"
        return f"Dry run, nothing was changed. A real run would make these changes: {counts}."
    counts = f"{run.created:,} added, {run.updated:,} changed, {run.unchanged:,} unchanged, {run.rejected:,} rejected"
    return f"Finished: {counts}."


def _open(run: ImportRun, data: bytes | None, path: Path | None) -> IO[bytes]:
    """The file to stream: the bytes given, a path on the server, or the run's upload; refused over the size limit before it is read."""
    if data is not None:
        size = len(data)
    elif path is not None:
        size = path.stat().st_size
    elif run.upload:
        size = run.upload.size
    else:
        raise _Refused("The uploaded file is no longer available. Upload it again.")
    if size > max_stream_bytes():
        raise _Refused(too_big_message(size, max_stream_bytes()))
    if data is not None:
        return io.BytesIO(data)
    if path is not None:
        return path.open("rb")
    return run.upload.open("rb")


def _position(handle: IO[bytes]) -> Any:
    """The share of the file read so far, for the progress bar."""
    try:
        size = handle.seek(0, io.SEEK_END)
        handle.seek(0)
    except (OSError, ValueError):
        return lambda: 0.0
    return lambda: min(1.0, handle.tell() / size) if size else 0.0


def _execute_streaming(run: ImportRun, data: bytes | None, path: Path | None, importer: Importer) -> None:
    """A source too big to hold in memory: staged row by row, then applied, in one transaction.

    The progress bar is written on a connection of its own, so it moves while the file is read; a
    refusal (an unreadable file, strict mode), a dry run, a crash or a killed worker rolls it all back.
    """
    handle = _open(run, data, path)
    progress = services.LiveProgress(acting_user=importer.acting_user, run=run)
    result = ApplyResult()
    try:
        with transaction.atomic():
            staged = importer.stage(handle, run, progress, _position(handle))
            run.rejected, run.rejected_rows = staged.rejected, staged.rejected_rows
            progress(staged.rows, 1.0)
            if staged.rows == 0:
                raise _Refused("The file holds no rows of data.")
            if run.strict and run.rejected:
                raise _Refused(
                    f"Strict mode: {run.rejected:,} row{'' if run.rejected == 1 else 's'} could not be used, so the whole file was refused. Nothing was changed."
                )
            result = importer.apply_staged(run)
            if run.dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    finally:
        progress.close()
        handle.close()
        importer.cleanup()
    run.created, run.updated, run.unchanged = result.created, result.updated, result.unchanged
    run.changes = result.changes[:CHANGES_KEPT]


def _execute(run: ImportRun, data: bytes | None, importer: Importer, path: Path | None = None) -> None:
    if importer.streaming:
        _execute_streaming(run, data, path, importer)
        return
    if data is None and path is not None:
        data = path.read_bytes() if path.stat().st_size <= max_bytes() else b""
        if not data:
            raise _Refused(too_big_message(path.stat().st_size))
    if data is None:
        data = _read_upload(run)
    elif len(data) > max_bytes():
        raise _Refused(too_big_message(len(data)))
    valid = _check_rows(importer, run, data)
    if run.strict and run.rejected:
        raise _Refused(
            f"Strict mode: {run.rejected:,} row{'' if run.rejected == 1 else 's'} could not be used, so the whole file was refused. Nothing was changed."
        )
    result = _apply(importer, run, valid)
    run.created, run.updated, run.unchanged = result.created, result.updated, result.unchanged
    run.changes = result.changes[:CHANGES_KEPT]


def _refuse_run(run: ImportRun) -> ImportRun:
    """The administrator who queued the run may no longer run imports (their role changed, or the account was closed)."""
    summary = "The person who started this import may no longer run imports. Nothing was changed."
    run.log = summary
    return services.import_run_finish(acting_user=SystemActor(label="Import runner"), run=run, succeeded=False, summary=summary)


def import_run_execute(
    *, run_id: int | None = None, run: ImportRun | None = None, data: bytes | None = None, path: Path | None = None, acting_user: Any = None
) -> ImportRun:
    """Run an import from start to finish, recording everything on its ImportRun.

    The run acts as `acting_user` (the command line passes a `SystemActor`), else
    as the administrator who started it, else as the service itself.
    """
    if run is None:
        assert run_id is not None
        run = ImportRun.objects.get(pk=run_id)
    actor = acting_user or run.started_by or SystemActor(label=f"Import: {run.source}")
    if not allowed(can_run_imports, actor):
        return _refuse_run(run)
    source = get_source(run.source)
    notes = Notes()
    log: list[str] = []
    succeeded = False
    summary = ""
    services.import_run_mark_running(acting_user=actor, run=run)
    try:
        if source is None:
            raise _Refused(f"There is no import source called {run.source!r}.")
        _execute(run, data, source(acting_user=actor, notes=notes, mapping=run.mapping or None), path)
        succeeded = True
        summary = _summary(run)
    except (_Refused, UnreadableFile) as refusal:
        summary = f"{refusal} Nothing was changed."
        run.created = run.updated = run.unchanged = 0
        run.changes = []
    except Exception as exc:  # any failure is recorded on the run; the transaction has rolled back
        logger.exception("Import run %s failed", run.pk)
        summary = "The import stopped because of an unexpected error. Nothing was changed."
        log.append(f"{exc.__class__.__name__}: {exc}")
        log.append("".join(traceback.format_exception(exc, limit=-3)))
        run.created = run.updated = run.unchanged = 0
        run.changes = []
    log.insert(0, summary)
    run.notes = notes.as_list()
    run.log = "\n".join(log)[:100_000]
    return services.import_run_finish(acting_user=actor, run=run, succeeded=succeeded, summary=summary)
