"""Sending e-mail through the worker, and e-mail while developing.

`email_enqueue` hands a message to the background worker after the commit, so a request neither
waits on nor fails with the mail server. `DevelopmentEmailBackend`: every message saved under
var/mail, short ones shown on the console.

`make run` uses it so a password-reset link appears in the terminal, while long messages (the
daily digest) are kept as files to read instead of scrolling the demo sign-ins out of sight.
"""

from __future__ import annotations

import datetime
import functools
import io
import logging
import sys
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Plain-text bodies up to this length are printed in full.
SHOWN_IN_FULL = 1500


class DevelopmentEmailBackend(FileBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("file_path", str(settings.VAR_DIR / "mail"))
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = super().send_messages(email_messages)
        for message in email_messages:
            body = str(message.body)
            sys.stdout.write(f"\n--- E-mail to {', '.join(message.to)}: {message.subject}\n")
            if len(body) <= SHOWN_IN_FULL and not getattr(message, "alternatives", None):
                sys.stdout.write(body + "\n")
            else:
                sys.stdout.write(f"(saved in full under {self.file_path})\n")
        sys.stdout.flush()
        return sent


# A message that cannot be sent is tried again after these many minutes (about a day in all); after the
# last, the task stays in the task table as failed, with the message in its arguments, and is logged.
RETRY_AFTER_MINUTES = (1, 5, 15, 60, 180, 360, 720)


@task()
def email_send(to: list[str], subject: str, body: str, attempt: int = 1) -> None:
    """Send one plain-text message (run by the worker, `manage.py db_worker`); on failure, queue it again later."""
    try:
        EmailMessage(subject=subject, body=body, to=list(to)).send()
    except Exception:
        if attempt > len(RETRY_AFTER_MINUTES):
            logger.exception("E-mail %r to %s failed %s times: given up (the failed task keeps it)", subject, ", ".join(to), attempt)
            raise
        delay = datetime.timedelta(minutes=RETRY_AFTER_MINUTES[attempt - 1])
        logger.warning("E-mail %r to %s failed (try %s): trying again in %s", subject, ", ".join(to), attempt, delay, exc_info=True)
        _enqueue_later(to=list(to), subject=subject, body=body, attempt=attempt + 1, delay=delay)


def _enqueue_later(*, to: list[str], subject: str, body: str, attempt: int, delay: datetime.timedelta) -> None:
    task = email_send
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(to=to, subject=subject, body=body, attempt=attempt)


def one_line(subject: str) -> str:
    """A subject on one line: a header may not hold a line break, so one in a title people typed would make
    every try of the message fail."""
    return " ".join(subject.split())


def email_enqueue(*, to: Sequence[str], subject: str, body: str) -> None:
    """Hand a message to the worker once the current transaction commits, one task per recipient: a request
    never waits on, nor fails with, the mail server or GOV.UK Notify, and a retry never repeats a delivered copy."""
    subject = one_line(subject)
    for recipient in to:
        transaction.on_commit(functools.partial(email_send.enqueue, to=[recipient], subject=subject, body=body))


class NotifyEmailBackend(BaseEmailBackend):
    """Every message through GOV.UK Notify's API (set NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID).

    Notify sends only from templates: one generic e-mail template whose subject is `((subject))` and
    whose body is `((body))` followed by `((link_to_file))` carries every message (docs/deployment.md).
    A file attached to a message goes as Notify's download link (at most 2 MB); the link is left
    empty otherwise. An error from Notify raises, so the task that sent the message tries it again.
    """

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=20)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                self._send(message)
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    def _send(self, message: EmailMessage) -> None:
        personalisation: dict[str, Any] = {"subject": str(message.subject), "body": str(message.body), "link_to_file": ""}
        files = [item for item in message.attachments if isinstance(item, tuple)]
        if files:
            from notifications_python_client import prepare_upload

            name, content, _mimetype = files[0]
            data = content.encode() if isinstance(content, str) else bytes(content)
            personalisation["link_to_file"] = prepare_upload(io.BytesIO(data), filename=name)
        for address in message.recipients():
            self.client.send_email_notification(
                email_address=address,
                template_id=settings.NOTIFY_TEMPLATE_ID,
                personalisation=personalisation,
                email_reply_to_id=settings.NOTIFY_REPLY_TO_ID or None,
            )
