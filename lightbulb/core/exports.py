"""CSV and XLSX export of any list, written in the background and safe against formula injection.

Every list page registers an `ExportList` (`registry.exports`) naming its own selector, and shows
`export_buttons(name)` (core/_lists.html). Pressing one calls `export_request`, which checks the
list's permission, records an `ExportJob` with the page's filters and sort, and hands it to the
worker; `export_write` asks the permission again (it may have changed while the job waited), runs
the list's selector with the same filters, and writes the file row by row (`.iterator()` in chunks,
openpyxl's write-only workbook: never the whole table in memory), counting rows for the progress
bar on the job's page. Only the person who asked may follow or download it, and a daily duty
clears the file after `KEEP_FILES_FOR`.

A spreadsheet treats a cell starting with = + - @ (or a tab or carriage
return) as a formula: such text cells are prefixed with an apostrophe so they
open as text (OWASP CSV injection guidance). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from lightbulb.core.access import object_for_user
from lightbulb.core.audit import audit_event_record
from lightbulb.core.models import ExportJob
from lightbulb.core.registry import ExportList, registry
from lightbulb.core.rules import allowed, can_follow_own_export, require

logger = logging.getLogger(__name__)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Any], Any]


def cell(value: Any) -> Any:
    """A value made safe for a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, decimal.Decimal)):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(rows: Iterable[Any], columns: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark so Excel reads UTF-8
    yield writer.writerow([column.heading for column in columns])
    for row in rows:
        yield writer.writerow([cell(column.value(row)) for column in columns])


def export_response(*, rows: Iterable[Any], columns: list[Column], filename: str, fmt: str = "csv") -> StreamingHttpResponse:
    """A CSV streamed straight to the browser, for rows a record already holds (an import's rejected rows).

    A list is never downloaded this way: its file is written by the worker (`export_request`), and an
    XLSX workbook is only ever written there, to a file, never built in a request's memory.
    """
    if fmt != "csv":
        raise ValueError("Only a CSV streams straight to the browser: a list's XLSX is written in the background (export_request)")
    stamp = timezone.localdate().isoformat()
    streaming = StreamingHttpResponse(_csv_rows(rows, columns), content_type="text/csv; charset=utf-8")
    streaming["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return streaming


# A finished file is kept this long for its requester to download, then cleared by a daily duty.
KEEP_FILES_FOR = datetime.timedelta(days=1)
# The progress bar moves every this many rows (one small UPDATE each time).
PROGRESS_EVERY = 500
CHUNK_SIZE = 2000
# The list page's parameters that do not choose rows.
NOT_FILTERS = ("page", "format", "list_name", "query")
QUERY_MAX = 2000
# Each download is a full pass over its list on the shared worker: one person waits for a few at most.
MAX_WAITING_PER_PERSON = 5

UNKNOWN_LIST = "This list cannot be downloaded."
CHOOSE_FORMAT = "Choose CSV or Excel (XLSX)"
QUERY_TOO_LONG = "The list's filters are too long to download: narrow them first."
NOT_ALLOWED = "You may not download this list."
TOO_MANY_WAITING = f"You already have {MAX_WAITING_PER_PERSON} downloads being written: wait for one to finish, then ask again."
NO_LONGER_ALLOWED = "You may no longer download this list, so the file was not written."


def export_query(params: QueryDict | dict[str, Any]) -> str:
    """The list page's filters and sort as a query string, without its page number."""
    items = params.lists() if isinstance(params, QueryDict) else ((key, value if isinstance(value, list) else [value]) for key, value in params.items())
    kept = [(key, values) for key, values in items if key not in NOT_FILTERS]
    return urlencode(sorted(kept), doseq=True)


def list_url(list_name: str, query: str) -> str:
    """The page a download was taken from, with its filters, for the way back (the home page for a list no longer registered)."""
    spec = registry.exports.get(list_name)
    if spec is None:
        return reverse("core:home")
    if spec.back_url is not None:
        return spec.back_url(QueryDict(query))
    return reverse(spec.url_name) + (f"?{query}" if query else "")


def list_request(user: Any, query: str) -> HttpRequest:
    """A request as the list page would see it: its query string, signed in as `user` (the worker has no request)."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query
    request.user = user
    return request


def export_request(*, acting_user: Any, list_name: str, query: str, fmt: str) -> ExportJob:
    """Queue a list's file in CSV or XLSX with the page's filters; the worker writes it and the job's page shows progress."""
    spec = registry.exports.get(list_name)
    if spec is None:
        raise ValidationError({"list_name": UNKNOWN_LIST})
    require(spec.permission, acting_user, message=NOT_ALLOWED)
    if fmt not in EXPORT_FORMATS:
        raise ValidationError({"format": CHOOSE_FORMAT})
    query = export_query(QueryDict(query or ""))
    if len(query) > QUERY_MAX:
        raise ValidationError({"query": QUERY_TOO_LONG})
    with transaction.atomic():
        # The user's row is locked so two requests at once count each other's jobs.
        get_user_model().objects.select_for_update().filter(pk=acting_user.pk).first()
        waiting = ExportJob.objects.filter(requested_by=acting_user, status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)).count()
        if waiting >= MAX_WAITING_PER_PERSON:
            raise ValidationError({"list_name": TOO_MANY_WAITING})
        job = ExportJob.objects.create(requested_by=acting_user, list_name=list_name, title=spec.title, query=query, format=fmt)
        audit_event_record(actor=acting_user, action="export_request", obj=job, summary=f"{spec.title} downloaded as {job.get_format_display()}")
        job_id = job.pk
        transaction.on_commit(lambda: export_write.enqueue(job_id))
    return job


def _columns(spec: ExportList, request: HttpRequest) -> list[Column]:
    return list(spec.columns(request) if callable(spec.columns) else spec.columns)


def _rows(spec: ExportList, request: HttpRequest) -> tuple[Iterator[Any], int | None]:
    """The list's rows as its page selects them, iterated in chunks, and how many there are."""
    rows = spec.rows(request)
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE), rows.count()
    total = len(rows) if hasattr(rows, "__len__") else None
    return iter(rows), total


