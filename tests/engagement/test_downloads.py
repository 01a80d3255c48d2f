"""Engagement's lists download like every list: flags, the sector's relationship health, surveys and a member's open surveys."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.roles import Role
from lightbulb.engagement.models import Flag, SurveyInvitation
from lightbulb.engagement.selectors.health import MEASURES, QUARTERS
from tests.conftest import sign_in
from tests.engagement.factories import SurveyFactory
from tests.exports import csv_text, download_list, xlsx_rows

pytestmark = pytest.mark.django_db


def _flag(organisation, rule: str, status: str = "open") -> Flag:
    now = timezone.now()
    return Flag.objects.create(organisation=organisation, rule=rule, reason=f"=because {rule}", fingerprint=rule, raised_at=now, updated_at=now, status=status)


def test_flags_download_with_the_lists_filters(own_organisation, other_organisation, client_for, django_capture_on_commit_callbacks):
    _flag(own_organisation, "overdue_returns")
    _flag(other_organisation, "overdue_returns", status="dismissed")
    client = client_for(Role.OFFICER)
    _job, content = download_list(client, django_capture_on_commit_callbacks, "flags")
    lines = csv_text(content).splitlines()
    assert lines[0] == "Organisation,Flag,Why,Status,Raised,Resolved"
    assert len(lines) == 2 and lines[1].startswith(f"{own_organisation.name},") and ",'=because overdue_returns,Open," in lines[1]
    _job, content = download_list(client, django_capture_on_commit_callbacks, "flags", query="status=all", fmt="xlsx")
    assert len(xlsx_rows(content)) == 3


def test_the_sectors_health_downloads_by_quarter(client_for, django_capture_on_commit_callbacks):
    client = client_for(Role.COUNCILLOR)
    assert 'data-export="health_sector"' in client.get(reverse("engagement:health_sector")).content.decode()
    _job, content = download_list(client, django_capture_on_commit_callbacks, "health_sector", fmt="xlsx")
    rows = xlsx_rows(content)
    assert rows[0] == ["Quarter", "Index", *(label for _key, label in MEASURES), "Average days to pay"]
    assert len(rows) == 1 + QUARTERS


def test_surveys_and_a_members_open_surveys_download(users, own_organisation, other_organisation, client_for, django_capture_on_commit_callbacks):
    survey = SurveyFactory(title="State of the sector 2026", created_by=users[Role.OFFICER])
    SurveyInvitation.objects.create(survey=survey, organisation=own_organisation, sent_at=timezone.now())
    _job, content = download_list(client_for(Role.INVESTIGATOR), django_capture_on_commit_callbacks, "surveys")
    lines = csv_text(content).splitlines()
    assert lines[0] == "Title,Status,Opens,Closes,Organisations asked,Answered"
    assert lines[1].startswith("State of the sector 2026,") and lines[1].endswith(",1,0")
    _job, content = download_list(client_for(Role.VCS), django_capture_on_commit_callbacks, "portal_surveys")
    assert csv_text(content).splitlines()[1:] == [f"State of the sector 2026,{own_organisation.name},{survey.closes_on.isoformat()},No"]
    outsider = sign_in(Client(), other_organisation.memberships.get().user)
    _job, content = download_list(outsider, django_capture_on_commit_callbacks, "portal_surveys")
    assert csv_text(content).splitlines() == ["Survey,Organisation,Closes,Answered"]


def test_the_engagement_log_and_its_themes_download(client_for, django_capture_on_commit_callbacks):
    from tests.engagement.factories import EngagementFactory, ThemeFactory

    premises = ThemeFactory(name="Premises")
    forum = EngagementFactory(title="Spring forum", kind="meeting", notes="Private notes")
    forum.themes.add(premises)
    EngagementFactory(title="Visit to the lunch club", kind="visit")
    client = client_for(Role.COUNCILLOR)
    _job, content = download_list(client, django_capture_on_commit_callbacks, "engagements", query="q=spring")
    text = csv_text(content)
    assert text.splitlines() == ["Date,Engagement,Kind,Ward,Organisations,Themes", "2026-03-02,Spring forum,Meeting,,0,Premises"]
    assert "Private notes" not in text
    _job, content = download_list(client_for(Role.OFFICER), django_capture_on_commit_callbacks, "themes", fmt="xlsx")
    assert ["Premises", None, "No", 1] in xlsx_rows(content)  # an empty cell reads back as None
    # Themes are officers' to keep.
    assert client.post(reverse("core:export_start"), {"list_name": "themes", "format": "csv"}).status_code == 403
