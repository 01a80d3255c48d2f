"""A person's deadlines as an iCalendar feed they can subscribe to."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from lightbulb.funding.selectors.dashboard import deadlines_for

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 366


def _uid(kind: str, url: str, date: datetime.date) -> str:
    digest = hashlib.sha256(f"{kind}|{url}|{date.isoformat()}".encode()).hexdigest()[:32]
    return f"{digest}@lightbulb"


def calendar_ics(user: Any, *, base_url: str) -> bytes:
    """All-day events for `user`'s deadlines from a month ago to a year ahead."""
    today = timezone.localdate()
    feed = Calendar()
    feed.add("prodid", f"-//{settings.COUNCIL_NAME}//{settings.SERVICE_NAME} deadlines//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"{settings.SERVICE_NAME} deadlines")
    stamp = timezone.now()
    for deadline in deadlines_for(user, today - datetime.timedelta(days=FEED_PAST_DAYS), today + datetime.timedelta(days=FEED_FUTURE_DAYS)):
        url = deadline.url if deadline.url.startswith(("http://", "https://")) else base_url.rstrip("/") + deadline.url
        event = Event()
        event.add("uid", _uid(deadline.kind, deadline.url, deadline.date))
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.date)
        event.add("dtend", deadline.date + datetime.timedelta(days=1))
        event.add("summary", ("Overdue: " if deadline.overdue else "") + deadline.title)
        event.add("url", url)
        event.add("description", url)
        if deadline.kind:
            event.add("categories", [deadline.kind])
        feed.add_component(event)
    return feed.to_ical()
