"""When someone last looked at their home page, so it can say what changed since.

A visit is a signed-in session's first look at the dashboard: reloading the page in the same
session keeps "since your last visit" where it was, and the next session starts from this one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

SESSION_KEY = "home_since"
FIRST_VISIT_DAYS = 30


class HomeVisit(models.Model):
    """A user's latest visit to their home page (one row per user)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_visit")
    visited_at = models.DateTimeField()

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return f"{self.user_id} at {self.visited_at:%Y-%m-%d %H:%M}"


def home_visit_mark(request: HttpRequest) -> None:
    """Start a visit: keep the previous visit's time in the session and record this one."""
    user: Any = request.user
    if not getattr(user, "is_authenticated", False) or SESSION_KEY in request.session:
        return
    now = timezone.now()
    previous = HomeVisit.objects.filter(user=user).values_list("visited_at", flat=True).first()
    request.session[SESSION_KEY] = previous.isoformat() if previous else ""
    HomeVisit.objects.update_or_create(user=user, defaults={"visited_at": now})


def home_since(request: HttpRequest) -> tuple[datetime.datetime, bool]:
    """(since when to show changes, whether that is the person's last visit) for this session.

    On a first visit there is no last one: the FIRST_VISIT_DAYS days before today stand in for it,
    from midnight, so the page changes with the date and not with the time of day (a kept page,
    core/page_cache.py, is kept for a day at most).
    """
    stored = request.session.get(SESSION_KEY) if hasattr(request, "session") else ""
    since = parse_datetime(stored) if stored else None
    if since is None:
        start = timezone.localdate() - datetime.timedelta(days=FIRST_VISIT_DAYS)
        return timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)), False
    return since, True
