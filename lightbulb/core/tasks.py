"""Background tasks of core: the daily e-mail digest of everyone's deadlines, and clearing expired sessions."""

from __future__ import annotations

from django_tasks import task

from lightbulb.core.deadlines import digests_send


@task()
def send_daily_digests() -> int:
    """E-mail each council user with something due their overdue items and deadlines for the next 14 days; returns how many were sent."""
    return digests_send()


def digest_enqueue() -> None:
    """The daily duty: hand the digest to the background worker."""
    send_daily_digests.enqueue()


@task()
def clear_expired_sessions() -> None:
    """Delete the sessions that have expired, so the session table holds only live sign-ins."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def sessions_clear_enqueue() -> None:
    """The daily duty: hand the clearing of expired sessions to the background worker."""
    clear_expired_sessions.enqueue()
