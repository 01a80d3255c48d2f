"""What one person may ask of the background downloads, and what a cell may hold."""

from __future__ import annotations

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lightbulb.core.exports import MAX_WAITING_PER_PERSON, TOO_MANY_WAITING, Column, xlsx_write
from lightbulb.core.models import ExportJob
from lightbulb.core.roles import Role
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def test_one_person_cannot_queue_a_hundred_downloads_at_once(client_for, users):
    """Each download is a full pass over its list on the shared worker."""
    client = client_for(Role.COUNCILLOR)
    for _ in range(100):
        response = client.post(reverse("core:export_start"), {"list_name": "agreements", "query": "", "format": "xlsx"})
    waiting = ExportJob.objects.filter(requested_by=users[Role.COUNCILLOR], status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])
    assert waiting.count() == MAX_WAITING_PER_PERSON
    assert TOO_MANY_WAITING.split(":")[0] in visible_text(client.get(response["Location"]).content)
    # Someone else is not held up by it.
    client_for(Role.OFFICER).post(reverse("core:export_start"), {"list_name": "agreements", "query": "", "format": "csv"})
    assert ExportJob.objects.filter(requested_by=users[Role.OFFICER]).count() == 1
    # Once one is written, the person may ask again.
    waiting.filter(pk=waiting.first().pk).update(status=ExportJob.Status.DONE)
    client.post(reverse("core:export_start"), {"list_name": "agreements", "query": "", "format": "xlsx"})
    assert waiting.count() == MAX_WAITING_PER_PERSON


def test_a_control_character_in_a_cell_does_not_stop_the_workbook(tmp_path):
    """A vertical tab pasted into an answer is not allowed in a workbook: it is left out of that cell alone."""
    path = tmp_path / "answers.xlsx"
    rows = [{"answer": "Rent\x0bhas gone up"}, {"answer": '=HYPERLINK("http://evil")'}]
    xlsx_write(rows, [Column("Anything\x07 else?", lambda row: row["answer"])], "Answers", path)
    sheet = load_workbook(path).active
    assert [cell.value for cell in sheet["A"]] == ["Anything else?", "Renthas gone up", '\'=HYPERLINK("http://evil")']
