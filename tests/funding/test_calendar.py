"""The personal deadlines calendar: an iCalendar feed behind a secret address its owner can reset."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from icalendar import Calendar

from lightbulb.core.registry import Deadline, registry
from lightbulb.funding.services.returns import returns_schedule
from tests.funding.factories_returns import live_agreement
from tests.helpers import visible_text


def _shown_token(client):
    """The token in the feed address the calendar page shows."""
    page = client.get("/funding/calendar/").content.decode()
    marker = page.index(".ics")
    return page[page.rindex("/", 0, marker) + 1 : marker]


def _token(client):
    client.post("/funding/calendar/reset")
    return _shown_token(client)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2025, 6, 1, 9, 0), tick=False)
def test_feed_parses_and_holds_the_deadlines_of_the_coming_year(client, officer_client, users, own_organisation, monkeypatch):
    monkeypatch.setitem(
        registry.deadlines,
        "notices_test",
        lambda user, start, end: [Deadline(date=datetime.date(2025, 9, 1), title="Notice period ends: AGR-DEC-9", url="/funding/agreements/9/", kind="notice")],
    )
    returns_schedule(agreement=live_agreement(users, own_organisation), acting_user=users["officer"])
    page = visible_text(officer_client.get("/funding/calendar/").content)
    assert "You do not have a calendar address yet." in page
    token = _token(officer_client)
    response = client.get(f"/funding/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert "Notice period ends: AGR-DEC-9" in events
    returns = sorted(summary for summary in events if summary.startswith("Monitoring return due"))
    assert len(returns) == 4  # due 30/7/2025, 30/10/2025, 31/1/2026, 30/4/2026: all within a year
    first = events[next(s for s in returns if "01/04/2025" in s)]
    assert first.decoded("DTSTART") == datetime.date(2025, 7, 30)
    assert str(first["URL"]).startswith("http://testserver/funding/returns/")
    assert len({str(event["UID"]) for event in events.values()}) == len(events)


@pytest.mark.django_db
def test_reset_invalidates_the_old_address(client, officer_client):
    old = _token(officer_client)
    assert client.get(f"/funding/calendar/{old}.ics").status_code == 200
    response = officer_client.post("/funding/calendar/reset", follow=True)
    assert "The old address no longer works" in visible_text(response.content)
    new = _shown_token(officer_client)
    assert new != old
    assert client.get(f"/funding/calendar/{old}.ics").status_code == 404
    assert client.get(f"/funding/calendar/{new}.ics").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["nope", "", "x" * 43, "../../etc/passwd"])
def test_unknown_tokens_get_404(client, users, token):
    users["officer"].calendar_token = ""
    users["officer"].save()
    response = client.get(f"/funding/calendar/{token}.ics")
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_inactive_users_feed_stops(client, officer_client, users):
    token = _token(officer_client)
    users["officer"].is_active = False
    users["officer"].save()
    assert client.get(f"/funding/calendar/{token}.ics").status_code == 404


@pytest.mark.django_db
def test_reset_is_post_only_and_needs_sign_in(client, officer_client):
    assert officer_client.get("/funding/calendar/reset").status_code == 405
    response = client.post("/funding/calendar/reset")
    assert response.status_code == 302
    assert "/account/sign-in" in response["Location"]
