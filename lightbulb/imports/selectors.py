"""Reads about import runs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from lightbulb.imports.limits import max_bytes, too_big_message
from lightbulb.imports.models import ColumnMapping, ImportRun
from lightbulb.imports.normalise import Notes, UnreadableFile
from lightbulb.imports.sources import get_source


def import_run_list(*, source: str = "") -> QuerySet[ImportRun]:
    runs = ImportRun.objects.select_related("started_by").defer("log", "rejected_rows")
    if source:
        runs = runs.filter(source=source)
    return runs


def import_run_get(pk: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)


def import_run_is_active(run: ImportRun) -> bool:
    return run.status in {ImportRun.Status.QUEUED, ImportRun.Status.RUNNING}


def remembered_mapping(source: str) -> dict[str, str]:
    found = ColumnMapping.objects.filter(source=source).first()
    return dict(found.mapping) if found else {}


def import_run_headers(run: ImportRun) -> list[str]:
    """The column headings of a run's uploaded file (raises UnreadableFile with the reason it cannot be read)."""
    source = get_source(run.source)
    if source is None or not run.upload:
        raise UnreadableFile("The uploaded file is no longer available. Upload it again.")
    if run.upload.size > max_bytes():
        raise UnreadableFile(too_big_message(run.upload.size))
    with run.upload.open("rb") as handle:
        data = handle.read()
    importer = source(acting_user=None, notes=Notes())
    try:
        table = importer.table(data)
    except UnreadableFile as problem:
        if "No sheet in the workbook" not in str(problem):
            raise
        # No sheet has headings the source recognises: offer the first sheet with any, for the person to map.
        importer.accepts = lambda headers: bool([header for header in headers if header.strip()])  # type: ignore[method-assign]
        table = importer.table(data)
    return [header.replace("\ufeff", "").strip() for header in table.headers]


def mapping_suggestion(run: ImportRun, headers: list[str]) -> dict[str, str]:
    source = get_source(run.source)
    if source is None:
        return {}
    return source(acting_user=None, notes=Notes()).suggest_mapping(headers, remembered_mapping(run.source))


def needs_mapping(source: str, filename: str) -> bool:
    """CSV and Excel files get the column-mapping step; a JSON file is read by the standard's own keys."""
    importer = get_source(source)
    return importer is not None and not (filename or "").lower().endswith(".json") and bool({"csv", "xlsx"} & set(importer.formats))
