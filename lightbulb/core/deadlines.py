"""Everyone's deadlines, whichever module they come from: the dashboard panel, the daily digest and the calendar feed.

Modules register their deadline sources in `registry.deadlines` from their
AppConfig.ready() (funding: returns, payments, reviews, notices); this module
only gathers them, so it knows no domain module. A source decides whose duties
are whose (an officer's agreements, a member's organisations): that is why the
digest is offered to every active council user with an e-mail address and sent
only to those with something due or overdue.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Calendar, Event

from lightbulb.core.audit import audit_event_record
from lightbulb.core.registry import Deadline, registry
from lightbulb.core.rules import COUNCIL_ROLES, allowed, is_council_user, is_officer, is_signed_in, require

logger = logging.getLogger(__name__)

# The dashboard panel and the digest look this many days ahead.
DIGEST_DAYS = 14
# How far back a digest or the dashboard looks for overdue items.
LOOK_BACK_DAYS = 366
# The dashboard panel lists this many of each (overdue, coming up), soonest first, with how many there are in all;
# the digest and the calendar feed list every one.
PANEL_LISTS = 10
# The calendar feed: a month of history and a year ahead.
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 366
# Shorter than any token `user_calendar_token_reset` makes: not worth a query.
MIN_TOKEN_LENGTH = 20


# --- gathering ---------------------------------------------------------------------------


def deadlines_for(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Deadline]:
    """Every module's deadlines for `user` between `start` and `end`, soonest first.

    Each source gives the duties of the user's own records; with `everyone` (an officer's
    calendar feed when they choose all), those of every record the user may act on.
    """
    gathered: list[Deadline] = []
    for name, source in list(registry.deadlines.items()):
        try:
            gathered.extend(source(user, start, end, everyone=everyone))
        except Exception:  # one broken source must not empty the dashboard, the digest or the feed
            logger.exception("Deadline source %s failed", name)
    return sorted(gathered, key=lambda deadline: (deadline.date, deadline.title))


def upcoming_and_overdue(user: Any, *, days: int = DIGEST_DAYS) -> tuple[list[Deadline], list[Deadline]]:
    """(overdue, due in the next `days`) for the dashboard and the digest."""
    today = timezone.localdate()
    everything = deadlines_for(user, today - datetime.timedelta(days=LOOK_BACK_DAYS), today + datetime.timedelta(days=days))
    # A past date not marked overdue is history (a notice that has run its course), not a duty.
    overdue = [deadline for deadline in everything if deadline.overdue]
    upcoming = [deadline for deadline in everything if not deadline.overdue and deadline.date >= today]
    return overdue, upcoming


# --- the dashboard panel -----------------------------------------------------------------


def deadlines_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Every module's deadlines for the next two weeks (notices running, returns, payments, reviews…)."""
    user = request.user
    if not allowed(is_council_user, user):
        # Organisations see their own returns and notices in the portal's panels.
        return None
    overdue, upcoming = upcoming_and_overdue(user)
    # Officers always see the panel (and its calendar link); others only when something is due.
    if not allowed(is_officer, user) and not (overdue or upcoming):
        return None
    return {
        "title": f"Your deadlines in the next {DIGEST_DAYS} days",
        "template": "core/panel_deadlines.html",
        "order": 29,
        "overdue": overdue[:PANEL_LISTS],
        "overdue_count": len(overdue),
        "upcoming": upcoming[:PANEL_LISTS],
        "upcoming_count": len(upcoming),
    }


# --- the daily digest --------------------------------------------------------------------


def digest_recipients() -> QuerySet[Any]:
    """Active council users with an e-mail address; `digest_message` leaves out those with nothing due."""
    return get_user_model().objects.filter(is_active=True, role__in=sorted(COUNCIL_ROLES)).exclude(email="").order_by("id")


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def _lines(deadlines: list[Deadline]) -> list[str]:
    return [f"- {deadline.date:%-d %B %Y}: {deadline.title}\n  {_absolute(deadline.url)}" for deadline in deadlines]


