"""Signing in, two-factor authentication, lockout, sign-out and session expiry."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.core.middleware import REFRESHED_KEY, SESSION_REFRESH_SECONDS
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(6)


def post_sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/account/sign-in", {"email": email, "password": password})


def test_staff_role_signs_in_without_second_factor():
    user = UserFactory(role=Role.STAFF, email="staff@example.org")
    client = Client()
    response = post_sign_in(client, "STAFF@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/")
    assert "Dashboard" in visible_text(page.content)
    assert user.display_name in visible_text(page.content)


def test_wrong_password_shows_error_summary_and_keeps_email():
    UserFactory(role=Role.STAFF, email="staff@example.org")
    response = post_sign_in(Client(), "staff@example.org", "wrong-password")
    text = visible_text(response.content)
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "The e-mail address or password is not right" in text
    assert 'value="staff@example.org"' in response.content.decode()


def test_empty_and_malformed_sign_in_give_field_errors():
    response = Client().post("/account/sign-in", {"email": "not-an-email", "password": ""})
    text = visible_text(response.content)
    assert "Enter a valid email address" in text
    assert "This field is required" in text


def prove_by_emailed_code(client: Client, capture) -> None:
    """The fresh proof before a first authenticator: the code e-mailed to the account."""
    with capture(execute=True):
        asked = client.get("/account/two-factor")
    assert "Check it is you" in visible_text(asked.content)
    code = re.search(r"Your code is (\d{6})", mail.outbox[-1].body).group(1)
    proved = client.post("/account/two-factor", {"code": code})
    assert proved.status_code == 302


@pytest.mark.parametrize("role", [Role.OFFICER, Role.INVESTIGATOR, Role.ADMIN])
def test_two_factor_roles_must_set_up_an_authenticator_first(role, django_capture_on_commit_callbacks):
    UserFactory(role=role, email="person@example.org")
    client = Client()
    response = post_sign_in(client, "person@example.org")
    assert response["Location"].startswith("/account/two-factor")
    # Every other page sends them back to the two-factor page.
    blocked = client.get("/account/users/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/account/two-factor")
    prove_by_emailed_code(client, django_capture_on_commit_callbacks)
    setup = client.get("/account/two-factor")
    text = visible_text(setup.content)
    assert "Set up two-factor authentication" in text
    assert 'alt="QR code' in setup.content.decode()
    device = TOTPDevice.objects.get(user__email="person@example.org", confirmed=False)
    wrong = client.post("/account/two-factor", {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert "The code is not right" in visible_text(wrong.content)
    # A wrong code slows further tries down (django-otp throttling); let that pass.
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post("/account/two-factor", {"code": current_code(device), "next": "/account/"})
    assert done.status_code == 302
    # Recovery codes are shown once, then the person goes on where they were going.
    assert done["Location"] == "/account/recovery-codes?next=/account/"
    codes = client.get(done["Location"])
    assert "Save these codes now" in visible_text(codes.content)
    assert len(re.findall(r"<li>[a-z2-7]{8}</li>", codes.content.decode())) == 10
    assert "Save these codes now" not in visible_text(client.get("/account/recovery-codes").content)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/account/").status_code == 200
    assert AuditEvent.objects.filter(action="totp_device_confirm").count() == 1


def test_code_must_be_six_digits():
    user = UserFactory(role=Role.OFFICER, email="officer@example.org")
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    client = Client()
    post_sign_in(client, "officer@example.org")
    response = client.post("/account/two-factor", {"code": "<script>"})
    text = visible_text(response.content)
    assert "Enter the 6 numbers shown in your authenticator app" in text
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_open_redirect_is_refused_after_sign_in():
    UserFactory(role=Role.STAFF, email="staff@example.org")
    response = Client().post("/account/sign-in", {"email": "staff@example.org", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_lockout_after_repeated_failures():
    UserFactory(role=Role.STAFF, email="staff@example.org")
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_sign_in(client, "staff@example.org", "wrong")
    locked = post_sign_in(client, "staff@example.org")
    assert locked.status_code == 429
    assert "Your account is locked" in visible_text(locked.content)


def test_sign_out_needs_post_and_ends_session(client_for):
    client = client_for(Role.STAFF)
    assert client.get("/account/sign-out").status_code == 405
    response = client.post("/account/sign-out")
    assert response.status_code == 302
    assert client.get("/account/")["Location"].startswith("/account/sign-in")


def test_sessions_expire_when_idle_and_at_browser_close():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert "lightbulb.core.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_a_session_in_use_is_kept_alive_with_at_most_one_write_a_minute(client_for):
    client = client_for(Role.STAFF)
    client.get("/account/")
    first = _session_row(client).expire_date
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/account/").status_code == 200
    assert not [query for query in captured.captured_queries if query["sql"].startswith("UPDATE") and "django_session" in query["sql"]]
    assert _session_row(client).expire_date == first
    # A minute after the idle clock last restarted, the next request restarts it again.
    session = client.session
    session[REFRESHED_KEY] = int(time.time()) - SESSION_REFRESH_SECONDS
    session.save()
    before = _session_row(client).expire_date
    client.get("/account/")
    after = _session_row(client).expire_date
    assert after > before
    assert after >= timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_a_session_left_idle_ends(client_for):
    client = client_for(Role.STAFF)
    client.get("/account/")
    Session.objects.filter(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/account/")["Location"].startswith("/account/sign-in")


def test_visitors_who_never_signed_in_get_no_session(client):
    client.get("/account/sign-in")
    assert Session.objects.count() == 0


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_demo_code_is_shown_only_in_demo_mode(settings):
    user = UserFactory(role=Role.OFFICER, email="officer@anytown.example")
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    client = Client()
    post_sign_in(client, "officer@anytown.example")
    settings.DEMO_MODE = False
    assert "the current code is" not in visible_text(client.get("/account/two-factor").content)
    settings.DEMO_MODE = True
    page = client.get("/account/two-factor")
    device = TOTPDevice.objects.get(user__email="officer@anytown.example")
    assert f"the current code is {current_code(device)}" in visible_text(page.content)
