from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from lightbulb.imports.models import ImportRun
from lightbulb.places.models import Postcode
from tests.factories import WardFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

ONS_PATH = Path(__file__).parent / "fixtures" / "ons_postcodes.csv"


def _upload(client, data: bytes, name: str = "lookup.csv", **extra):
    return client.post(reverse("imports:upload"), {"source": "ons-postcodes", "file": SimpleUploadedFile(name, data, "text/csv"), **extra}, follow=True)


def test_upload_runs_in_the_background_and_shows_the_report(client_for, django_capture_on_commit_callbacks):
    client = client_for("admin")
    response = _upload(client, ONS_PATH.read_bytes())
    assert "Confirm the columns of lookup.csv" in visible_text(response.content)
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run_mapping", kwargs={"pk": run.pk}), {"postcode": "pcds", "ward_code": "wd24cd", "ward_name": "wd24nm"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert Postcode.objects.count() == 6
    response = client.get(reverse("imports:run_detail", kwargs={"pk": run.pk}))
    text = visible_text(response.content)
    assert "Finished: 6 added, 0 changed, 0 unchanged, 3 rejected." in text
    assert "8 'NOT A POSTCODE' is not a UK postcode pcds : NOT A POSTCODE" in text
    assert "Postcodes re-spaced or upper-cased: 2 values" in text
    list_text = visible_text(client.get(reverse("imports:run_list")).content)
    assert "ONS postcode to ward lookup lookup.csv Finished" in list_text


