"""The ward briefing pack (printable page and PDF), packs for every ward, and the page for loading ward boundaries."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lightbulb.core.access import permission_required
from lightbulb.engagement import pdf
from lightbulb.engagement.forms import BoundaryFileForm
from lightbulb.engagement.rules import can_read_packs
from lightbulb.engagement.selectors import packs as pack_selectors
from lightbulb.engagement.selectors import wards as selectors
from lightbulb.engagement.services import packs as pack_services
from lightbulb.places.rules import can_manage_places

# The imports source that reads a boundary file (lightbulb/imports/sources/boundaries.py), named here because imports sit above engagement.
BOUNDARIES_SOURCE = "ward-boundaries"


def _ward(pk: int) -> object:
    ward = selectors.ward_get(pk)
    if ward is None:
        raise Http404("No such ward")
    return ward


@permission_required(can_read_packs)
def ward_pack(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "engagement/pack_page.html", selectors.ward_pack(_ward(pk)))  # type: ignore[arg-type]


@permission_required(can_read_packs)
def ward_pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    ward = _ward(pk)
    response = HttpResponse(pdf.pack_pdf(ward), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.pack_filename(ward, timezone.localdate())}"'
    return response


@permission_required(can_read_packs)
def pack_all(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        pack_services.packs_build_all(acting_user=request.user)
        messages.success(request, "The packs are being built in the background: this page shows their progress.")
        return redirect("engagement:pack_all")
    return render(request, "engagement/pack_all.html", {"build": pack_selectors.latest_build(request.user)})


@permission_required(can_read_packs)
def pack_progress(request: HttpRequest, pk: int) -> HttpResponse:
    build = pack_selectors.build_for_user(pk, request.user)
    return render(request, "engagement/_pack_progress.html", {"build": build})


@permission_required(can_read_packs)
def pack_download(request: HttpRequest, pk: int) -> HttpResponse:
    build = pack_selectors.build_for_user(pk, request.user)
    if not build.file:
        raise Http404("The packs are not ready")
    name = str(build.file.name).rsplit("/", 1)[-1]
    return FileResponse(build.file.open("rb"), as_attachment=True, filename=name, content_type="application/zip")  # type: ignore[return-value]


@permission_required(can_manage_places)
@require_GET
def boundaries_import(request: HttpRequest) -> HttpResponse:
    """The boundary file's form, posted to the imports upload: the file runs in the background as an import of ward boundaries."""
    return render(request, "engagement/boundaries_import.html", {"form": BoundaryFileForm(), "source": BOUNDARIES_SOURCE})
