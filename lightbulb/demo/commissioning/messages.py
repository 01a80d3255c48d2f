"""The `seed_messages` step: what the council told organisations about their held payments, notices and variations.

Each message is the one the service records (`core.outbox.organisation_message_send`), routed as
`organisations.selectors.message_recipients` routes it: to the portal members, else the contact
who consented (or the organisation's own address), else a letter for the officer to print and
post (never marked sent). It runs last, once the Compact step has given some organisations
their portal members. The short-notice decommissioning's organisation has no e-mail address,
so its notice shows the "print the letter" path.
"""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from lightbulb.core.models import OrganisationMessage
from lightbulb.demo.rows import at, dated
from lightbulb.funding.models import Decommissioning, Payment, Variation
from lightbulb.organisations.models import Organisation
from lightbulb.organisations.selectors import message_recipients

if TYPE_CHECKING:
    from django.db import models

    from lightbulb.core.outbox import Recipients
    from lightbulb.demo.generator.context import DemoContext, Scale

Route = OrganisationMessage.Route


class _Outbox:
    """Messages about the demo's records, each routed once per organisation."""

    def __init__(self) -> None:
        self.routes: dict[int, Recipients] = {}
        self.messages: list[OrganisationMessage] = []

    def recipients(self, organisation: Organisation) -> Recipients:
        if organisation.pk not in self.routes:
            self.routes[organisation.pk] = message_recipients(organisation)
        return self.routes[organisation.pk]

    def add(self, organisation: Organisation, obj: models.Model, subject: str, body: str, when: datetime.datetime, by_id: int) -> None:
        recipients = self.recipients(organisation)
        self.messages.append(
            OrganisationMessage(
                created_at=when,
                created_by_id=by_id,
                organisation_id=organisation.pk,
                organisation_name=organisation.name[:300],
                address=recipients.address,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                subject=subject[:300],
                body=body,
                route=recipients.route,
                recipients=list(recipients.emails),
                sent_at=None if recipients.route == Route.POST else when + datetime.timedelta(minutes=1),
            )
        )


def seed_messages(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """A message for every held payment, every notice issued in Lightbulb, and every variation."""
    if not ctx.agreements:
        return
    outbox = _Outbox()
    _held_payments(outbox, ctx.today)
    _notices(outbox)
    _variations(outbox)
    with dated(OrganisationMessage, "created_at"):
        OrganisationMessage.objects.bulk_create(outbox.messages, batch_size=ctx.scale.batch_size)


def _held_payments(outbox: _Outbox, today: datetime.date) -> None:
    held = Payment.objects.filter(status=Payment.Status.HELD).select_related("agreement__organisation", "agreement__accountable_officer").order_by("pk")
    for payment in held:
        agreement = payment.agreement
        body = (
            f"The council is holding the payment of £{payment.amount:,.2f} due on {payment.due_date:%-d %B %Y} "
            f"under {agreement.reference} ({agreement.title}).\n\nWhy: {payment.reason}\n\n"
            f"Contact {agreement.accountable_officer} about what is needed for it to be released."
        )
        when = at(min(today, payment.due_date), 120)
        outbox.add(agreement.organisation, payment, f"A payment under {agreement.reference} is held", body, when, agreement.accountable_officer_id)


def _notices(outbox: _Outbox) -> None:
    issued = Decommissioning.objects.filter(notice_date__isnull=False, notice_sent_outside=False)
    for item in issued.select_related("agreement__organisation", "agreement__accountable_officer").order_by("pk"):
        agreement = item.agreement
        organisation = agreement.organisation
        members = outbox.recipients(organisation).route == Route.MEMBERS
        how = " in the portal, under Notices" if members else f" by writing to {agreement.accountable_officer}"
        body = (
            f"The council has issued written notice that funding under {agreement.reference} ({agreement.title}) "
            f"ends on {item.funding_end_date:%-d %B %Y}.\n\nReasons: {item.reasons}\n\n"
            f"The notice letter is attached. You may respond until {item.response_due_date:%-d %B %Y}{how}."
        )
        notice_day: datetime.date = item.notice_date  # type: ignore[assignment]  # filtered to those with one
        outbox.add(organisation, item, f"Notice that funding will end: {agreement.reference}", body, at(notice_day, 10), agreement.accountable_officer_id)


def _variations(outbox: _Outbox) -> None:
    for variation in Variation.objects.select_related("agreement__organisation", "agreement__accountable_officer").order_by("pk"):
        agreement = variation.agreement
        lines = [f"- {term}: {before} → {after}" for term, (before, after) in variation.changes.items()]
        body = (
            f"The council has varied the agreement {agreement.reference} ({agreement.title}), approved by {variation.approved_by} "
            f"on {variation.approved_on:%-d %B %Y}.\n\nWhat changes:\n" + "\n".join(lines) + f"\n\nWhy: {variation.reason}"
        )
        if variation.is_reduction:
            body += (
                f"\n\nThis reduces the funding from {variation.effective_date:%-d %B %Y}. You may respond until "
                f"{variation.response_due_date:%-d %B %Y} by writing to {agreement.accountable_officer}."
            )
        subject = f"Your agreement {agreement.reference} has been varied"
        outbox.add(agreement.organisation, variation, subject, body, variation.created_at, variation.recorded_by_id)
