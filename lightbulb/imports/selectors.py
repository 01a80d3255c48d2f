"""Reads about import runs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from lightbulb.imports.models import ImportRun


def import_run_list(*, source: str = "") -> QuerySet[ImportRun]:
    runs = ImportRun.objects.select_related("started_by").defer("log", "rejected_rows")
    if source:
        runs = runs.filter(source=source)
    return runs


def import_run_get(pk: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)


def import_run_is_active(run: ImportRun) -> bool:
    return run.status in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}
