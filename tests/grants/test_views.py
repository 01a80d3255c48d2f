"""Other funders' grants on the organisation page, the list and the review of a proposed match."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from lightbulb.core.roles import Role
from lightbulb.grants.models import Funder, Grant, MatchMethod, MatchStatus
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def grants(own_organisation):
    funder = Funder.objects.create(org_id="GB-CHC-1156077", name="Wolfson Foundation")
    confirmed = Grant.objects.create(
        identifier="360G-W-1",
        funder=funder,
        title="Kitchen refit",
        amount_awarded=Decimal("1250"),
        award_date=datetime.date(2026, 11, 30),
        recipient_name="Riverside Food Bank",
        organisation=own_organisation,
        match_status=MatchStatus.CONFIRMED,
        match_method=MatchMethod.CHARITY_NUMBER,
    )
    proposed = Grant.objects.create(
        identifier="360G-W-2",
        funder=funder,
        title="Van",
        amount_awarded=Decimal("9000"),
        award_date=datetime.date(2025, 3, 1),
        recipient_name="Riverside Foodbank",
        organisation=own_organisation,
        match_status=MatchStatus.PROPOSED,
        match_method=MatchMethod.NAME,
        match_score=91,
    )
    return confirmed, proposed


def test_the_organisation_page_shows_who_else_funds_them(client_for, own_organisation, grants):
    text = visible_text(client_for(Role.COUNCILLOR).get(f"/organisations/{own_organisation.pk}/").content)
    assert "Who else funds them" in text
    assert "Wolfson Foundation 1 £1,250 30 November 2026" in text
    assert "Kitchen refit : £1,250 from Wolfson Foundation, 30 November 2026" in text
    assert "1 more grant may have gone to this organisation" in text


def test_an_officer_confirms_a_proposal_and_it_joins_the_organisation_page(client_for, own_organisation, grants):
    _, proposed = grants
    officer = client_for(Role.OFFICER)
    page = visible_text(officer.get(f"/grants/{proposed.pk}/").content)
    assert "Riverside Food Bank — Proposed: waiting for an officer (Similar name, 91% alike)" in page
    response = officer.post(f"/grants/{proposed.pk}/match", {"decision": "confirm"})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.match_status == MatchStatus.CONFIRMED
    text = visible_text(officer.get(f"/organisations/{own_organisation.pk}/").content)
    assert "Wolfson Foundation 2 £10,250 30 November 2026" in text


def test_an_officer_rejects_a_proposal(client_for, grants):
    _, proposed = grants
    officer = client_for(Role.OFFICER)
    assert officer.post(f"/grants/{proposed.pk}/match", {"decision": "reject"}).status_code == 302
    proposed.refresh_from_db()
    assert (proposed.organisation, proposed.match_status) == (None, MatchStatus.REJECTED)


def test_a_decision_must_be_chosen(client_for, grants):
    _, proposed = grants
    response = client_for(Role.OFFICER).post(f"/grants/{proposed.pk}/match", {})
    assert response.status_code == 400
    assert "Choose whether the grant went to this organisation" in visible_text(response.content)


def test_councillors_read_but_do_not_review(client_for, grants):
    _, proposed = grants
    councillor = client_for(Role.COUNCILLOR)
    assert "Did this grant go to this organisation?" not in visible_text(councillor.get(f"/grants/{proposed.pk}/").content)
    assert councillor.post(f"/grants/{proposed.pk}/match", {"decision": "confirm"}).status_code == 403


def test_the_list_filters_by_match(client_for, grants):
    text = visible_text(client_for(Role.OFFICER).get("/grants/?status=proposed").content)
    assert "1 grant" in text and "Van" in text and "Kitchen refit" not in text


def test_the_list_downloads_with_its_filter(client_for, grants, django_capture_on_commit_callbacks):
    from tests.exports import csv_text, download_list, xlsx_rows

    client = client_for(Role.COUNCILLOR)
    _job, content = download_list(client, django_capture_on_commit_callbacks, "grants", query="status=proposed")
    lines = csv_text(content).splitlines()
    assert lines[0].startswith("360Giving identifier,Title,Funder,Amount awarded")
    assert len(lines) == 2 and lines[1].startswith("360G-W-2,Van,Wolfson Foundation,9000")
    _job, content = download_list(client, django_capture_on_commit_callbacks, "grants", fmt="xlsx")
    assert [row[0] for row in xlsx_rows(content)[1:]] == ["360G-W-1", "360G-W-2"]
