"""The daily digest: each officer's overdue items and deadlines for the next two weeks, by e-mail."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from lightbulb.core.registry import Deadline
from lightbulb.funding.selectors.dashboard import DIGEST_DAYS, digest_recipients, upcoming_and_overdue

logger = logging.getLogger(__name__)


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
    message.attach_alternative(render_to_string("funding/digest/email.html", context), "text/html")
    return message


def digests_send() -> int:
    """Send every active officer with something due or overdue their digest; returns how many were sent."""
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
