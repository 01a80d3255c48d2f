"""The published files: generated to storage, served with caching headers, listed on the open-data page."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from lightbulb.opendata import generation, tasks
from lightbulb.opendata.datasets import DATASETS, dataset_get
from lightbulb.opendata.models import PublishedFile
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_vcse_grants_file_has_every_field_the_code_asks_for(published):
    response = Client().get("/open-data/transparency/vcse-grants.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(response)
    assert [row["Reference"] for row in rows] == ["AGR-2025-0001", "AGR-2025-0002"]
    first = rows[0]
    assert first == {
        "Reference": "AGR-2025-0001",
        "Date awarded": "2025-03-14",
        "Start date": "2025-04-01",
        "End date": "2026-03-31",
        "Department": "Communities",
        "Beneficiary": "Riverside Food Bank",
        "Beneficiary registration number": "GB-CHC-1123456",
        "Purpose": "'=Running a food bank",
        "Amount": "12500.00",
    }


def test_a_grant_to_an_organisation_that_is_not_a_vcse_is_not_in_the_vcse_file(published):
    grant = published["group_grant"]
    grant.recipient_is_vcse = False
    grant.save()
    rows = _rows(Client().get("/open-data/transparency/vcse-grants.csv"))
    assert [row["Reference"] for row in rows] == ["AGR-2025-0001"]


def test_contracts_over_5000_carry_the_sme_and_vcse_flags(published):
    rows = _rows(Client().get("/open-data/transparency/contracts.csv"))
    # The £5,000 contract is not over the threshold; grants are not contracts.
    assert [row["Reference"] for row in rows] == ["CON-2025-0001"]
    row = rows[0]
    assert row["Supplier"] == "Hilltop Care Ltd"
    assert row["Supplier registration number"] == "GB-COH-01234567"
    assert row["Value"] == "250000.00"
    assert row["Invitation to quote or tender"] == "Published invitation to tender"
    assert row["Procurement route"] == "Open tender"
    assert (row["SME"], row["VCSE"]) == ("Yes", "No")


def test_files_are_served_with_caching_headers_and_answer_conditional_requests(published):
    client = Client()
    response = client.get("/open-data/360giving/grants.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"] and "max-age=900" in response["Cache-Control"]
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert len(json.loads(b"".join(response.streaming_content))["grants"]) == 2
    assert client.get("/open-data/360giving/grants.json", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/open-data/360giving/grants.json", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/open-data/360giving/grants.json", headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_file_is_served_as_generated_until_it_is_generated_again(published):
    client = Client()
    first = client.get("/open-data/360giving/grants.csv")
    published["planned"].status = "live"
    published["planned"].save()
    assert len(_rows(client.get("/open-data/360giving/grants.csv"))) == 2
    record = generation.file_generate(dataset_get("360giving/grants.csv"))
    assert record.row_count == 3
    again = client.get("/open-data/360giving/grants.csv")
    assert len(_rows(again)) == 3
    assert again["ETag"] != first["ETag"]


def test_generating_again_replaces_the_stored_copy(published):
    from django.core.files.storage import default_storage

    dataset = dataset_get("transparency/contracts.csv")
    old = generation.file_generate(dataset).stored_as
    new = generation.file_generate(dataset).stored_as
    assert old != new
    assert default_storage.exists(new)


def test_the_daily_duty_generates_every_file(published):
    tasks.generation_enqueue()
    assert set(PublishedFile.objects.values_list("name", flat=True)) == {dataset.name for dataset in DATASETS}
    assert PublishedFile.objects.get(name="360giving/grants.json").row_count == 2


def test_a_change_marks_the_files_out_of_date_once_committed(published, django_capture_on_commit_callbacks):
    generation.files_generate()
    with django_capture_on_commit_callbacks(execute=True):
        published["grant"].title = "Food bank running costs and rent"
        published["grant"].save()
    assert PublishedFile.objects.filter(stale_since__isnull=True).count() == 0
    assert "new changes are being published" in visible_text(Client().get("/open-data/").content)
    generation.files_generate()
    assert PublishedFile.objects.filter(stale_since__isnull=False).count() == 0


def test_a_change_queues_one_generation_a_minute_later_on_a_backend_that_can_wait(published, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.default_task_backend, "supports_defer", True, raising=False)
    monkeypatch.setattr(tasks, "enqueue_later", queued.append)
    tasks.generation_after_change()
    tasks.generation_after_change()
    assert len(queued) == 1
    assert 55 <= (queued[0] - timezone.now()).total_seconds() <= 60


def test_the_open_data_page_shows_licence_generated_time_rows_and_dictionary(published):
    generation.files_generate()
    text = visible_text(Client().get("/open-data/").content)
    assert "Open Government Licence v3.0" in text
    assert "Grants (360Giving JSON)" in text and "Contracts over £5,000" in text
    assert "Last generated" in text and "Rows 2" in text
    assert "Data dictionary" in text and "Beneficiary registration number" in text
    assert "Grants to organisations the council is investigating are left out" in text


def test_the_page_says_when_files_have_not_been_generated_or_the_prefix_is_missing(council):
    council.grant_prefix = ""
    council.save()
    text = visible_text(Client().get("/open-data/").content)
    assert "Not yet generated" in text
    assert "list no grants until an administrator records the council's 360Giving prefix" in text


def test_the_page_says_plainly_that_land_and_assets_is_not_published_and_links_no_such_file(council):
    html = Client().get("/open-data/").content.decode()
    text = visible_text(html)
    assert "The Code's land and assets file" in text and "land-and-assets.csv" in text
    assert "is not published here yet" in text and "its assets module has not been built" in text
    assert 'href="/open-data/transparency/land-and-assets.csv"' not in html
    assert Client().get("/open-data/transparency/land-and-assets.csv").status_code == 404


@pytest.mark.parametrize("url", ["/open-data/360giving/grants.xml", "/open-data/transparency/", "/open-data/../settings.py"])
def test_unknown_files_are_not_found(url, council):
    assert Client().get(url).status_code == 404


def test_files_refuse_anything_but_get(council):
    assert Client().post("/open-data/360giving/grants.json").status_code == 405


def test_grants_to_an_organisation_under_investigation_stay_out_until_the_concern_closes(published):
    from tests.concerns.factories import ConcernFactory

    concern = ConcernFactory(organisation=published["charity"], status="investigating")
    assert [row["Reference"] for row in _rows(Client().get("/open-data/transparency/vcse-grants.csv"))] == ["AGR-2025-0002"]
    concern.status = "closed"
    concern.save()
    record = generation.file_generate(dataset_get("transparency/vcse-grants.csv"))
    assert record.row_count == 2


def test_the_fraud_file_has_the_codes_fields_for_each_year(published):
    from lightbulb.concerns import selectors as concerns
    from tests.concerns.factories import ConcernFactory

    ConcernFactory(organisation=published["group"], status="investigating", investigated=True, triaged_on=datetime.date(2026, 11, 5))
    response = Client().get("/open-data/transparency/fraud.csv")
    body = b"".join(response.streaming_content).decode()
    header = next(csv.reader(io.StringIO(body)))
    assert header == list(concerns.counter_fraud_figures(2026).as_row())
    rows = list(csv.DictReader(io.StringIO(body)))
    this_year = next(row for row in rows if row["Financial year"] == "2026/27")
    assert this_year["Total number of fraud cases investigated"] == "1"
    assert "Riverside" not in body and "Friends of the Park" not in body


def test_every_page_links_to_the_open_data_page(council):
    html = Client().get("/accessibility").content.decode()
    assert 'href="/open-data/"' in html