def digest_text(*, name: str, overdue: list[Deadline], upcoming: list[Deadline]) -> str:
    parts = [f"Dear {name},", ""]
    if overdue:
        parts += [f"Overdue ({len(overdue)}):", *_lines(overdue), ""]
    if upcoming:
        parts += [f"Due in the next {DIGEST_DAYS} days ({len(upcoming)}):", *_lines(upcoming), ""]
    parts += [f"See everything on your dashboard: {settings.SITE_URL}/", "", f"{settings.SERVICE_NAME}, {settings.COUNCIL_NAME}"]
    return "\n".join(parts)


def digest_message(user: Any) -> EmailMultiAlternatives | None:
    """The digest for one person, or None when nothing is due or overdue."""
    overdue, upcoming = upcoming_and_overdue(user, days=DIGEST_DAYS)
    if not overdue and not upcoming:
        return None
    name = getattr(user, "display_name", "") or user.email
    subject_bits = [f"{len(overdue)} overdue"] if overdue else []
    subject_bits.append(f"{len(upcoming)} due in the next {DIGEST_DAYS} days")
    subject = f"Your deadlines for {timezone.localdate():%-d %B %Y}: " + ", ".join(subject_bits)
    context = {
        "name": name,
        "overdue": [(deadline, _absolute(deadline.url)) for deadline in overdue],
        "upcoming": [(deadline, _absolute(deadline.url)) for deadline in upcoming],
        "days": DIGEST_DAYS,
        "site_url": settings.SITE_URL,
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
    }
    message = EmailMultiAlternatives(subject=subject, body=digest_text(name=name, overdue=overdue, upcoming=upcoming), to=[user.email])
    message.attach_alternative(render_to_string("core/digest_email.html", context), "text/html")
    return message


def digests_send() -> int:
    """Send every council user with something due or overdue their digest; returns how many were sent."""
    sent = 0
    connection = get_connection()
    for user in digest_recipients().iterator():
        message = digest_message(user)
        if message is None:
            continue
        message.connection = connection
        try:
            message.send()
        except Exception:  # one bad address must not stop everyone else's digest
            logger.exception("Daily digest to user %s failed", user.pk)
            continue
        sent += 1
    logger.info("Daily digests sent: %s", sent)
    return sent


# --- the calendar feed -------------------------------------------------------------------


def user_by_calendar_token(token: str) -> Any | None:
    """The active user whose calendar feed this is; None for an unknown or empty token."""
    if not token or len(token) < MIN_TOKEN_LENGTH:
        return None
    return get_user_model().objects.filter(calendar_token=token, is_active=True).first()


@transaction.atomic
def user_calendar_token_reset(*, user: Any, acting_user: Any) -> str:
    """Give `user` a new secret feed address; the old one stops working. People reset only their own."""
    require(is_signed_in, acting_user, message="Sign in to set up your calendar address.")
    if acting_user.pk != user.pk:
        raise PermissionDenied("You may reset only your own calendar address.")
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    audit_event_record(actor=acting_user, action="user_calendar_token_reset", obj=user, summary="Calendar feed address reset")
    return str(user.calendar_token)


def _uid(kind: str, url: str, date: datetime.date) -> str:
    digest = hashlib.sha256(f"{kind}|{url}|{date.isoformat()}".encode()).hexdigest()[:32]
    return f"{digest}@lightbulb"


def calendar_ics(user: Any, *, base_url: str, everyone: bool = False) -> bytes:
    """All-day events for `user`'s deadlines from a month ago to a year ahead."""
    today = timezone.localdate()
    feed = Calendar()
    feed.add("prodid", f"-//{settings.COUNCIL_NAME}//{settings.SERVICE_NAME} deadlines//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"{settings.SERVICE_NAME} deadlines")
    stamp = timezone.now()
    for deadline in deadlines_for(user, today - datetime.timedelta(days=FEED_PAST_DAYS), today + datetime.timedelta(days=FEED_FUTURE_DAYS), everyone=everyone):
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
    return bytes(feed.to_ical())
