"""Downloading a list as a person does: press the list's button, let the worker write the file, download it."""

from __future__ import annotations

import io
from typing import Any

from django.urls import resolve, reverse

from lightbulb.core.models import ExportJob


def download_list(client: Any, capture: Any, list_name: str, query: str = "", fmt: str = "csv") -> tuple[ExportJob, bytes]:
    """The finished job and its file's bytes; `capture` is pytest-django's `django_capture_on_commit_callbacks`
    (the tests' task backend runs the job at once when the request's transaction commits)."""
    with capture(execute=True):
        started = client.post(reverse("core:export_start"), {"list_name": list_name, "query": query, "format": fmt})
    assert started.status_code == 302, started.content[:500]
    job = ExportJob.objects.get(pk=resolve(started["Location"]).kwargs["pk"])
    assert job.status == ExportJob.Status.DONE, job.error
    response = client.get(reverse("core:export_download", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    return job, b"".join(response.streaming_content)


def csv_text(content: bytes) -> str:
    return content.decode("utf-8-sig")


def xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
