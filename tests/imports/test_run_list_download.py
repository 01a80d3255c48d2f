"""The list of imports downloads like every list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.imports.models import ImportRun
from tests.exports import csv_text, download_list

pytestmark = pytest.mark.django_db


def test_the_imports_list_downloads_every_run(client_for, django_capture_on_commit_callbacks):
    ImportRun.objects.create(source="ons-postcodes", filename="=lookup.csv", status=ImportRun.Status.SUCCEEDED, created=12, updated=3, rejected=1)
    ImportRun.objects.create(source="no-longer-known", filename="old.csv", status=ImportRun.Status.FAILED)
    client = client_for("admin")
    assert 'data-export="import_runs"' in client.get(reverse("imports:run_list")).content.decode()
    _job, content = download_list(client, django_capture_on_commit_callbacks, "import_runs")
    lines = csv_text(content).splitlines()
    assert lines[0] == "Started,Source,File,Status,Dry run,Added,Changed,Unchanged,Rejected,Finished,Started by"
    assert len(lines) == 3
    assert ",ONS postcode" in lines[2] and ",'=lookup.csv," in lines[2] and ",No,12,3,0,1,," in lines[2]
    assert ",no-longer-known,old.csv," in lines[1]
    assert client_for("councillor").post(reverse("core:export_start"), {"list_name": "import_runs", "format": "csv"}).status_code == 403
