"""Every list downloads as CSV or XLSX through one background mechanism (lightbulb.core.exports).

The job is written by the worker with its progress counted, with the list's own selector and the
page's filters, only while the person who asked may still read the list; only they download it,
never cached; formulas are neutralised; and a daily duty clears old files.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lightbulb.core import exports
from lightbulb.core.exports import Column, export_request, export_write, exports_clear
from lightbulb.core.models import AuditEvent, ExportJob
from lightbulb.core.registry import ExportList, registry
from lightbulb.core.roles import Role
from lightbulb.core.rules import is_officer
from tests.exports import csv_text, download_list, xlsx_rows
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@dataclass
class Row:
    name: str
    amount: Any


def _rows(request: Any) -> list[Row]:
    """A list page's selector: the `q` filter from the page's query keeps matching names."""
    wanted = request.GET.get("q", "")
    people = [Row("Abbey Trust", 1250), Row("Bridge Club", 40), *(Row(text, 1) for text in FORMULAS)]
    return [row for row in people if wanted.lower() in row.name.lower()]


@pytest.fixture
def test_list(monkeypatch):
    spec = ExportList(
        title="Test rows",
        filename="test-rows",
        permission=is_officer,
        rows=_rows,
        columns=[Column("Name", lambda row: row.name), Column("Amount", lambda row: row.amount)],
        url_name="places:ward_list",
    )
    monkeypatch.setitem(registry.exports, "test_rows", spec)
    return spec


def test_a_list_is_written_in_the_background_and_downloaded_by_whoever_asked(test_list, users, client_for, django_capture_on_commit_callbacks):
    client = client_for(Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = client.post(reverse("core:export_start"), {"list_name": "test_rows", "query": "q=abbey&page=3", "format": "csv"})
    job = ExportJob.objects.get()
    assert started["Location"] == reverse("core:export_detail", kwargs={"pk": job.pk})
    assert (job.requested_by, job.status, job.query, job.format) == (users[Role.OFFICER], "queued", "q=abbey", "csv")
    waiting = visible_text(client.get(started["Location"]).content)
    assert "Waiting to start" in waiting and "Refresh to see progress" in waiting
    assert AuditEvent.objects.filter(action="export_request", object_id=str(job.pk)).exists()
    for callback in callbacks:  # the worker picks the job up
        callback()
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done) == ("done", 1, 1)
    page = visible_text(client.get(started["Location"]).content)
    assert "Ready: 1 of 1 rows (100%)." in page and "Download test rows (CSV)" in page
    response = client.get(reverse("core:export_download", kwargs={"pk": job.pk}))
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Disposition"].startswith('attachment; filename="test-rows-')
    assert csv_text(b"".join(response.streaming_content)).splitlines() == ["Name,Amount", "Abbey Trust,1250"]


def test_the_job_page_refreshes_itself_without_inline_script(test_list, client_for, django_capture_on_commit_callbacks):
    client = client_for(Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=False):
        started = client.post(reverse("core:export_start"), {"list_name": "test_rows", "query": "", "format": "xlsx"})
    html = client.get(started["Location"]).content.decode()
    job = ExportJob.objects.get()
    # With JavaScript, htmx fetches the progress every two seconds; without it the page reloads itself.
    assert f'hx-get="{reverse("core:export_progress", kwargs={"pk": job.pk})}" hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert "<progress" in html and "<script>" not in html and "style=" not in html
    assert client.get(reverse("core:export_progress", kwargs={"pk": job.pk})).status_code == 200


def test_progress_is_counted_while_the_rows_are_written(monkeypatch, users, django_capture_on_commit_callbacks):
    seen: list[int] = []

    def watched(row: int) -> int:
        if row in (5, 11):  # the progress stored while the file is still being written
            seen.append(ExportJob.objects.get().rows_done)
        return row

    monkeypatch.setattr(exports, "PROGRESS_EVERY", 4)
    spec = ExportList("Numbers", "numbers", is_officer, lambda request: list(range(12)), [Column("N", watched)], "places:ward_list")
    monkeypatch.setitem(registry.exports, "numbers", spec)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(acting_user=users[Role.OFFICER], list_name="numbers", query="", fmt="csv")
    job.refresh_from_db()
    assert seen == [4, 8]
    assert (job.rows_done, job.rows_total, job.percent_done) == (12, 12, 100)


def test_a_queryset_is_iterated_in_chunks_and_counted(users, monkeypatch, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    iterated: list[int] = []
    queryset_class = type(get_user_model().objects.all())
    original = queryset_class.iterator

    def iterator(self, chunk_size=None):
        iterated.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(queryset_class, "iterator", iterator)
    spec = ExportList(
        "People", "people", is_officer, lambda request: get_user_model().objects.order_by("pk"), [Column("E-mail", lambda u: u.email)], "places:ward_list"
    )
    monkeypatch.setitem(registry.exports, "people", spec)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(acting_user=users[Role.OFFICER], list_name="people", query="", fmt="xlsx")
    job.refresh_from_db()
    assert iterated == [exports.CHUNK_SIZE]
    assert job.rows_total == get_user_model().objects.count() == job.rows_done


def test_another_person_cannot_follow_or_download_someone_elses_file(test_list, users, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(acting_user=users[Role.OFFICER], list_name="test_rows", query="", fmt="csv")
    job.refresh_from_db()
    assert job.status == "done"
    for role in (Role.COUNCILLOR, Role.ADMIN, Role.INVESTIGATOR, Role.VCS):
        other = client_for(role)
        for name in ("core:export_detail", "core:export_progress", "core:export_download"):
            assert other.get(reverse(name, kwargs={"pk": job.pk})).status_code == 404, (role, name)
    # A second officer may read the same list, but not this officer's file.
    from django.test import Client

    from tests.conftest import sign_in
    from tests.factories import UserFactory

    client = sign_in(Client(), UserFactory(role=Role.OFFICER))
    assert client.get(reverse("core:export_download", kwargs={"pk": job.pk})).status_code == 404


def test_only_those_who_may_read_the_list_start_its_download(test_list, users, client_for):
    with pytest.raises(PermissionDenied):
        export_request(acting_user=users[Role.COUNCILLOR], list_name="test_rows", query="", fmt="csv")
    assert client_for(Role.COUNCILLOR).post(reverse("core:export_start"), {"list_name": "test_rows", "format": "csv"}).status_code == 403
    with pytest.raises(ValidationError) as unknown:
        export_request(acting_user=users[Role.OFFICER], list_name="no_such_list", query="", fmt="csv")
    assert unknown.value.message_dict == {"list_name": [exports.UNKNOWN_LIST]}
    with pytest.raises(ValidationError) as bad_format:
        export_request(acting_user=users[Role.OFFICER], list_name="test_rows", query="", fmt="pdf")
    assert bad_format.value.message_dict == {"format": [exports.CHOOSE_FORMAT]}
    with pytest.raises(ValidationError) as too_long:
        export_request(acting_user=users[Role.OFFICER], list_name="test_rows", query="q=" + "x" * 3000, fmt="csv")
    assert too_long.value.message_dict == {"query": [exports.QUERY_TOO_LONG]}
    assert not ExportJob.objects.exists()
    assert client_for(Role.OFFICER).get(reverse("core:export_start")).status_code == 405


def test_the_permission_is_asked_again_when_the_worker_writes_the_file(test_list, users, django_capture_on_commit_callbacks):
    officer = users[Role.OFFICER]
    with django_capture_on_commit_callbacks(execute=False):
        job = export_request(acting_user=officer, list_name="test_rows", query="", fmt="csv")
    officer.role = Role.COUNCILLOR  # moved to a role that may not read the list while the job waited
    officer.save()
    export_write.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error, bool(job.file)) == ("failed", exports.NO_LONGER_ALLOWED, False)


def test_a_deactivated_account_gets_no_file(test_list, users, django_capture_on_commit_callbacks):
    officer = users[Role.OFFICER]
    with django_capture_on_commit_callbacks(execute=False):
        job = export_request(acting_user=officer, list_name="test_rows", query="", fmt="csv")
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    export_write.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not job.file


def test_filters_are_honoured_and_formulas_neutralised_in_csv_and_xlsx(test_list, client_for, django_capture_on_commit_callbacks):
    client = client_for(Role.OFFICER)
    _job, content = download_list(client, django_capture_on_commit_callbacks, "test_rows", query="q=club")
    assert csv_text(content).splitlines() == ["Name,Amount", "Bridge Club,40"]
    _job, content = download_list(client, django_capture_on_commit_callbacks, "test_rows", fmt="xlsx")
    rows = xlsx_rows(content)
    assert rows[0] == ["Name", "Amount"]
    assert rows[1] == ["Abbey Trust", 1250]  # a number stays a number
    names = [row[0] for row in rows[3:]]
    assert names == ["'" + text for text in FORMULAS]
    _job, content = download_list(client, django_capture_on_commit_callbacks, "test_rows", fmt="csv")
    text = csv_text(content)
    assert '"\'=HYPERLINK(""http://evil.example"",""Click"")",1' in text
    assert "\n'+1+1,1" in text.replace("\r\n", "\n") and "\n'@SUM(A1),1" in text.replace("\r\n", "\n")


def test_a_failed_list_is_shown_as_failed(monkeypatch, users, client_for, django_capture_on_commit_callbacks):
    def broken(request: Any) -> list[Any]:
        raise RuntimeError("database went away")

    monkeypatch.setitem(registry.exports, "broken", ExportList("Broken", "broken", is_officer, broken, [], "places:ward_list"))
    with django_capture_on_commit_callbacks(execute=True):  # the task fails; the worker keeps its error
        export_request(acting_user=users[Role.OFFICER], list_name="broken", query="", fmt="csv")
    job = ExportJob.objects.get()
    assert job.status == "failed" and "RuntimeError" in job.error
    page = visible_text(client_for(Role.OFFICER).get(reverse("core:export_detail", kwargs={"pk": job.pk})).content)
    assert "The file could not be written." in page


def test_old_files_are_cleared_by_the_daily_duty(test_list, users, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old = export_request(acting_user=users[Role.OFFICER], list_name="test_rows", query="", fmt="csv")
        fresh = export_request(acting_user=users[Role.OFFICER], list_name="test_rows", query="", fmt="xlsx")
    with django_capture_on_commit_callbacks(execute=False):
        stuck = export_request(acting_user=users[Role.OFFICER], list_name="test_rows", query="", fmt="csv")
    long_ago = timezone.now() - exports.KEEP_FILES_FOR - datetime.timedelta(minutes=1)
    ExportJob.objects.filter(pk__in=[old.pk, stuck.pk]).update(created_at=long_ago)
    old.refresh_from_db()
    stored = old.file.name
    assert old.file.storage.exists(stored)
    assert "exports_clear" in registry.daily_duties
    assert exports_clear.call() == 2
    old.refresh_from_db()
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert not old.file and old.cleared_at is not None and not old.file.storage.exists(stored)
    assert stuck.status == "failed" and stuck.cleared_at is not None
    assert fresh.file and fresh.cleared_at is None
    client = client_for(Role.OFFICER)
    assert client.get(reverse("core:export_download", kwargs={"pk": old.pk})).status_code == 404
    assert "The file has been deleted." in visible_text(client.get(reverse("core:export_detail", kwargs={"pk": old.pk})).content)


def test_a_records_own_rows_stream_as_csv_and_never_as_a_workbook_in_memory():
    from lightbulb.core.exports import export_response

    response = export_response(rows=[Row("=cmd", 1)], columns=[Column("Name", lambda row: row.name)], filename="rows")
    assert csv_text(b"".join(response.streaming_content)).splitlines() == ["Name", "'=cmd"]
    with pytest.raises(ValueError, match="written in the background"):
        export_response(rows=[], columns=[], filename="rows", fmt="xlsx")
