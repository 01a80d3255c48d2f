"""Writes about import runs: creating a run, its progress and its outcome."""

from __future__ import annotations

from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record
from lightbulb.imports.models import ImportRun
from lightbulb.imports.sources import get_source


def _user_or_none(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


@transaction.atomic
def import_run_create(
    *, acting_user: Any, source: str, filename: str, upload: File[Any] | None = None, dry_run: bool = False, strict: bool = False, start: bool = True
) -> ImportRun:
    """Record a run of `source` over an uploaded file and, with `start`, queue it for the background worker."""
    if get_source(source) is None:
        raise ValueError(f"Unknown import source {source!r}")
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


def import_run_progress(*, run: ImportRun, rows_done: int, rows_total: int | None = None) -> None:
    """Record progress at once, outside any transaction, so the progress bar can show it."""
    run.rows_done = rows_done
    fields: dict[str, Any] = {"rows_done": rows_done}
    if rows_total is not None:
        run.rows_total = rows_total
        fields["rows_total"] = rows_total
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def import_run_mark_running(*, run: ImportRun) -> None:
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])


@transaction.atomic
def import_run_finish(*, run: ImportRun, succeeded: bool, summary: str) -> ImportRun:
    """Store the outcome the runner put on `run` (counts, rejected rows, notes, log)."""
    run.status = ImportRun.Status.SUCCEEDED if succeeded else ImportRun.Status.FAILED
    run.finished_at = timezone.now()
    run.full_clean(exclude=["upload"])
    run.save()
    audit_event_record(
        actor=run.started_by or f"Import: {run.source}",
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
