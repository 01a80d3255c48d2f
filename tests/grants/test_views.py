"""Other funders' grants on the organisation page, the list and the review of a proposed match."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from lightbulb.core.roles import Role
from lightbulb.grants.models import Funder, Grant, MatchMethod, MatchStatus
from tests.factories import OrganisationFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

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


# Each match status in turn, so both sizes hold proposed, confirmed, unmatched and rejected grants.
STATUS_CYCLE = [MatchStatus.PROPOSED, MatchStatus.CONFIRMED, MatchStatus.UNMATCHED, MatchStatus.PROPOSED, MatchStatus.REJECTED]


def _grants_from_several_funders(count: int, start: int) -> None:
    """`count` grants from four funders; proposed and confirmed ones each name their own organisation on the register."""
    funders = [Funder.objects.get_or_create(org_id=f"GB-CHC-90000{number}", defaults={"name": f"Funder {number}"})[0] for number in range(4)]
    for number in range(start, start + count):
        status = STATUS_CYCLE[number % len(STATUS_CYCLE)]
        matched = status in (MatchStatus.PROPOSED, MatchStatus.CONFIRMED)
        Grant.objects.create(
            identifier=f"360G-Q-{number}",
            funder=funders[number % len(funders)],
            title=f"Grant {number}",
            amount_awarded=Decimal("1000") + number,
            award_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=number),
            recipient_name=f"Recipient {number}",
            organisation=OrganisationFactory() if matched else None,
            match_status=status,
            match_method=MatchMethod.NAME if matched else MatchMethod.NONE,
        )


@pytest.mark.parametrize("query", ["", "?status=proposed"])
def test_the_list_queries_do_not_grow_with_the_grants(client_for, query):
    client = client_for(Role.OFFICER)
    _grants_from_several_funders(3, 0)

    assert_queries_independent_of_size(client, "/grants/" + query, lambda: _grants_from_several_funders(37, 3))

    assert Grant.objects.count() == 40 and Funder.objects.count() == 4
    text = visible_text(client.get("/grants/" + query).content)
    assert ("16 grants" if query else "40 grants") in text
