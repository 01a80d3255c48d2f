"""Consultations: dates and the 12-week rule, invitations, portal responses, and the public page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lightbulb.compact import services
from lightbulb.compact.models import Consultation, ConsultationResponse
from lightbulb.core.roles import Role
from tests.conftest import sign_in
from tests.exports import csv_text, download_list, xlsx_rows
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


def _form(start: datetime.date, end: datetime.date, **extra: str) -> dict[str, str]:
    data = {"title": "Community buildings review", "purpose": "How should halls be run?", "short_reason": ""}
    for prefix, day in (("start_date", start), ("end_date", end)):
        data.update({f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)})
    data.update(extra)
    return data


def _make(users, start=TODAY, days=84, **extra) -> Consultation:
    data = {
        "title": "Youth services",
        "purpose": "Views",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=days - 1),
        "short_reason": "",
        **extra,
    }
    return services.consultation_create(acting_user=users[Role.OFFICER], data=data)


def test_short_consultation_needs_a_reason(officer_client):
    url = reverse("compact:consultation_create")
    response = officer_client.post(url, _form(TODAY, TODAY + datetime.timedelta(days=41)))
    assert "This consultation runs 6 weeks, less than the Compact's 12 weeks: give a reason" in visible_text(response.content)
    assert not Consultation.objects.exists()
    response = officer_client.post(url, _form(TODAY, TODAY + datetime.timedelta(days=41), short_reason="Statutory deadline"))
    assert response.status_code == 302
    assert Consultation.objects.get().short_reason == "Statutory deadline"


def test_end_before_start_and_bad_input_refused(officer_client):
    url = reverse("compact:consultation_create")
    response = officer_client.post(url, _form(TODAY, TODAY - datetime.timedelta(days=1)))
    assert "The closing date must be on or after the opening date" in visible_text(response.content)
    response = officer_client.post(url, {"title": "<script>alert(1)</script>", "purpose": "", "start_date_0": "x"})
    page = visible_text(response.content)
    assert "Enter text without HTML tags" in page and "Enter purpose" in page and "Enter the closing date" in page
    response = officer_client.post(url, _form(TODAY, TODAY + datetime.timedelta(days=90), title="=cmd|' /C calc'!A0" + "x" * 300))
    assert "Title must be 300 characters or fewer" in visible_text(response.content)
    assert not Consultation.objects.exists()


def test_invite_emails_members_and_only_invited_members_respond(
    officer_client, client_for, users, own_organisation, other_organisation, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        consultation = _make(users)
        url = reverse("compact:consultation_invite", kwargs={"pk": consultation.pk})
        assert "Riverside Food Bank" in visible_text(officer_client.get(url + "?q=river").content)
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(url, {"organisations": [own_organisation.pk]})
        assert [message.to for message in mail.outbox] == [[users[Role.VCS].email]]
        vcs = client_for(Role.VCS)
        assert "Youth services" in visible_text(vcs.get(reverse("compact:portal_consultations")).content)
        _job, content = download_list(vcs, django_capture_on_commit_callbacks, "portal_consultations")
        assert csv_text(content).splitlines()[1:] == [f"Youth services,Riverside Food Bank,{consultation.end_date.isoformat()},No"]
        respond = reverse("compact:portal_consultation_respond", kwargs={"pk": consultation.pk, "organisation_pk": own_organisation.pk})
        assert vcs.post(respond, {"text": "More evening sessions"}).status_code == 302
        assert vcs.post(respond, {"text": "More evening and weekend sessions"}).status_code == 302
        assert ConsultationResponse.objects.get().text == "More evening and weekend sessions"
        outsider = sign_in(client_for(None), other_organisation.memberships.first().user)
        assert (
            outsider.get(reverse("compact:portal_consultation_respond", kwargs={"pk": consultation.pk, "organisation_pk": other_organisation.pk})).status_code
            == 404
        )
        assert outsider.get(respond).status_code == 404
        page = visible_text(officer_client.get(reverse("compact:consultation_detail", kwargs={"pk": consultation.pk})).content)
        assert "More evening and weekend sessions" in page
    with time_machine.travel(TODAY + datetime.timedelta(days=90), tick=False):
        vcs = client_for(Role.VCS)
        response = vcs.post(respond, {"text": "Late"})
        assert "This consultation is closed" in visible_text(response.content)
    assert ConsultationResponse.objects.count() == 1


def test_empty_and_oversized_response_refused(client_for, users, own_organisation):
    with time_machine.travel(TODAY, tick=False):
        consultation = _make(users)
        consultation.invited.add(own_organisation)
        respond = reverse("compact:portal_consultation_respond", kwargs={"pk": consultation.pk, "organisation_pk": own_organisation.pk})
        vcs = client_for(Role.VCS)
        assert "Enter your organisation's response" in visible_text(vcs.post(respond, {"text": " "}).content)
        assert "10,000 characters or fewer" in visible_text(vcs.post(respond, {"text": "x" * 10_001}).content)
    assert not ConsultationResponse.objects.exists()


def test_public_page_shows_open_and_published_only(client, users):
    with time_machine.travel(datetime.date(2025, 1, 1), tick=False):
        published = _make(users, start=datetime.date(2025, 1, 1), title="Parks strategy")
        unpublished = _make(users, start=datetime.date(2025, 1, 1), title="Library hours")
    services.consultation_publish_summary(acting_user=users[Role.OFFICER], consultation=published, text="You said: more benches. We did: 40 benches.")
    with time_machine.travel(TODAY, tick=False):
        open_now = _make(users, title="Youth services now")
        page = visible_text(client.get(reverse("compact:public_consultations")).content)
        assert "Parks strategy" in page and "Youth services now" in page and "Library hours" not in page
        assert "40 benches" in visible_text(client.get(reverse("compact:public_consultation", kwargs={"pk": published.pk})).content)
        assert client.get(reverse("compact:public_consultation", kwargs={"pk": unpublished.pk})).status_code == 404
        assert client.get(reverse("compact:public_consultation", kwargs={"pk": open_now.pk})).status_code == 200


def test_publish_summary_requires_text(officer_client, users):
    consultation = _make(users)
    url = reverse("compact:consultation_summary", kwargs={"pk": consultation.pk})
    assert "Enter the summary of what organisations said" in visible_text(officer_client.post(url, {"you_said_we_did": ""}).content)
    consultation.refresh_from_db()
    assert consultation.summary_published_on is None


def test_consultation_list_queries_independent_of_size_and_exports(officer_client, users, django_capture_on_commit_callbacks):
    def grow() -> None:
        for _ in range(3):
            consultation = _make(users)
            consultation.invited.add(OrganisationFactory())
            ConsultationResponse.objects.create(
                consultation=consultation, organisation=consultation.invited.first(), submitted_by=UserFactory(role=Role.VCS), text="ok"
            )

    grow()
    assert_queries_independent_of_size(officer_client, reverse("compact:consultation_list"), grow)
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "consultations")
    lines = csv_text(content).splitlines()
    assert lines[0].startswith("Title,Opening date,Closing date,Weeks")
    assert len(lines) == 1 + Consultation.objects.count() and all(line.startswith("Youth services") for line in lines[1:])
    open_now = Consultation.objects.filter(start_date__lte=timezone.localdate(), end_date__gte=timezone.localdate()).count()
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "consultations", query="status=open", fmt="xlsx")
    assert len(xlsx_rows(content)) == 1 + open_now < len(lines)  # the page's filter holds
