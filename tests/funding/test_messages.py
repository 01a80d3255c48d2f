"""Every message about an agreement reaches someone: the portal members, else the registered contact who
consented, else the officer is told to post the letter, which is ready to print."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lightbulb.core.mail import RETRY_AFTER_MINUTES
from lightbulb.core.models import OrganisationMessage
from lightbulb.core.roles import Role
from lightbulb.funding.models import Decommissioning
from lightbulb.funding.services import decommissioning as decommissioning_services
from lightbulb.funding.services import payments, returns
from tests.factories import ContactFactory, OrganisationFactory
from tests.funding.factories_returns import MonitoringReturnFactory, PaymentFactory, live_agreement
from tests.helpers import visible_text

TODAY = datetime.date(2026, 1, 5)
ANSWERS: dict[str, Any] = {
    "reasons": "The service is recommissioned",
    "impact_service_users": "40 people",
    "impact_volunteers": "12 volunteers",
    "impact_staff": "One coordinator",
    "impact_equality_groups": "Older people",
    "alternative_providers": "The lunch club",
    "mitigations": "Introductions",
    "exit_plan": "Three months",
    "funding_end_date": datetime.date(2026, 5, 1),
}


def _issue(users: dict[str, Any], organisation: Any, django_capture_on_commit_callbacks: Any) -> Decommissioning:
    agreement = live_agreement(users, organisation, reference=f"AGR-MSG-{organisation.pk}")
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        return decommissioning_services.decommissioning_issue_notice(acting_user=users[Role.OFFICER], agreement=agreement, answers=dict(ANSWERS))


def test_a_notice_goes_to_the_portal_members_with_the_letter(users, own_organisation, django_capture_on_commit_callbacks):
    decommissioning = _issue(users, own_organisation, django_capture_on_commit_callbacks)
    message = OrganisationMessage.objects.get(object_id=str(decommissioning.pk))
    assert (message.route, message.recipients) == ("members", [users[Role.VCS].email])
    assert message.sent_at is not None
    [sent] = mail.outbox
    assert sent.to == [users[Role.VCS].email]
    assert sent.attachments[0][0].startswith("notice-") and sent.attachments[0][1].startswith(b"%PDF")


def test_with_no_member_the_consenting_contact_hears(users, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Quiet Lane Allotments", email="")
    ContactFactory(organisation=organisation, email="no-consent@example.org", consent_given_on=None)
    ContactFactory(organisation=organisation, email="secretary@example.org", consent_given_on=datetime.date(2025, 1, 1))
    decommissioning = _issue(users, organisation, django_capture_on_commit_callbacks)
    message = OrganisationMessage.objects.get(object_id=str(decommissioning.pk))
    assert (message.route, message.recipients) == ("contact", ["secretary@example.org"])
    assert [sent.to for sent in mail.outbox] == [["secretary@example.org"]]
    assert "by writing to" in mail.outbox[0].body  # no portal link for an organisation with no member


def test_with_no_address_the_officer_is_told_to_post_the_letter(users, officer_client, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Old Mill Bowls Club", email="", address="The Pavilion\nMill Lane", postcode="AT1 2BB")
    decommissioning = _issue(users, organisation, django_capture_on_commit_callbacks)
    message = OrganisationMessage.objects.get(object_id=str(decommissioning.pk))
    assert message.route == "post" and message.sent_at is None
    assert mail.outbox == []
    with time_machine.travel(TODAY, tick=False):
        page = visible_text(officer_client.get(reverse("funding:decommissioning_detail", kwargs={"pk": decommissioning.pk})).content)
        assert "To post No e-mail address is on record. Print the letter (PDF) and post it." in page
        letter = officer_client.get(reverse("core:message_letter", kwargs={"pk": message.pk}))
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")


def test_the_officer_is_told_on_the_page_after_issuing(users, officer_client):
    organisation = OrganisationFactory(name="Old Mill Bowls Club", email="")
    agreement = live_agreement(users, organisation, reference="AGR-MSG-POST", status="under_review")
    pk = agreement.pk
    with time_machine.travel(TODAY, tick=False):
        officer_client.post(reverse("funding:decommission_reasons", kwargs={"pk": pk}), {"reasons": ANSWERS["reasons"]})
        officer_client.post(reverse("funding:decommission_impact", kwargs={"pk": pk}), {k: ANSWERS[k] for k in list(ANSWERS)[1:6]})
        officer_client.post(reverse("funding:decommission_exit", kwargs={"pk": pk}), {"mitigations": "M", "exit_plan": "E"})
        officer_client.post(
            reverse("funding:decommission_notice", kwargs={"pk": pk}),
            {"told": "now", "funding_end_date_0": "1", "funding_end_date_1": "5", "funding_end_date_2": "2026"},
        )
        response = officer_client.post(reverse("funding:decommission_check", kwargs={"pk": pk}), follow=True)
    assert "Old Mill Bowls Club has no portal member and no e-mail address on record: print the letter" in visible_text(response.content)


def test_a_query_and_a_held_payment_reach_the_organisation(users, own_organisation, django_capture_on_commit_callbacks):
    agreement = live_agreement(users, own_organisation)
    submitted = MonitoringReturnFactory(agreement=agreement, status="submitted")
    payment = PaymentFactory(agreement=agreement, amount=Decimal(3000))
    officer = users[Role.OFFICER]
    with django_capture_on_commit_callbacks(execute=True):
        returns.return_query(monitoring_return=submitted, acting_user=officer, note="The figures for June are missing")
        payments.payment_hold(payment=payment, acting_user=officer, reason="Insurance certificate expired")
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [f"A payment under {agreement.reference} is held", f"Your monitoring return for {agreement.reference} was queried"]
    assert any("Insurance certificate expired" in message.body and "£3,000.00" in message.body for message in mail.outbox)
    assert OrganisationMessage.objects.filter(organisation_id=own_organisation.pk, route="members").count() == 2


class SmtpDown(Exception):
    pass


class FlakySmtpBackend(BaseEmailBackend):
    """An e-mail backend that raises, as the SMTP backend does when the mail server is down, until it is back."""

    down = True

    def send_messages(self, email_messages):
        if FlakySmtpBackend.down:
            raise SmtpDown("Connection refused")
        mail.outbox.extend(email_messages)
        return len(email_messages)


def _run_worker(capture: Any) -> None:
    """One pass of `manage.py db_worker`, keeping the test's own connection (see tests/accounts/test_notify.py)."""
    with capture(execute=True), mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


