"""Imports: the list of runs, uploading a file, and a run's progress and report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lightbulb.core.access import permission_required
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.imports import selectors, services
from lightbulb.imports.forms import UploadForm
from lightbulb.imports.rules import can_run_imports
from lightbulb.imports.sources import SOURCES, get_source


@permission_required(can_run_imports)
def run_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.import_run_list())
    labels = {name: importer.label for name, importer in SOURCES.items()}
    return render(request, "imports/run_list.html", {"page": page, "pagination": pagination_params(request, page), "labels": labels})


@permission_required(can_run_imports)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, initial={"source": request.GET.get("source", "")})
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        run = services.import_run_create(
            acting_user=request.user,
            source=form.cleaned_data["source"],
            filename=upload_file.name or "upload.csv",
            upload=upload_file,
            dry_run=form.cleaned_data["dry_run"],
            strict=form.cleaned_data["strict"],
        )
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
