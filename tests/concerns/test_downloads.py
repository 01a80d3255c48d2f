"""The concerns register and the risk register download like every list; a download of the concerns is logged as a view."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.concerns.models import AccessLogEntry
from lightbulb.core.roles import Role
from tests.concerns.factories import ConcernFactory, RiskFactory
from tests.exports import csv_text, download_list, xlsx_rows

pytestmark = pytest.mark.django_db


def test_the_concerns_download_holds_the_filtered_list_without_the_reporter_and_is_logged(client_for, django_capture_on_commit_callbacks):
    ConcernFactory(reference="CN-2026-0100", status="received", reporter_name="Secret Reporter", description="What they said")
    ConcernFactory(reference="CN-2026-0101", status="closed")
    client = client_for(Role.INVESTIGATOR)
    before = AccessLogEntry.objects.count()
    _job, content = download_list(client, django_capture_on_commit_callbacks, "concerns", query="status=received")
    text = csv_text(content)
    lines = text.splitlines()
    assert lines[0] == "Reference,Category,Received,About,Status,Triage due,Triaged,Closed"
    assert [line.split(",")[0] for line in lines[1:]] == ["CN-2026-0100"]
    assert "Secret Reporter" not in text and "What they said" not in text
    logged = AccessLogEntry.objects.order_by("sequence").last()
    assert AccessLogEntry.objects.count() == before + 1 and logged.detail == "the list of concerns, downloaded"
    # Only investigators read concerns, so only they take a copy.
    for role in (Role.OFFICER, Role.ADMIN):
        assert client_for(role).post(reverse("core:export_start"), {"list_name": "concerns", "format": "csv"}).status_code == 403


def test_the_risk_register_downloads_with_scores_and_the_area_filter(client_for, django_capture_on_commit_callbacks):
    RiskFactory(title="Volunteers leave", area="service_delivery", likelihood=4, impact=5)
    RiskFactory(title="Money goes astray", area="financial")
    client = client_for(Role.COUNCILLOR)
    assert 'data-export="risks"' in client.get(reverse("concerns:risk_list")).content.decode()
    _job, content = download_list(client, django_capture_on_commit_callbacks, "risks", query="area=service_delivery", fmt="xlsx")
    rows = xlsx_rows(content)
    assert rows[0][:6] == ["Risk", "Area", "About", "Likelihood", "Impact", "Score"]
    assert [row[0] for row in rows[1:]] == ["Volunteers leave"] and rows[1][5] == 20
