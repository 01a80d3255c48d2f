"""The public open-data page and the files it offers, served with caching headers.

Everyone may read them, signed in or not: they hold only what the council publishes.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_GET

from lightbulb.core.access import public
from lightbulb.opendata import generation, selectors
from lightbulb.opendata.datasets import dataset_get

# Browsers and caches may keep a file this long before asking again (the ETag makes asking cheap).
MAX_AGE = 15 * 60


@public
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    listings = selectors.listings()
    groups = {
        "360giving": [item for item in listings if item.dataset.group == "360giving"],
        "transparency": [item for item in listings if item.dataset.group == "transparency"],
        "ocds": [item for item in listings if item.dataset.group == "ocds"],
    }
    return render(request, "opendata/index.html", {"groups": groups, "prefix_missing": selectors.prefix_missing()})


@public  # type: ignore[type-var]  # a file streams: a FileResponse is not an HttpResponse
@require_GET
def download(request: HttpRequest, name: str) -> HttpResponseBase:
    """A published file as last generated; generated now if it never has been."""
    dataset = dataset_get(name)
    if dataset is None:
        raise Http404("No such file")
    record = selectors.published_file(name) or generation.file_generate(dataset)
    last_modified = record.generated_at.timestamp()
    response: HttpResponseBase | None = get_conditional_response(request, etag=record.etag, last_modified=int(last_modified))
    if response is None:
        response = FileResponse(selectors.stored_open(record), content_type=record.content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=name.rpartition("/")[2]) or ""
    response["ETag"] = record.etag
    response["Last-Modified"] = http_date(last_modified)
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
