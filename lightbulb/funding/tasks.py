"""Background tasks of the funding module: the officers' daily e-mail digest."""

from __future__ import annotations

from django_tasks import task


@task()
def send_daily_digests() -> int:
    """E-mail each active officer their overdue items and deadlines for the next 14 days; returns how many were sent."""
    from lightbulb.funding.services.dashboard import digests_send

    return digests_send()


def digest_enqueue() -> None:
    """The daily duty: hand the digest to the background worker."""
    send_daily_digests.enqueue()
