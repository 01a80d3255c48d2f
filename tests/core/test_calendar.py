"""The personal deadlines calendar: an iCalendar feed behind a secret address its owner can reset."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from icalendar import Calendar

from lightbulb.core.deadlines import user_calendar_token_reset
from lightbulb.core.models import AuditEvent
from lightbulb.core.registry import Deadline, registry
from lightbulb.core.roles import Role
from lightbulb.funding.services.returns import returns_schedule
from tests.funding.factories_returns import live_agreement
from tests.helpers import visible_text


def _shown_token(client):
    """The token in the feed address the calendar page shows."""
    page = client.get("/calendar/").content.decode()
    marker = page.index(".ics")
    return page[page.rindex("/", 0, marker) + 1 : marker]


def _token(client):
    client.post("/calendar/reset")
    return _shown_token(client)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2025, 6, 1, 9, 0), tick=False)
def test_feed_parses_and_holds_the_deadlines_of_the_coming_year(client, officer_client, users, own_organisation, monkeypatch):
    monkeypatch.setitem(
        registry.deadlines,
        "notices_test",
        lambda user, start, end, everyone=False: [
            Deadline(date=datetime.date(2025, 9, 1), title="Notice period ends: AGR-DEC-9", url="/funding/agreements/9/", kind="notice")
        ],
    )
    returns_schedule(agreement=live_agreement(users, own_organisation), acting_user=users["officer"])
    page = visible_text(officer_client.get("/calendar/").content)
    assert "You do not have a calendar address yet." in page
    token = _token(officer_client)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert "Notice period ends: AGR-DEC-9" in events
    returns = sorted(summary for summary in events if summary.startswith("Monitoring return due"))
    assert len(returns) == 4  # due 30/7/2025, 30/10/2025, 31/1/2026, 30/4/2026: all within a year
    first = events[next(s for s in returns if "1 April 2025" in s)]
    assert first.decoded("DTSTART") == datetime.date(2025, 7, 30)
    assert str(first["URL"]).startswith("http://testserver/funding/returns/")
    assert len({str(event["UID"]) for event in events.values()}) == len(events)


@pytest.mark.django_db
def test_reset_invalidates_the_old_address(client, officer_client):
    old = _token(officer_client)
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    response = officer_client.post("/calendar/reset", follow=True)
    assert "The old address no longer works" in visible_text(response.content)
    new = _shown_token(officer_client)
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["nope", "", "x" * 43, "../../etc/passwd"])
def test_unknown_tokens_get_404(client, users, token):
    users["officer"].calendar_token = ""
    users["officer"].save()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_inactive_users_feed_stops(client, officer_client, users):
    token = _token(officer_client)
    users["officer"].is_active = False
    users["officer"].save()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


@pytest.mark.django_db
def test_reset_is_post_only_and_needs_sign_in(client, officer_client):
    assert officer_client.get("/calendar/reset").status_code == 405
    response = client.post("/calendar/reset")
    assert response.status_code == 302
    assert "/account/sign-in" in response["Location"]


@pytest.mark.django_db
def test_the_feed_address_people_subscribed_to_before_the_move_still_works(client, officer_client):
    """Calendar apps keep polling the address they were given when the calendar lived under /funding/."""
    token = _token(officer_client)
    assert reverse("core:calendar_feed", kwargs={"token": token}) == f"/calendar/{token}.ics"
    new = client.get(f"/calendar/{token}.ics")
    old = client.get(f"/funding/calendar/{token}.ics")
    assert old.status_code == 200
    assert old["Content-Type"].startswith("text/calendar")
    assert old["Referrer-Policy"] == "no-referrer"
    assert len(Calendar.from_ical(old.content).walk("VEVENT")) == len(Calendar.from_ical(new.content).walk("VEVENT"))
    assert client.get("/funding/calendar/not-a-real-token-at-all-xxxxxxxx.ics").status_code == 404


@pytest.mark.django_db
def test_the_old_calendar_page_redirects_to_the_new_one(officer_client):
    response = officer_client.get("/funding/calendar/")
    assert response.status_code == 301
    assert response["Location"] == "/calendar/"


@pytest.mark.django_db
def test_reset_is_audited_and_only_for_ones_own_address(users):
    officer, councillor = users["officer"], users["councillor"]
    token = user_calendar_token_reset(user=officer, acting_user=officer)
    assert len(token) >= 40
    event = AuditEvent.objects.get(action="user_calendar_token_reset")
    assert event.actor == officer
    with pytest.raises(PermissionDenied):
        user_calendar_token_reset(user=officer, acting_user=councillor)
    officer.refresh_from_db()
    assert officer.calendar_token == token


def test_an_officers_feed_holds_their_own_agreements_unless_they_choose_all(users, own_organisation, client):
    from tests.factories import UserFactory
    from tests.funding.factories_returns import PaymentFactory

    officer = users[Role.OFFICER]
    other_officer = UserFactory(role=Role.OFFICER, email="other-officer@example.org")
    mine = live_agreement(users, own_organisation, reference="AGR-MINE-0001")
    theirs = live_agreement({Role.OFFICER: other_officer}, own_organisation, reference="AGR-THEIRS-0001")
    today = datetime.date.today()
    PaymentFactory(agreement=mine, due_date=today + datetime.timedelta(days=20))
    PaymentFactory(agreement=theirs, due_date=today + datetime.timedelta(days=20))
    token = user_calendar_token_reset(user=officer, acting_user=officer)
    own = client.get(reverse("core:calendar_feed", kwargs={"token": token})).content.decode()
    everything = client.get(reverse("core:calendar_feed", kwargs={"token": token}) + "?scope=all").content.decode()
    assert "AGR-MINE-0001" in own and "AGR-THEIRS-0001" not in own
    assert "AGR-MINE-0001" in everything and "AGR-THEIRS-0001" in everything
