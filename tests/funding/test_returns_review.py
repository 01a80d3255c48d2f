"""The officer reviews returns; overdue returns are flagged on lists, the agreement, the dashboard; lists export and do not grow queries."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError

from lightbulb.funding.models import MonitoringReturn
from lightbulb.funding.services.returns import return_accept, return_query, returns_schedule
from tests.conftest import sign_in
from tests.exports import csv_text, download_list, xlsx_rows
from tests.factories import OrganisationFactory
from tests.funding.factories_returns import MonitoringReturnFactory, live_agreement
from tests.helpers import assert_queries_independent_of_size, visible_text

OVERDUE_TAG = 'govuk-tag--red">Overdue'


@pytest.fixture
def submitted_return(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    monitoring_return = returns_schedule(agreement=agreement, acting_user=users["officer"])[0]
    MonitoringReturn.objects.filter(pk=monitoring_return.pk).update(status="submitted", narrative="Meals served")
    monitoring_return.refresh_from_db()
    return monitoring_return


@pytest.mark.django_db
def test_officer_accepts_a_submitted_return(officer_client, submitted_return, users):
    page = visible_text(officer_client.get(f"/funding/returns/{submitted_return.pk}/").content)
    assert "Review this return" in page
    response = officer_client.post(f"/funding/returns/{submitted_return.pk}/review", {"decision": "accept", "note": ""}, follow=True)
    assert "Return accepted." in visible_text(response.content)
    submitted_return.refresh_from_db()
    assert submitted_return.status == "accepted"
    assert submitted_return.reviewed_by == users["officer"]


@pytest.mark.django_db
def test_querying_needs_a_note(officer_client, submitted_return):
    response = officer_client.post(f"/funding/returns/{submitted_return.pk}/review", {"decision": "query", "note": "  "})
    assert response.status_code == 200
    assert "Say what the organisation needs to change or explain" in visible_text(response.content)
    submitted_return.refresh_from_db()
    assert submitted_return.status == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose whether to accept or query the return"),
        ({"decision": "delete"}, "Choose whether to accept or query the return"),
        ({"decision": "query", "note": "<script>alert(1)</script>"}, "Enter text without HTML tags"),
        ({"decision": "query", "note": "x" * 2001}, "Keep the note to 2,000 characters or fewer"),
    ],
)
def test_review_bad_input(officer_client, submitted_return, data, message):
    response = officer_client.post(f"/funding/returns/{submitted_return.pk}/review", data)
    assert response.status_code == 200
    assert message in visible_text(response.content)
    submitted_return.refresh_from_db()
    assert submitted_return.status == "submitted"


@pytest.mark.django_db
def test_query_sends_it_back(officer_client, submitted_return):
    officer_client.post(f"/funding/returns/{submitted_return.pk}/review", {"decision": "query", "note": "Add the ward breakdown"})
    submitted_return.refresh_from_db()
    assert submitted_return.status == "queried"
    assert submitted_return.review_note == "Add the ward breakdown"


@pytest.mark.django_db
def test_only_submitted_returns_can_be_reviewed(users, submitted_return):
    return_accept(monitoring_return=submitted_return, acting_user=users["officer"])
    with pytest.raises(ValidationError, match="Only a submitted return can be reviewed"):
        return_query(monitoring_return=submitted_return, acting_user=users["officer"], note="Again")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["councillor", "investigator"])
def test_readers_see_but_cannot_review(client_for, submitted_return, role):
    client = client_for(role)
    page = visible_text(client.get(f"/funding/returns/{submitted_return.pk}/").content)
    assert "Meals served" in page
    assert "Review this return" not in page
    assert client.post(f"/funding/returns/{submitted_return.pk}/review", {"decision": "accept"}).status_code == 403
    submitted_return.refresh_from_db()
    assert submitted_return.status == "submitted"


@pytest.mark.django_db
def test_staff_may_not_see_returns(client_for, submitted_return):
    assert client_for("staff").get("/funding/returns/").status_code == 403


@pytest.mark.django_db
def test_overdue_returns_are_flagged_everywhere(officer_client, users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    returns_schedule(agreement=agreement, acting_user=users["officer"])
    with time_machine.travel(datetime.datetime(2025, 7, 29, 12, 0), tick=False):
        sign_in(officer_client, users["officer"])  # sessions expire when an hour idle
        assert OVERDUE_TAG not in officer_client.get("/funding/returns/").content.decode()
    with time_machine.travel(datetime.datetime(2025, 8, 5, 12, 0), tick=False):
        sign_in(officer_client, users["officer"])
        listing = visible_text(officer_client.get("/funding/returns/?overdue=on").content)
        assert "1 return" in listing
        assert "30 July 2025" in listing
        assert officer_client.get("/funding/returns/").content.decode().count(OVERDUE_TAG) == 1
        assert "1 return overdue" in visible_text(officer_client.get(f"/funding/agreements/{agreement.pk}/returns/").content)
        home = visible_text(officer_client.get("/").content)
        assert "Returns due and overdue" in home
        assert "1 return overdue" in home
        assert "AGR-RET-0001 Riverside Food Bank" in home


@pytest.mark.django_db
def test_a_queried_return_past_its_date_is_overdue_but_a_submitted_one_is_not(officer_client, users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    MonitoringReturnFactory(agreement=agreement, status="queried")
    MonitoringReturnFactory(
        agreement=agreement,
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 9, 30),
        due_date=datetime.date(2025, 10, 30),
        status="submitted",
    )
    with time_machine.travel(datetime.datetime(2025, 12, 1, 12, 0), tick=False):
        sign_in(officer_client, users["officer"])
        listing = visible_text(officer_client.get("/funding/returns/?overdue=on").content)
        assert "1 return" in listing
        assert "30 July 2025" in listing


@pytest.mark.django_db
def test_list_filters_and_exports_safely(officer_client, users, own_organisation, django_capture_on_commit_callbacks):
    agreement = live_agreement(users, own_organisation, title="=cmd|' /C calc'!A0")
    returns_schedule(agreement=agreement, acting_user=users["officer"])
    assert "4 returns" in visible_text(officer_client.get("/funding/returns/?status=due&q=Riverside").content)
    assert "0 returns" in visible_text(officer_client.get("/funding/returns/?status=accepted").content)
    bad = officer_client.get("/funding/returns/?status=<script>&q=" + "x" * 300)
    assert bad.status_code == 200
    assert "Choose a status from the list" in visible_text(bad.content)
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "returns")
    rows = list(csv.reader(io.StringIO(csv_text(content))))
    assert rows[0][:3] == ["Agreement", "Agreement title", "Organisation"]
    assert len(rows) == 5
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "returns", query="status=accepted", fmt="xlsx")
    assert xlsx_rows(content) == [rows[0]]  # the page's filter holds: no return is accepted yet


@pytest.mark.django_db
def test_return_list_queries_do_not_grow(officer_client, users, own_organisation):
    returns_schedule(agreement=live_agreement(users, own_organisation), acting_user=users["officer"])
    counter = iter(range(100))

    def grow():
        for _ in range(3):
            n = next(counter)
            returns_schedule(agreement=live_agreement(users, OrganisationFactory(), reference=f"AGR-GROW-{n}"), acting_user=users["officer"])

    assert_queries_independent_of_size(officer_client, "/funding/returns/", grow)


@pytest.mark.django_db
def test_agreement_returns_and_portal_queries_do_not_grow(officer_client, client_for, users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    returns_schedule(agreement=agreement, acting_user=users["officer"])
    counter = iter(range(100))

    def grow():
        n = next(counter)
        returns_schedule(agreement=live_agreement(users, own_organisation, reference=f"AGR-P-{n}"), acting_user=users["officer"])

    assert_queries_independent_of_size(client_for("vcs"), "/funding/portal/", grow)
