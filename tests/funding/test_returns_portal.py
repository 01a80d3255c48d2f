"""A member submits a monitoring return in the portal; everyone else is kept out; bad files are refused."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lightbulb.core.models import AuditEvent
from lightbulb.funding.models import ReturnAttachment, ReturnFigure
from lightbulb.funding.services.returns import return_accept, return_query, returns_schedule
from tests.conftest import sign_in
from tests.funding.factories_returns import CSV_BYTES, PDF_BYTES, PNG_BYTES, live_agreement
from tests.helpers import visible_text


@pytest.fixture
def due_return(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    return returns_schedule(agreement=agreement, acting_user=users["officer"])[0]


def _conditions(monitoring_return):
    return list(monitoring_return.agreement.conditions.filter(target__isnull=False).order_by("kind", "id"))


def _data(monitoring_return, **extra):
    data = {f"figure_{c.pk}": "150" for c in _conditions(monitoring_return)}
    data["narrative"] = "We served hot meals every Tuesday and Thursday."
    data.update(extra)
    return data


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _post(client, monitoring_return, files=None, **extra):
    data = _data(monitoring_return, **extra)
    if files is not None:
        data["attachments"] = files
    return client.post(f"/funding/portal/returns/{monitoring_return.pk}/", data)


@pytest.mark.django_db
def test_member_sees_their_agreements_and_due_returns(client_for, due_return):
    text = visible_text(client_for("vcs").get("/funding/portal/").content)
    assert "Riverside café grant" in text
    assert "1 April 2025 to 30 June 2025" in text
    assert "Due" in text
    home = visible_text(client_for("vcs").get("/").content)
    assert "Returns due" in home
    assert "Riverside Food Bank: return for 1 April 2025 to 30 June 2025" in home


@pytest.mark.django_db
def test_member_submits_figures_narrative_and_files(client_for, users, due_return):
    client = client_for("vcs")
    page = visible_text(client.get(f"/funding/portal/returns/{due_return.pk}/").content)
    assert "People given a hot meal (Key performance indicator)" in page
    assert "Target: 300 people" in page
    assert "Public liability" not in page
    files = [SimpleUploadedFile("report.pdf", PDF_BYTES, "application/pdf"), SimpleUploadedFile("photo.png", PNG_BYTES, "image/png")]
    files.append(SimpleUploadedFile("figures.csv", CSV_BYTES, "text/csv"))
    files.append(SimpleUploadedFile("Report.DOCX", _docx_bytes(), "application/octet-stream"))
    response = _post(client, due_return, files=files)
    assert response.status_code == 302
    due_return.refresh_from_db()
    assert due_return.status == "submitted"
    assert due_return.submitted_by == users["vcs"]
    assert sorted(ReturnFigure.objects.filter(monitoring_return=due_return).values_list("value", flat=True)) == [150, 150]
    attachments = {a.original_name: a.content_type for a in ReturnAttachment.objects.filter(monitoring_return=due_return)}
    assert attachments["report.pdf"] == "application/pdf"
    assert attachments["Report.DOCX"].endswith("wordprocessingml.document")
    assert AuditEvent.objects.filter(action="return_submit", organisation_id=due_return.agreement.organisation_id).exists()
    after = visible_text(client.get(f"/funding/portal/returns/{due_return.pk}/").content)
    assert "Return submitted. A council officer will review it." in after
    assert "report.pdf" in after
    download = client.get(f"/funding/portal/returns/{due_return.pk}/files/{ReturnAttachment.objects.get(original_name='report.pdf').pk}")
    assert download.status_code == 200
    assert download.content == PDF_BYTES
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.django_db
def test_a_member_of_another_organisation_gets_404(client_for, users, due_return, other_organisation):
    outsider = type(users["vcs"]).objects.get(email="outsider@example.org")
    client = sign_in(Client(), outsider)
    assert client.get(f"/funding/portal/returns/{due_return.pk}/").status_code == 404
    assert client.post(f"/funding/portal/returns/{due_return.pk}/", _data(due_return)).status_code == 404
    assert "Riverside" not in visible_text(client.get("/funding/portal/").content)
    due_return.refresh_from_db()
    assert due_return.status == "due"


@pytest.mark.django_db
def test_submitting_twice_is_refused(client_for, due_return):
    client = client_for("vcs")
    assert _post(client, due_return).status_code == 302
    response = _post(client, due_return, narrative="A second go")
    assert response.status_code == 302
    followed = visible_text(client.get(response["Location"]).content)
    assert "already submitted: it cannot be submitted again" in followed
    due_return.refresh_from_db()
    assert due_return.narrative == "We served hot meals every Tuesday and Thursday."


@pytest.mark.django_db
def test_submitting_after_acceptance_is_refused(client_for, users, due_return):
    client = client_for("vcs")
    _post(client, due_return)
    return_accept(monitoring_return=due_return, acting_user=users["officer"])
    page = visible_text(client.get(f"/funding/portal/returns/{due_return.pk}/").content)
    assert "Submit the return" not in page
    assert "This return has been accepted" in page
    _post(client, due_return, narrative="Changed")
    due_return.refresh_from_db()
    assert due_return.status == "accepted"


@pytest.mark.django_db
def test_a_queried_return_can_be_resubmitted(client_for, users, due_return):
    client = client_for("vcs")
    _post(client, due_return)
    return_query(monitoring_return=due_return, acting_user=users["officer"], note="Please split the meals by ward.")
    page = visible_text(client.get(f"/funding/portal/returns/{due_return.pk}/").content)
    assert "Please split the meals by ward." in page
    assert _post(client, due_return, narrative="Split by ward now.").status_code == 302
    due_return.refresh_from_db()
    assert due_return.status == "submitted"
    assert due_return.narrative == "Split by ward now."
    assert ReturnFigure.objects.filter(monitoring_return=due_return).count() == 2


def _error_for(client, due_return, files=None, **extra):
    response = _post(client, due_return, files=files, **extra)
    assert response.status_code == 200, "a refused submission shows the form again"
    due_return.refresh_from_db()
    assert due_return.status == "due"
    assert not ReturnAttachment.objects.exists()
    assert not ReturnFigure.objects.exists()
    return visible_text(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 this is really a program", "report.pdf is not a real PDF file"),
        ("notes.pdf", b"Just some words, not a PDF", "notes.pdf is not a real PDF file"),
        ("photo.png", PDF_BYTES, "photo.png is not a real PNG file"),
        ("report.docx", PDF_BYTES, "report.docx is not a real DOCX file"),
        ("sheet.xlsx", b"PK\x03\x04not really a zip", "sheet.xlsx is not a real XLSX file"),
        ("data.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "data.csv is not a real CSV file"),
        ("run.exe", b"MZ\x90\x00", "run.exe must be a PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG file"),
        ("page.html", b"<script>alert(1)</script>", "page.html must be a PDF"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_bad_attachments_are_refused_with_a_clear_message(client_for, due_return, name, content, message):
    text = _error_for(client_for("vcs"), due_return, files=[SimpleUploadedFile(name, content)])
    assert "There is a problem" in text
    assert message in text


@pytest.mark.django_db
def test_a_file_over_10_mb_is_refused(client_for, due_return):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    assert "big.pdf must be smaller than 10 MB" in _error_for(client_for("vcs"), due_return, files=[big])


@pytest.mark.django_db
def test_more_than_five_files_are_refused(client_for, due_return):
    files = [SimpleUploadedFile(f"report{n}.pdf", PDF_BYTES) for n in range(6)]
    assert "Attach 5 files or fewer" in _error_for(client_for("vcs"), due_return, files=files)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter a figure for People given a hot meal"),
        ("lots", "Enter a number for People given a hot meal"),
        ("-5", "The figure must be 0 or more"),
        ("1" * 20, "12 digits or fewer"),
    ],
)
def test_bad_figures_are_refused(client_for, due_return, value, message):
    kpi = _conditions(due_return)[0]
    text = _error_for(client_for("vcs"), due_return, **{f"figure_{kpi.pk}": value})
    assert message in text


@pytest.mark.django_db
def test_missing_and_oversized_narrative(client_for, due_return):
    client = client_for("vcs")
    assert "Describe what the funding achieved in this period" in _error_for(client, due_return, narrative="")
    assert "Keep the description to 10,000 characters or fewer" in _error_for(client, due_return, narrative="x" * 10001)


@pytest.mark.django_db
def test_hostile_narrative_is_stored_as_text_and_shown_escaped(client_for, due_return):
    hostile = "<script>alert('x')</script> =cmd|' /C calc'!A0"
    assert _post(client_for("vcs"), due_return, narrative=hostile).status_code == 302
    due_return.refresh_from_db()
    assert due_return.narrative == hostile
    officer_page = client_for("officer").get(f"/funding/returns/{due_return.pk}/").content.decode()
    assert "<script>alert" not in officer_page
    assert "&lt;script&gt;alert" in officer_page


@pytest.mark.django_db
def test_portal_dashboard_shows_only_overdue_and_soon_due_returns(client_for, users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    schedule = returns_schedule(agreement=agreement, acting_user=users["officer"])
    first, last = schedule[0], schedule[-1]
    assert (last.due_date - first.due_date).days > 60
    # The day after the first return fell due: it is overdue; the last is months away.
    with time_machine.travel(datetime.datetime.combine(first.due_date + datetime.timedelta(days=1), datetime.time(12)), tick=False):
        home = visible_text(client_for("vcs").get("/").content)
    assert f"return for {first.period_start:%-d %B %Y} to {first.period_end:%-d %B %Y}" in home
    assert "Overdue" in home
    assert f"return for {last.period_start:%-d %B %Y} to {last.period_end:%-d %B %Y}" not in home
