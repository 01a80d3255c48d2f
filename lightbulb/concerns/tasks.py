"""The daily check of the concerns access log's hash chain."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django_tasks import task

from lightbulb.concerns.chain import access_log_verify

logger = logging.getLogger("lightbulb.concerns")


def access_log_check() -> list[str]:
    """Walk the chain; on any break, log it and e-mail every investigator. Returns the problems found."""
    from lightbulb.accounts.models import User

    report = access_log_verify()
    if report.intact:
        return []
    logger.error("The concerns access log has been tampered with: %s", "; ".join(report.problems))
    recipients = list(User.objects.filter(role="investigator", is_active=True).exclude(email="").values_list("email", flat=True))
    if recipients:
        send_mail(
            subject="The concerns access log has been tampered with",
            message="The daily check of the concerns access log found:\n\n" + "\n".join(f"- {p}" for p in report.problems),
            from_email=None,
            recipient_list=recipients,
            fail_silently=True,
        )
    return report.problems


@task()
def check_access_log() -> int:
    return len(access_log_check())


def access_log_check_enqueue() -> None:
    """The daily duty: hand the chain check to the background worker."""
    check_access_log.enqueue()
