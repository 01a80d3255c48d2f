"""The administrator's home: accounts that are waiting for someone to act."""

from __future__ import annotations

import datetime
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from lightbulb.accounts.models import User
from lightbulb.accounts.rules import can_manage_users
from lightbulb.core import page_cache
from lightbulb.core.rules import TWO_FACTOR_ROLES, allowed

SHOWN = 10


def _locked_out() -> list[dict[str, Any]]:
    """Accounts locked after too many failed sign-ins, still inside their cool-off."""
    since = timezone.now() - datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since).order_by("-attempt_time")
    emails = list(dict.fromkeys(attempt.username for attempt in attempts if attempt.username))
    users = {user.email.lower(): user for user in User.objects.filter(email__in=emails)}
    return [{"email": email, "user": users.get(email.lower())} for email in emails]


def _without_two_factor() -> Any:
    """Active council accounts that must use two-factor authentication but have not set it up."""
    return User.objects.filter(is_active=True, role__in=sorted(TWO_FACTOR_ROLES)).exclude(totpdevice__confirmed=True).order_by("full_name", "email")


def accounts_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not allowed(can_manage_users, request.user):
        return None
    page_cache.depends_on_clock(request)  # a lock-out ends with its cool-off, at a time of day
    locked = _locked_out()
    waiting = _without_two_factor()
    return {
        "title": "Accounts waiting for you",
        "template": "accounts/panel_accounts.html",
        "order": 12,
        "locked": locked[:SHOWN],
        "locked_count": len(locked),
        "no_two_factor": list(waiting[:SHOWN]),
        "no_two_factor_count": waiting.count(),
    }
