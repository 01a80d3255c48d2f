"""Password reset by e-mail, and sign-up for organisation members."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from lightbulb.accounts.models import User
from lightbulb.core.roles import Role
from tests.factories import UserFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def test_password_reset_sends_a_working_link(django_capture_on_commit_callbacks):
    user = UserFactory(role=Role.STAFF, email="staff@example.org")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password-reset", {"email": "staff@example.org"})
    assert "Check your e-mail" in visible_text(response.content)
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password-reset/\S+)", mail.outbox[0].body).group(1)
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


def test_sign_up_creates_a_vcs_account():
    response = Client().post(
        "/account/sign-up",
        {"full_name": "Amina Patel", "email": "Amina@Example.org", "new_password": "a-long-enough-passphrase"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="amina@example.org")
    assert user.role == Role.VCS
    assert not user.needs_two_factor


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "email": "a@example.org", "new_password": "a-long-enough-passphrase"}, "This field is required"),
        ({"full_name": "<script>alert(1)</script>", "email": "a@example.org", "new_password": "a-long-enough-passphrase"}, "Enter text without HTML tags"),
        ({"full_name": "A" * 201, "email": "a@example.org", "new_password": "a-long-enough-passphrase"}, "at most 200 characters"),
        ({"full_name": "Amina", "email": "not-an-email", "new_password": "a-long-enough-passphrase"}, "Enter a valid email address"),
        ({"full_name": "Amina", "email": "a@example.org", "new_password": "short"}, "This password is too short"),
    ],
)
def test_sign_up_bad_input(data, message):
    response = Client().post("/account/sign-up", data)
    assert response.status_code == 200
    assert message in visible_text(response.content)
    assert "There is a problem" in visible_text(response.content)
    assert not User.objects.exists()


def test_sign_up_refuses_an_existing_email():
    UserFactory(email="taken@example.org")
    response = Client().post("/account/sign-up", {"full_name": "Someone", "email": "TAKEN@example.org", "new_password": "a-long-enough-passphrase"})
    assert "An account with this e-mail address already exists" in visible_text(response.content)
