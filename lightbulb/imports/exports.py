"""The list of import runs, shared by its page and its CSV or XLSX download (core.exports)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from lightbulb.core.exports import Column
from lightbulb.core.registry import ExportList, registry
from lightbulb.imports import selectors
from lightbulb.imports.rules import can_run_imports
from lightbulb.imports.sources import SOURCES


def _source_label(run: Any) -> str:
    importer = SOURCES.get(run.source)
    return str(importer.label) if importer is not None else str(run.source)


RUN_COLUMNS = [
    Column("Started", lambda run: run.created_at),
    Column("Source", _source_label),
    Column("File", lambda run: run.filename),
    Column("Status", lambda run: run.get_status_display()),
    Column("Dry run", lambda run: run.dry_run),
    Column("Added", lambda run: run.created),
    Column("Changed", lambda run: run.updated),
    Column("Unchanged", lambda run: run.unchanged),
    Column("Rejected", lambda run: run.rejected),
    Column("Finished", lambda run: run.finished_at),
    Column("Started by", lambda run: run.started_by.display_name if run.started_by else ""),
]


def run_rows(request: HttpRequest) -> QuerySet[Any]:
    return selectors.import_run_list().order_by("-created_at", "-pk")


def register() -> None:
    registry.exports["import_runs"] = ExportList("Imports", "imports", can_run_imports, run_rows, RUN_COLUMNS, "imports:run_list")
