"""Sending e-mail through the worker, and e-mail while developing.

`email_enqueue` hands a message to the background worker after the commit, so a request neither
waits on nor fails with the mail server. `DevelopmentEmailBackend`: every message saved under
var/mail, short ones shown on the console.

`make run` uses it so a password-reset link appears in the terminal, while long messages (the
daily digest) are kept as files to read instead of scrolling the demo sign-ins out of sight.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.db import transaction
from django_tasks import task

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


@task()
def email_send(to: list[str], subject: str, body: str) -> None:
    """Send one plain-text message (run by the worker, `manage.py db_worker`)."""
    EmailMessage(subject=subject, body=body, to=list(to)).send()


def email_enqueue(*, to: Sequence[str], subject: str, body: str) -> None:
    """Hand a message to the worker once the current transaction commits: a request never waits on the mail server."""
    recipients = list(to)
    transaction.on_commit(lambda: email_send.enqueue(to=recipients, subject=subject, body=body))
