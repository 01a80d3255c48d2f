"""The daily digest: each active council user gets their overdue items and the next 14 days; people with nothing get nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from lightbulb.core.deadlines import digest_recipients
from lightbulb.core.registry import Deadline, registry
from lightbulb.core.tasks import send_daily_digests
from lightbulb.funding.services.returns import returns_schedule
from tests.funding.factories_returns import live_agreement


@pytest.fixture
def notices(monkeypatch):
    def source(user, start, end, everyone=False):
        day = datetime.date(2025, 10, 17)
        if getattr(user, "email", "") != "officer@example.org" or not start <= day <= end:
            return []
        return [Deadline(date=day, title="Notice period ends: AGR-DEC-9 Hilltop Youth Club", url="/funding/agreements/9/", kind="notice")]

    monkeypatch.setitem(registry.deadlines, "notices_test", source)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2025, 10, 10, 7, 0), tick=False)
def test_each_officer_gets_their_deadlines_and_nobody_else_does(users, own_organisation, make_user, notices, settings):
    settings.SITE_URL = "https://lightbulb.anytown.example"
    agreement = live_agreement(users, own_organisation)
    returns_schedule(agreement=agreement, acting_user=users["officer"])
    make_user(email="idle.officer@example.org")  # nothing due: no e-mail
    make_user(email="gone.officer@example.org", is_active=False)
    live_agreement(users, own_organisation, reference="AGR-OTHER", accountable_officer=make_user(email="left@example.org", is_active=False))
    sent = send_daily_digests.call()
    assert sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@example.org"]
    assert message.subject == "Your deadlines for 10 October 2025: 2 overdue, 1 due in the next 14 days"
    body = message.body
    overdue, upcoming = body.split("Due in the next 14 days")
    assert "Overdue (2):" in overdue
    # The agreement ends on 31 March 2026, so its review was due six months before.
    assert "30 September 2025: Review due: AGR-RET-0001 Riverside Food Bank ends on 31 March 2026" in overdue
    assert "Monitoring return due: AGR-RET-0001 Riverside Food Bank (1 April 2025 to 30 June 2025)" in overdue
    assert "https://lightbulb.anytown.example/funding/returns/" in overdue
    assert "Notice period ends: AGR-DEC-9 Hilltop Youth Club" in upcoming
    assert "https://lightbulb.anytown.example/funding/agreements/9/" in upcoming
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "Notice period ends: AGR-DEC-9 Hilltop Youth Club" in html


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2025, 10, 10, 7, 0), tick=False)
def test_titles_are_escaped_in_the_html_part(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    own_organisation.name = "<script>alert(1)</script> Group"
    own_organisation.save()
    returns_schedule(agreement=agreement, acting_user=users["officer"])
    send_daily_digests.call()
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_the_digest_is_a_daily_duty(users):
    assert "digest" in registry.daily_duties
    registry.daily_duties["digest"]()  # enqueues; the test backend runs it at once
    assert mail.outbox == []  # nobody has anything due


@pytest.fixture
def everyone_has_a_deadline(monkeypatch):
    """A source with a duty for every person, whatever their role: the recipients decide who hears of it."""

    def source(user, start, end, everyone=False):
        day = datetime.date(2025, 10, 14)
        return [Deadline(date=day, title=f"Consultation closes for {user.email}", url="/compact/", kind="consultation")] if start <= day <= end else []

    monkeypatch.setitem(registry.deadlines, "everyone_test", source)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2025, 10, 10, 7, 0), tick=False)
def test_every_active_council_user_with_something_due_gets_a_digest_and_organisations_do_not(users, make_user, everyone_has_a_deadline):
    make_user(role="councillor", email="former.councillor@example.org", is_active=False)
    make_user(role="staff", email="")
    assert send_daily_digests.call() == 5
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "admin@example.org",
        "councillor@example.org",
        "investigator@example.org",
        "officer@example.org",
        "staff@example.org",
    ]


@pytest.mark.django_db
def test_recipients_are_active_council_users_with_an_e_mail_address(users, make_user):
    make_user(role="investigator", email="gone@example.org", is_active=False)
    make_user(role="officer", email="")
    assert {user.email for user in digest_recipients()} == {f"{role}@example.org" for role in ("officer", "councillor", "investigator", "admin", "staff")}
