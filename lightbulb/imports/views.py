"""Imports: the list of runs, uploading a file, confirming its columns, and a run's progress and report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lightbulb.core.access import permission_required
from lightbulb.core.exports import Column, export_response
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.imports import exports, selectors, services
from lightbulb.imports.forms import ColumnMappingForm, UploadForm
from lightbulb.imports.normalise import UnreadableFile
from lightbulb.imports.rules import can_run_imports
from lightbulb.imports.sources import SOURCES, get_source


@permission_required(can_run_imports)
def run_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, exports.run_rows(request))
    labels = {name: importer.label for name, importer in SOURCES.items()}
    return render(request, "imports/run_list.html", {"page": page, "pagination": pagination_params(request, page), "labels": labels})


@permission_required(can_run_imports)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, initial={"source": request.GET.get("source", "")})
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        filename = upload_file.name or "upload.csv"
        map_columns = selectors.needs_mapping(form.cleaned_data["source"], filename)
        run = services.import_run_create(
            acting_user=request.user,
            source=form.cleaned_data["source"],
            filename=filename,
            upload=upload_file,
            dry_run=form.cleaned_data["dry_run"],
            strict=form.cleaned_data["strict"],
            map_columns=map_columns,
        )
        if map_columns:
            return redirect("imports:run_mapping", pk=run.pk)
        messages.success(request, "Your file has been uploaded. The import runs in the background: this page shows its progress.")
        return redirect("imports:run_detail", pk=run.pk)
    sources = [{"label": importer.label, "description": importer.description, "licence": importer.licence} for importer in SOURCES.values()]
    return render(request, "imports/upload.html", {"form": form, "sources": sources})


def _run_context(run_pk: int) -> dict[str, object]:
    run = selectors.import_run_get(run_pk)
    source = get_source(run.source)
    summary = run.log.split("\n", 1)[0] if run.log else ""
    return {"run": run, "active": selectors.import_run_is_active(run), "source_label": source.label if source else run.source, "summary": summary}


@permission_required(can_run_imports)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "imports/run_detail.html", _run_context(pk))


@permission_required(can_run_imports)
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, polled by htmx while the run is going."""
    context = _run_context(pk)
    response = render(request, "imports/_progress.html", context)
    if not context["active"] and request.headers.get("HX-Request"):
        # Reload the whole page once so the report appears.
        response["HX-Refresh"] = "true"
    return response


@permission_required(can_run_imports)
def run_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm which column of the file holds what: suggested from the headings, or as last confirmed for this source."""
    run = selectors.import_run_get(pk)
    source = get_source(run.source)
    if run.status != run.Status.MAPPING or source is None:
        return redirect("imports:run_detail", pk=run.pk)
    try:
        headers = selectors.import_run_headers(run)
    except UnreadableFile as problem:
        return render(request, "imports/mapping.html", {"run": run, "problem": str(problem), "source_label": source.label}, status=400)
    form = ColumnMappingForm(request.POST or None, columns=source.columns, headers=headers, initial=selectors.mapping_suggestion(run, headers))
    if request.method == "POST" and form.is_valid():
        try:
            services.import_run_map(acting_user=request.user, run=run, headers=headers, mapping=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The columns are confirmed. The import runs in the background: this page shows its progress.")
            return redirect("imports:run_detail", pk=run.pk)
    return render(request, "imports/mapping.html", {"run": run, "form": form, "headers": headers, "source_label": source.label})


def _rejected_value(heading: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get("data", {}).get(heading, "")


@permission_required(can_run_imports)
def run_rejected_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected rows with their row numbers and reasons, as CSV; formulas in the file open as text."""
    run = selectors.import_run_get(pk)
    headings: list[str] = []
    for row in run.rejected_rows:
        for heading in row.get("data", {}):
            if heading not in headings:
                headings.append(heading)
    columns = [Column("Row", lambda row: row.get("row")), Column("Reason", lambda row: row.get("reason"))]
    columns += [Column(heading, _rejected_value(heading)) for heading in headings]
    response = export_response(rows=run.rejected_rows, columns=columns, filename=f"import-{run.pk}-rejected-rows", fmt="csv")
    return response  # type: ignore[return-value]
