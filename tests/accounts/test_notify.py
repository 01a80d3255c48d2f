"""GOV.UK Notify sends every message when NOTIFY_API_KEY is set, against a local fake of its API;
a failed send is tried again by the worker, so an outage loses no message and shows no error page."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lightbulb.core.mail import RETRY_AFTER_MINUTES
from lightbulb.core.roles import Role
from tests.accounts.fake_notify import API_KEY, TEMPLATE_ID, FakeNotify
from tests.factories import UserFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def notify(settings):
    with FakeNotify() as fake:
        settings.EMAIL_BACKEND = "lightbulb.core.mail.NotifyEmailBackend"
        settings.NOTIFY_API_KEY = API_KEY
        settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
        settings.NOTIFY_BASE_URL = fake.base_url
        yield fake


def test_a_password_reset_goes_through_notify(notify, django_capture_on_commit_callbacks):
    UserFactory(role=Role.STAFF, email="staff@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/account/password-reset", {"email": "staff@example.org"})
    assert response.status_code == 200
    assert notify.refused == []
    [sent] = notify.accepted
    assert sent["email_address"] == "staff@example.org"
    assert sent["template_id"] == TEMPLATE_ID
    assert sent["personalisation"]["subject"] == "Reset your Lightbulb password"
    assert "/account/password-reset/" in sent["personalisation"]["body"]
    assert sent["personalisation"]["link_to_file"] == ""


def test_each_recipient_gets_their_own_notification_and_a_file_goes_as_a_link(notify):
    message = EmailMessage(subject="Notice", body="Please see the letter.", to=["a@example.org", "b@example.org"])
    message.attach("letter.pdf", b"%PDF-1.7 letter", "application/pdf")
    assert message.send() == 1
    assert [sent["email_address"] for sent in notify.accepted] == ["a@example.org", "b@example.org"]
    upload = notify.accepted[0]["personalisation"]["link_to_file"]
    assert base64.b64decode(upload["file"]) == b"%PDF-1.7 letter"
    assert upload["filename"] == "letter.pdf"


def test_a_wrong_key_is_refused_by_notify_and_raises(notify, settings):
    settings.NOTIFY_API_KEY = API_KEY[:-36] + "00000000-0000-0000-0000-000000000000"
    with pytest.raises(Exception, match="403"):
        EmailMessage(subject="Hello", body="Hi", to=["a@example.org"]).send()
    assert notify.accepted == []
    assert notify.refused[0][0] == 403


def _run_worker(capture) -> None:
    """One pass of `manage.py db_worker`; what its tasks queue after their commits is queued too.

    The worker closes connections it thinks are stale; inside the test's transaction that would end
    the test's own connection on PostgreSQL, so it is told not to here.
    """
    from unittest import mock

    with capture(execute=True), mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


def test_a_notify_outage_loses_no_message_and_shows_no_error_page(notify, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    UserFactory(role=Role.STAFF, email="staff@example.org")
    notify.outage = True
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/account/password-reset", {"email": "staff@example.org"})
    assert response.status_code == 200
    assert "Check your e-mail" in visible_text(response.content)
    _run_worker(django_capture_on_commit_callbacks)  # looks the address up and queues the e-mail
    _run_worker(django_capture_on_commit_callbacks)  # Notify is down: the send fails and is queued again for later
    assert notify.refused and notify.accepted == []
    waiting = DBTaskResult.objects.get(task_path="lightbulb.core.mail.email_send", status="READY")
    assert waiting.args_kwargs["kwargs"]["attempt"] == 2
    assert waiting.run_after > timezone.now() + datetime.timedelta(seconds=RETRY_AFTER_MINUTES[0] * 60 - 10)
    # Notify is back; the time to try again comes.
    notify.outage = False
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    _run_worker(django_capture_on_commit_callbacks)
    [sent] = notify.accepted
    assert sent["email_address"] == "staff@example.org"
    assert "/account/password-reset/" in sent["personalisation"]["body"]


def test_after_every_retry_the_message_stays_in_the_failed_task(notify, django_capture_on_commit_callbacks, caplog):
    from lightbulb.core.mail import email_send

    notify.outage = True
    # The immediate task backend runs each retry at once: every try fails, the last is kept as failed.
    result = email_send.enqueue(to=["staff@example.org"], subject="Hello", body="Body", attempt=len(RETRY_AFTER_MINUTES) + 1)
    assert result.status == "FAILED"
    assert result.args == [] and result.kwargs["subject"] == "Hello"
    assert "given up" in caplog.text


def test_production_starts_with_notify_and_no_smtp_host_but_not_without_its_template():
    from tests.deployment.test_production_settings import assert_refused_naming, manage

    script = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    started = manage("shell", "--no-imports", "-c", script, EMAIL_HOST=None, NOTIFY_API_KEY=API_KEY, NOTIFY_TEMPLATE_ID=TEMPLATE_ID)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().splitlines()[-1] == "lightbulb.core.mail.NotifyEmailBackend"
    assert_refused_naming(manage("shell", "-c", script, EMAIL_HOST=None, NOTIFY_API_KEY=API_KEY), "NOTIFY_TEMPLATE_ID")
    assert_refused_naming(manage("shell", "-c", script, NOTIFY_API_KEY="not-a-key", NOTIFY_TEMPLATE_ID=TEMPLATE_ID), "NOTIFY_API_KEY")