class _Progress:
    def __init__(self, job_id: int, total: int | None) -> None:
        self.job_id, self.done = job_id, 0
        ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.RUNNING, rows_total=total, rows_done=0)

    def count(self, rows: Iterable[Any]) -> Iterator[Any]:
        for row in rows:
            yield row
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=self.job_id).update(rows_done=self.done)


def csv_write(rows: Iterable[Any], columns: list[Column], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write("\ufeff")  # a byte-order mark so Excel reads UTF-8
        writer = csv.writer(handle)
        writer.writerow([column.heading for column in columns])
        for row in rows:
            writer.writerow([cell(column.value(row)) for column in columns])


def _xlsx_value(value: Any) -> Any:
    value = cell(value)
    if isinstance(value, str):
        # Control characters (a vertical tab pasted into an answer) are not allowed in a workbook's XML:
        # openpyxl refuses them, which would stop the whole file. The CSV keeps them as they were.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return float(value) if isinstance(value, decimal.Decimal) else value


def xlsx_write(rows: Iterable[Any], columns: list[Column], title: str, path: Path) -> None:
    """A write-only workbook: openpyxl streams the rows to disk as they come."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    sheet.append([_xlsx_value(column.heading) for column in columns])
    for row in rows:
        sheet.append([_xlsx_value(column.value(row)) for column in columns])
    workbook.save(str(path))


def _job_fail(job_id: int, error: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.FAILED, error=error[:500], finished_at=timezone.now())


def _still_allowed(job: ExportJob, spec: ExportList | None) -> bool:
    user = job.requested_by
    return spec is not None and user.is_active and allowed(spec.permission, user)


@task()
def export_write(job_id: int) -> str:
    """Write one export's file, counting rows as it goes; the requester's permission is asked again first."""
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status != ExportJob.Status.QUEUED:  # written already (a repeated task writes nothing twice)
        return job.status
    spec = registry.exports.get(job.list_name)
    if not _still_allowed(job, spec):
        _job_fail(job_id, NO_LONGER_ALLOWED)
        return ExportJob.Status.FAILED
    assert spec is not None
    name = f"{spec.filename}-{timezone.localdate().isoformat()}.{job.format}"
    try:
        with tempfile.TemporaryDirectory(prefix="lightbulb-export-") as folder:
            path = Path(folder) / name
            request = list_request(job.requested_by, job.query)
            rows, total = _rows(spec, request)
            columns = _columns(spec, request)
            progress = _Progress(job_id, total)
            if job.format == ExportJob.Format.XLSX:
                xlsx_write(progress.count(rows), columns, spec.title, path)
            else:
                csv_write(progress.count(rows), columns, path)
            with path.open("rb") as handle:
                job.file.save(name, File(handle), save=False)
    except Exception as error:  # the page says it failed; the worker's log has the details
        logger.exception("Export %s of %s failed", job_id, job.list_name)
        _job_fail(job_id, f"The file could not be written ({type(error).__name__}).")
        raise
    ExportJob.objects.filter(pk=job_id).update(
        file=job.file.name, status=ExportJob.Status.DONE, rows_done=progress.done, rows_total=progress.done, finished_at=timezone.now()
    )
    return str(job.file.name)


@task()
def exports_clear() -> int:
    """Delete the files of exports older than `KEEP_FILES_FOR` (the rows stay as the record); returns how many were cleared."""
    now = timezone.now()
    cleared = 0
    for job in ExportJob.objects.filter(created_at__lt=now - KEEP_FILES_FOR, cleared_at__isnull=True).iterator(chunk_size=500):
        if job.file:
            job.file.delete(save=False)
        unfinished = job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
        changes: dict[str, Any] = {"file": "", "cleared_at": now}
        if unfinished:  # the worker stopped part-way: say so rather than show it running for ever
            changes.update(status=ExportJob.Status.FAILED, error="The file was not finished in time. Download the list again.")
        ExportJob.objects.filter(pk=job.pk).update(**changes)
        cleared += 1
    return cleared


def exports_clear_enqueue() -> None:
    """The daily duty: hand the clearing of old export files to the worker."""
    exports_clear.enqueue()


def export_job_for_user(pk: int, user: Any) -> ExportJob:
    """An export its requester follows and downloads; anyone else gets 404."""
    return object_for_user(ExportJob.objects.filter(pk=pk).first(), user, read=can_follow_own_export, what="download")
