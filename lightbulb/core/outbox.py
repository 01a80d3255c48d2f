"""Messages to organisations that reach someone, or tell the officer to post a letter.

A module resolves who should hear (its organisation's portal members, else
the registered contact who consented, else nobody by e-mail) and calls
`organisation_message_send`; the message is recorded in the same transaction
as the change it is about and, once that commits, handed to the worker, which
builds any attachment and e-mails it. A send that fails (the mail server or
Notify is down) is tried again later, as `core.mail.email_send` is: the request
neither waits on nor fails with the mail server, and an outage loses nothing.
Only after the last try is the message marked as not sent, for the officer to
post. With no e-mail address at all the message is recorded for posting and
its letter is ready to print at `core:message_letter`.

An attachment is named, not passed as a function, so the worker can build it:
`MessageAttachment("funding.notice_letter", {"decommissioning_id": 7})` is
built by `registry.message_attachments["funding.notice_letter"](decommissioning_id=7)`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from lightbulb.core.mail import RETRY_AFTER_MINUTES, one_line
from lightbulb.core.models import OrganisationMessage
from lightbulb.core.registry import registry

logger = logging.getLogger(__name__)
Route = OrganisationMessage.Route
# A builder registered in `registry.message_attachments` returns (file name, bytes, content type).
AttachmentBuilder = Callable[..., tuple[str, bytes, str]]


@dataclass(frozen=True)
class MessageAttachment:
    """A file built by the worker, after the commit, so a slow PDF never holds the transaction or the request."""

    builder: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipients:
    """Who an organisation's message goes to, and by which route."""

    organisation_id: int
    organisation_name: str
    route: str
    emails: list[str] = field(default_factory=list)
    address: str = ""


@task()
def organisation_message_deliver(message_id: int, attachment: list[Any] | None = None, attempt: int = 1) -> None:
    """E-mail one recorded message (run by the worker); on failure queue it again later, and after the last try mark it not sent."""
    message = OrganisationMessage.objects.get(pk=message_id)
    if message.sent_at is not None:  # already delivered: a repeated task sends no second copy
        return
    try:
        email = EmailMessage(subject=message.subject, body=message.body, to=list(message.recipients))
        if attachment:
            builder, arguments = attachment
            email.attach(*registry.message_attachments[builder](**arguments))
        email.send()
    except Exception:
        if attempt > len(RETRY_AFTER_MINUTES):
            logger.exception("Message %s to organisation %s failed %s times: given up, to be posted", message.pk, message.organisation_id, attempt)
            OrganisationMessage.objects.filter(pk=message.pk).update(failed=True)
            return
        delay = datetime.timedelta(minutes=RETRY_AFTER_MINUTES[attempt - 1])
        logger.warning("Message %s to organisation %s failed (try %s): trying again in %s", message.pk, message.organisation_id, attempt, delay, exc_info=True)
        _deliver_later(message_id, attachment, attempt + 1, delay)
        return
    OrganisationMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), failed=False)


def _deliver_later(message_id: int, attachment: list[Any] | None, attempt: int, delay: datetime.timedelta) -> None:
    deliver = organisation_message_deliver
    if deliver.get_backend().supports_defer:
        deliver = deliver.using(run_after=timezone.now() + delay)
    deliver.enqueue(message_id=message_id, attachment=attachment, attempt=attempt)


def organisation_message_send(
    *, recipients: Recipients, subject: str, body: str, obj: models.Model, acting_user: Any, attachment: MessageAttachment | None = None
) -> OrganisationMessage:
    """Record the message and have the worker e-mail it after the commit; with no address, record it for posting."""
    message = OrganisationMessage.objects.create(
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        organisation_id=recipients.organisation_id,
        organisation_name=recipients.organisation_name[:300],
        address=recipients.address,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        subject=one_line(subject)[:300],
        body=body,
        route=recipients.route,
        recipients=list(recipients.emails),
    )
    if recipients.route != Route.POST:
        if attachment is not None and attachment.builder not in registry.message_attachments:
            raise LookupError(f"No attachment builder named {attachment.builder!r} is registered")
        attached = [attachment.builder, dict(attachment.arguments)] if attachment is not None else None
        transaction.on_commit(lambda: organisation_message_deliver.enqueue(message_id=message.pk, attachment=attached))
    return message


def message_get(pk: int) -> OrganisationMessage | None:
    return OrganisationMessage.objects.filter(pk=pk).first()


def messages_for(obj: models.Model) -> list[OrganisationMessage]:
    return list(OrganisationMessage.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("-created_at", "-id"))


def message_letter_html(message: OrganisationMessage) -> str:
    context = {"message": message, "council_name": settings.COUNCIL_NAME, "today": datetime.date.today()}
    return render_to_string("core/message_letter.html", context)


def message_letter_pdf(message: OrganisationMessage) -> bytes:
    # Imported here: WeasyPrint loads its fonts and libraries, which only letters need.
    from weasyprint import HTML

    document = HTML(string=message_letter_html(message))
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]
    except (TypeError, ValueError):  # an older WeasyPrint without PDF/UA
        return document.write_pdf()  # type: ignore[no-any-return]


def report_delivery(request: Any, obj: models.Model) -> None:
    """Tell the officer when the latest message about `obj` must be printed and posted."""
    from django.contrib import messages as flash

    latest = OrganisationMessage.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("-created_at", "-id").first()
    if latest is None:
        return
    # An e-mailed message needs no word (the page lists it under Messages); a letter to post does.
    if latest.route == Route.POST:
        flash.warning(
            request,
            f"{latest.organisation_name} has no portal member and no e-mail address on record: print the letter "
            f"(under Messages to the organisation on this page) and post it.",
        )


def messages_context(request: Any, obj: models.Model) -> dict[str, Any]:
    """The `_messages.html` partial's context for a record's page."""
    from lightbulb.core.rules import allowed, can_print_letters

    return {"organisation_messages": messages_for(obj), "may_print_letters": allowed(can_print_letters, getattr(request, "user", None))}