def test_an_smtp_outage_loses_no_message_and_the_worker_sends_it_later(users, own_organisation, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "tests.funding.test_messages.FlakySmtpBackend"
    FlakySmtpBackend.down = True
    decommissioning = _issue(users, own_organisation, django_capture_on_commit_callbacks)  # no error: the worker sends it
    message = OrganisationMessage.objects.get(object_id=str(decommissioning.pk))
    assert message.sent_at is None and not message.failed and mail.outbox == []
    _run_worker(django_capture_on_commit_callbacks)  # the mail server is down: the send fails and is queued again for later
    waiting = DBTaskResult.objects.get(task_path="lightbulb.core.outbox.organisation_message_deliver", status="READY")
    assert waiting.args_kwargs["kwargs"]["attempt"] == 2
    assert waiting.run_after > timezone.now() + datetime.timedelta(seconds=RETRY_AFTER_MINUTES[0] * 60 - 10)
    message.refresh_from_db()
    assert message.sent_at is None and not message.failed and mail.outbox == []
    # The mail server is back; the time to try again comes.
    FlakySmtpBackend.down = False
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    _run_worker(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.sent_at is not None and not message.failed
    [sent] = mail.outbox
    assert sent.to == [users[Role.VCS].email]
    assert sent.attachments[0][0].startswith("notice-") and sent.attachments[0][1].startswith(b"%PDF")


def test_after_every_retry_the_message_is_marked_not_sent_for_posting(users, own_organisation, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.funding.test_messages.FlakySmtpBackend"
    FlakySmtpBackend.down = True
    # The immediate task backend runs each retry at once: every try fails, and the message is then marked not sent.
    decommissioning = _issue(users, own_organisation, django_capture_on_commit_callbacks)
    message = OrganisationMessage.objects.get(object_id=str(decommissioning.pk))
    assert message.failed and message.sent_at is None
    assert Decommissioning.objects.filter(pk=decommissioning.pk, stage="notice_issued").exists()


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.VCS, Role.ADMIN])
def test_only_officers_print_letters(role, users, client_for, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Old Mill Bowls Club", email="")
    decommissioning = _issue(users, organisation, django_capture_on_commit_callbacks)
    message = OrganisationMessage.objects.get(object_id=str(decommissioning.pk))
    assert client_for(role).get(reverse("core:message_letter", kwargs={"pk": message.pk})).status_code == 403


def test_a_held_payment_shows_in_the_portal_with_its_reason(users, own_organisation, client_for):
    agreement = live_agreement(users, own_organisation)
    payment = PaymentFactory(agreement=agreement, amount=Decimal(3000))
    payments.payment_hold(payment=payment, acting_user=users[Role.OFFICER], reason="Insurance certificate expired")
    page = visible_text(client_for(Role.VCS).get(reverse("funding:portal_returns")).content)
    assert f"The council is holding the payment of £3,000.00 due on {payment.due_date:%-d %B %Y}. Why: Insurance certificate expired" in page