def test_a_queued_run_shows_a_progress_bar_that_polls(client_for):
    run = ImportRun.objects.create(source="ons-postcodes", filename="big.csv", status=ImportRun.Status.RUNNING, rows_total=200, rows_done=50)
    client = client_for("admin")
    html = client.get(reverse("imports:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert 'hx-trigger="every 2s"' in html and 'value="25"' in html
    assert "50 of 200 rows checked (25%)." in visible_text(html)
    assert "Refresh to see progress" in visible_text(html)
    fragment = client.get(reverse("imports:run_progress", kwargs={"pk": run.pk}), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment
    run.status = ImportRun.Status.SUCCEEDED
    run.save()
    fragment = client.get(reverse("imports:run_progress", kwargs={"pk": run.pk}), HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    assert "hx-trigger" not in fragment.content.decode()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"source": "ons-postcodes"}, "Choose a file to upload"),
        ({"source": "", "file": SimpleUploadedFile("a.csv", b"pcds\n")}, "Choose what the file contains"),
        ({"source": "<script>", "file": SimpleUploadedFile("a.csv", b"pcds\n")}, "Choose what the file contains from the list"),
        ({"source": "ons-postcodes", "file": SimpleUploadedFile("a.csv", b"")}, "The file you chose is empty"),
        ({"source": "ons-postcodes", "file": SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0")}, "The file must be a CSV file"),
    ],
)
def test_upload_bad_input(client_for, post, message):
    response = client_for("admin").post(reverse("imports:upload"), post)
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "There is a problem" in text and message in text
    assert not ImportRun.objects.exists()


def test_upload_oversized(client_for, settings):
    settings.IMPORT_MAX_BYTES = 10
    response = _upload(client_for("admin"), ONS_PATH.read_bytes())
    assert "The largest file you can import" in visible_text(response.content)
    assert not ImportRun.objects.exists()


def test_upload_page_lists_sources(client_for):
    text = visible_text(client_for("admin").get(reverse("imports:upload")).content)
    assert "ONS postcode to ward lookup" in text and "Wards (code, name and locality)" in text and "Open Government Licence" in text


def test_import_file_command(capsys):
    call_command("import_file", "ons-postcodes", str(ONS_PATH), "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run, nothing was changed." in out and "Row 8 rejected: 'NOT A POSTCODE' is not a UK postcode" in out
    assert not Postcode.objects.exists()
    call_command("import_file", "ons-postcodes", str(ONS_PATH))
    assert Postcode.objects.count() == 6
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_file", "ons-postcodes", str(ONS_PATH), "--strict")


def test_import_file_command_missing_file():
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_file", "wards", "/nonexistent/wards.csv")


def test_a_csv_upload_asks_to_confirm_its_columns_and_remembers_them(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lightbulb.imports.models import ColumnMapping, ImportRun

    officer = client_for("officer")
    data = b"Area,Code of ward,Title\r\nNorth,E05000001,Riverside\r\n"
    response = officer.post("/imports/upload", {"source": "wards", "file": SimpleUploadedFile("w.csv", data)})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{run.pk}/columns")
    assert run.status == ImportRun.Status.MAPPING
    page = officer.get(f"/imports/{run.pk}/columns")
    assert "Confirm the columns of w.csv" in visible_text(page.content)
    refused = officer.post(f"/imports/{run.pk}/columns", {"gss_code": "", "name": "Title", "locality": "Area"})
    assert "Choose the column that holds the ward code" in visible_text(refused.content)
    confirmed = officer.post(f"/imports/{run.pk}/columns", {"gss_code": "Code of ward", "name": "Title", "locality": "Area"})
    assert confirmed.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED
    assert ColumnMapping.objects.get(source="wards").mapping == {"gss_code": "Code of ward", "name": "Title", "locality": "Area"}
    officer.post("/imports/upload", {"source": "wards", "file": SimpleUploadedFile("w2.csv", data)})
    second = ImportRun.objects.exclude(pk=run.pk).get()
    form = officer.get(f"/imports/{second.pk}/columns").content.decode()
    assert '<option value="Code of ward" selected>' in form


def test_rejected_rows_download_as_csv_with_formulas_neutralised(client_for):
    from lightbulb.imports.models import ImportRun

    run = ImportRun.objects.create(
        source="wards",
        status=ImportRun.Status.SUCCEEDED,
        rejected=1,
        rejected_rows=[{"row": 3, "reason": "'=1+1' is not a ward GSS code", "data": {"wd24cd": "=1+1", "wd24nm": "@SUM(A1)"}}],
    )
    response = client_for("admin").get(f"/imports/{run.pk}/rejected.csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "\ufeffRow,Reason,wd24cd,wd24nm"
    assert body.splitlines()[1] == "3,'=1+1' is not a ward GSS code,'=1+1,'@SUM(A1)"


def test_a_workbook_with_a_notes_sheet_first_offers_the_data_sheets_headings(client_for):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from lightbulb.imports.models import ImportRun

    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["Published by the Anytown Trust"])
    grants = book.create_sheet("Grants")
    grants.append(["Identifier", "Amount Awarded", "Award Date", "Funding Org:Identifier", "Funding Org:Name"])
    grants.append(["360G-1", 100, "2020-01-01", "GB-CHC-9", "Anytown Trust"])
    out = io.BytesIO()
    book.save(out)
    officer = client_for("officer")
    officer.post("/imports/upload", {"source": "360giving", "file": SimpleUploadedFile("grants.xlsx", out.getvalue())})
    run = ImportRun.objects.get()
    page = officer.get(f"/imports/{run.pk}/columns").content.decode()
    assert "Your file has 5 columns." in visible_text(page)
    assert '<option value="Funding Org:Identifier" selected>' in page


def test_import_file_command_takes_the_columns_from_the_command_line(tmp_path, capsys):
    from lightbulb.imports.models import ColumnMapping, ImportRun

    path = tmp_path / "lookup.csv"
    path.write_text("Where,Area code,Area\nAT1 1AA,E05000001,Riverside\n")
    WardFactory(gss_code="E05000001")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_file", "ons-postcodes", str(path))
    assert "The file has no column for postcode" in capsys.readouterr().out
    call_command("import_file", "ons-postcodes", str(path), "--column", "Where=postcode", "--column", "Area code=ward_code")
    assert "The column 'Where' was read as postcode" in capsys.readouterr().out
    assert Postcode.objects.get().ward.gss_code == "E05000001"
    assert ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).get().mapping["postcode"] == "Where"
    assert ColumnMapping.objects.get(source="ons-postcodes").mapping["ward_code"] == "Area code"
    with pytest.raises(CommandError, match="ons-postcodes has no column called town"):
        call_command("import_file", "ons-postcodes", str(path), "--column", "Where=town")
    with pytest.raises(CommandError, match="Choose a column from the file for the postcode"):
        call_command("import_file", "ons-postcodes", str(path), "--column", "Missing=postcode")
    with pytest.raises(CommandError, match="should read HEADING=FIELD"):
        call_command("import_file", "ons-postcodes", str(path), "--column", "postcode")
