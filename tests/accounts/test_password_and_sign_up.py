"""Password reset by e-mail, and sign-up for organisation members: the address is confirmed before the account works."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from lightbulb.accounts.models import User
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from tests.factories import UserFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

PASSPHRASE = "a-long-enough-passphrase"


def link_in(message, path: str) -> str:
    """The path of the first link to `path` in an e-mail, which names the service's own address."""
    return re.search(re.escape(settings.SITE_URL) + r"(" + re.escape(path) + r"\S+)", message.body).group(1)


def test_password_reset_sends_a_working_link(django_capture_on_commit_callbacks):
    user = UserFactory(role=Role.STAFF, email="staff@example.org")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password-reset", {"email": "staff@example.org"})
    assert "Check your e-mail" in visible_text(response.content)
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0], "/account/password-reset/")
    weak = client.post(link, {"new_password": "password"})
    assert "This password is too short" in visible_text(weak.content) or "too common" in visible_text(weak.content)
    done = client.post(link, {"new_password": "a-much-longer-secret-phrase"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-longer-secret-phrase")
    # The link works once.
    assert client.get(link).status_code == 400


def test_password_reset_does_not_reveal_unknown_accounts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/account/password-reset", {"email": "nobody@example.org"})
    assert "Check your e-mail" in visible_text(response.content)
    assert mail.outbox == []


def sign_up(client: Client, capture, email: str = "Amina@Example.org", password: str = PASSPHRASE):
    with capture(execute=True):
        return client.post("/account/sign-up", {"full_name": "Amina Patel", "email": email, "new_password": password})


def test_sign_up_makes_an_account_that_works_only_once_the_address_is_confirmed(django_capture_on_commit_callbacks):
    client = Client()
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Check your e-mail" in visible_text(response.content)
    user = User.objects.get(email="amina@example.org")
    assert (user.role, user.needs_two_factor, user.email_verified_at) == (Role.VCS, False, None)
    # Not signed in, and the password does not sign in yet.
    assert client.get("/account/")["Location"].startswith("/account/sign-in")
    refused = client.post("/account/sign-in", {"email": "amina@example.org", "password": PASSPHRASE})
    assert refused.status_code == 200
    assert "has not been confirmed yet" in visible_text(refused.content)
    # The e-mailed link shows a button (a mail scanner fetching the link confirms nothing); pressing it confirms.
    link = link_in(mail.outbox[-1], "/account/confirm-email/")
    assert "Confirm my e-mail address" in visible_text(client.get(link).content)
    user.refresh_from_db()
    assert user.email_verified_at is None
    confirmed = client.post(link)
    assert confirmed["Location"].startswith("/account/sign-in")
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert AuditEvent.objects.filter(action="user_email_verify", object_id=str(user.pk)).exists()
    signed_in = client.post("/account/sign-in", {"email": "amina@example.org", "password": PASSPHRASE})
    assert signed_in.status_code == 302
    # The link works once.
    assert client.post(link).status_code == 400


def test_a_confirmation_link_that_was_never_sent_confirms_nothing():
    response = Client().post("/account/confirm-email/made-up-token")
    assert response.status_code == 400
    assert "expired or has already been used" in visible_text(response.content)


def test_sign_up_with_a_known_address_answers_the_same_and_tells_the_owner(django_capture_on_commit_callbacks):
    owner = UserFactory(role=Role.OFFICER, email="taken@example.org", full_name="Olu Owner")
    password_before = owner.password
    known = sign_up(Client(), django_capture_on_commit_callbacks, email="TAKEN@example.org")
    unknown = sign_up(Client(), django_capture_on_commit_callbacks, email="free@example.org")
    assert visible_text(known.content).replace("taken@example.org", "X") == visible_text(unknown.content).replace("free@example.org", "X")
    owner.refresh_from_db()
    assert (owner.password, owner.role, owner.full_name) == (password_before, Role.OFFICER, "Olu Owner")
    told = [message for message in mail.outbox if message.to == ["taken@example.org"]]
    assert len(told) == 1
    assert "already has one" in told[0].body
    assert "/account/confirm-email/" not in told[0].body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "email": "a@example.org", "new_password": PASSPHRASE}, "This field is required"),
        ({"full_name": "<script>alert(1)</script>", "email": "a@example.org", "new_password": PASSPHRASE}, "Enter text without HTML tags"),
        ({"full_name": "A" * 201, "email": "a@example.org", "new_password": PASSPHRASE}, "at most 200 characters"),
        ({"full_name": "Amina", "email": "not-an-email", "new_password": PASSPHRASE}, "Enter a valid email address"),
        ({"full_name": "Amina", "email": "a@example.org", "new_password": "short"}, "This password is too short"),
    ],
)
def test_sign_up_bad_input(data, message, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/account/sign-up", data)
    assert response.status_code == 200
    assert message in visible_text(response.content)
    assert "There is a problem" in visible_text(response.content)
    assert not User.objects.exists()
    assert mail.outbox == []
