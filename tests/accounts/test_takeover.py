"""Accounts nobody can take over, tried as an attacker would.

Council roles come only from an invitation (single-use, expiring); a password alone never enrols a
first authenticator; recovery codes stand in for a lost phone; sign-up and password reset answer the
same, in the same time, for known and unknown addresses and are limited per address and per client;
lockout counts the client behind the load balancer, so nobody can lock an account out from everywhere.
"""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import AccountToken, User
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

PASSPHRASE = "a-long-and-unusual-passphrase"
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def link_in(message, path: str) -> str:
    return re.search(re.escape(settings.SITE_URL) + r"(" + re.escape(path) + r"\S+)", message.body).group(1)


def current_code(device: TOTPDevice) -> str:
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(6)


def invite(admin_client: Client, capture, role: str = Role.OFFICER, email: str = "new.officer@example.org") -> str:
    with capture(execute=True):
        response = admin_client.post("/account/users/add", {"full_name": "Nia Newcomer", "email": email, "role": role, "is_active": "on"})
    assert response.status_code == 302
    return link_in(mail.outbox[-1], "/account/invitation/")


# --- Invitations -----------------------------------------------------------------------------------


def test_an_invitation_sets_the_password_and_is_the_proof_for_the_first_authenticator(client_for, django_capture_on_commit_callbacks):
    link = invite(client_for(Role.ADMIN), django_capture_on_commit_callbacks)
    user = User.objects.get(email="new.officer@example.org")
    # Until the invitation is used the account cannot sign in at all.
    assert not user.has_usable_password()
    assert Client().post("/account/sign-in", {"email": user.email, "password": ""}).status_code == 200
    client = Client()
    page = client.get(link)
    assert "You have been invited to Lightbulb as Council officer" in visible_text(page.content)
    accepted = client.post(link, {"new_password": PASSPHRASE})
    assert accepted["Location"] == "/account/two-factor"
    # Straight to the authenticator: no e-mailed code needed, the invitation reached the mailbox.
    setup = client.get("/account/two-factor")
    assert "Set up two-factor authentication" in visible_text(setup.content)
    user.refresh_from_db()
    assert user.check_password(PASSPHRASE) and user.email_verified_at is not None
    assert AuditEvent.objects.filter(action="invitation_accept", object_id=str(user.pk)).exists()
    # Used once, it never works again.
    reused = Client().get(link)
    assert reused.status_code == 400
    assert Client().post(link, {"new_password": "another-long-passphrase"}).status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSPHRASE)


def test_an_expired_invitation_is_refused(client_for, django_capture_on_commit_callbacks):
    link = invite(client_for(Role.ADMIN), django_capture_on_commit_callbacks)
    AccountToken.objects.filter(purpose="invitation").update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    response = Client().post(link, {"new_password": PASSPHRASE})
    assert response.status_code == 400
    assert "Ask your administrator to send a new one" in visible_text(response.content)
    assert not User.objects.get(email="new.officer@example.org").has_usable_password()


def test_a_new_invitation_stops_the_old_one_working(client_for, django_capture_on_commit_callbacks):
    admin = client_for(Role.ADMIN)
    old = invite(admin, django_capture_on_commit_callbacks)
    user = User.objects.get(email="new.officer@example.org")
    assert "Send a new invitation" in visible_text(admin.get(f"/account/users/{user.pk}/").content)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/account/users/{user.pk}/invite")
    new = link_in(mail.outbox[-1], "/account/invitation/")
    assert new != old
    assert Client().get(old).status_code == 400
    assert Client().get(new).status_code == 200
    assert AuditEvent.objects.filter(action="invitation_send", object_id=str(user.pk)).count() == 2


def test_a_made_up_invitation_is_refused():
    assert Client().get("/account/invitation/" + "A" * 43).status_code == 400


def test_the_admin_page_refuses_a_council_role_for_a_portal_account(client_for, users):
    portal = users[Role.VCS]
    response = client_for(Role.ADMIN).post(
        f"/account/users/{portal.pk}/edit", {"full_name": portal.full_name, "email": portal.email, "role": Role.ADMIN, "is_active": "on"}
    )
    assert response.status_code == 200
    assert "cannot be given a council role" in visible_text(response.content)
    portal.refresh_from_db()
    assert portal.role == Role.VCS


def test_sign_up_never_makes_a_council_account(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/account/sign-up", {"full_name": "Eve", "email": "eve@example.org", "new_password": PASSPHRASE, "role": Role.ADMIN})
    assert User.objects.get(email="eve@example.org").role == Role.VCS


# --- A password alone does not enrol an authenticator ----------------------------------------------


def test_a_stolen_password_cannot_enrol_an_authenticator(django_capture_on_commit_callbacks):
    UserFactory(role=Role.ADMIN, email="admin.without.phone@example.org")
    attacker = Client()
    attacker.post("/account/sign-in", {"email": "admin.without.phone@example.org", "password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        page = attacker.get("/account/two-factor")
    text = visible_text(page.content)
    assert "Check it is you" in text and "Set up two-factor authentication" not in text
    assert 'alt="QR code' not in page.content.decode()
    assert not TOTPDevice.objects.exists()
    # The code went to the account's mailbox, which the attacker does not read; guessing fails and runs out.
    assert mail.outbox[-1].to == ["admin.without.phone@example.org"]
    real = re.search(r"Your code is (\d{6})", mail.outbox[-1].body).group(1)
    for guess in ("000000", "111111", "222222", "333333", "444444"):
        if guess != real:
            attacker.post("/account/two-factor", {"code": guess})
    assert "Too many wrong codes" in visible_text(attacker.post("/account/two-factor", {"code": real}).content)
    assert "Check it is you" in visible_text(attacker.get("/account/two-factor").content)
    assert not TOTPDevice.objects.exists()
    assert attacker.get("/account/users/")["Location"].startswith("/account/two-factor")


def test_after_an_administrators_reset_the_person_proves_themselves_again(client_for, django_capture_on_commit_callbacks):
    officer = UserFactory(role=Role.OFFICER, email="lost.phone@example.org")
    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    StaticToken.objects.create(device=StaticDevice.objects.create(user=officer, name="Recovery codes"), token="abcd2345")
    reset = client_for(Role.ADMIN).post(f"/account/users/{officer.pk}/two-factor-reset", {"reason": "Phone lost"})
    assert reset.status_code == 302
    assert not StaticDevice.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(action="user_two_factor_reset", object_id=str(officer.pk))
    assert "Phone lost" in str(event.changes)
    client = Client()
    client.post("/account/sign-in", {"email": officer.email, "password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        assert "Check it is you" in visible_text(client.get("/account/two-factor").content)
    code = re.search(r"Your code is (\d{6})", mail.outbox[-1].body).group(1)
    assert client.post("/account/two-factor", {"code": code}).status_code == 302
    assert "Set up two-factor authentication" in visible_text(client.get("/account/two-factor").content)


# --- Recovery codes ------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_instead_of_the_phone():
    user = UserFactory(role=Role.INVESTIGATOR, email="investigator@example.org")
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    StaticToken.objects.create(device=StaticDevice.objects.create(user=user, name="Recovery codes"), token="wxyz6789")
    client = Client()
    client.post("/account/sign-in", {"email": user.email, "password": PASSWORD})
    page = client.get("/account/two-factor")
    assert "I do not have my phone" in visible_text(page.content)
    wrong = client.post("/account/two-factor", {"recovery_code": "aaaa2222"})
    assert "not right or has already been used" in visible_text(wrong.content)
    StaticDevice.objects.get(user=user).throttle_reset()
    done = client.post("/account/two-factor", {"recovery_code": "WXYZ 6789", "next": "/account/"})
    assert done["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    assert not StaticToken.objects.filter(token="wxyz6789").exists()
    # The same code does not work a second time.
    other = Client()
    other.post("/account/sign-in", {"email": user.email, "password": PASSWORD})
    assert "not right or has already been used" in visible_text(other.post("/account/two-factor", {"recovery_code": "wxyz6789"}).content)


def test_a_person_makes_a_new_set_of_recovery_codes(client_for, users):
    client = client_for(Role.OFFICER)
    assert "You have 0 recovery codes left" in visible_text(client.get("/account/recovery-codes").content)
    made = client.post("/account/recovery-codes")
    page = client.get(made["Location"])
    assert "Save these codes now" in visible_text(page.content)
    assert len(re.findall(r"<li>[a-z2-7]{8}</li>", page.content.decode())) == 10
    assert "You have 10 recovery codes left" in visible_text(client.get("/account/recovery-codes").content)


# --- The same answer, in the same time -----------------------------------------------------------


def _timed_posts(client: Client, path: str, data: dict[str, str], rounds: int) -> tuple[list[float], list[str]]:
    times, queries = [], []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(path, data)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200
        queries = [re.sub(r"'[^']*'|\d+", "?", query["sql"]) for query in captured.captured_queries]
    return times, queries


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/account/password-reset", {"email": "{email}"}),
        ("/account/sign-up", {"full_name": "Pat Person", "email": "{email}", "new_password": PASSPHRASE}),
    ],
)
def test_known_and_unknown_addresses_get_the_same_answer_in_the_same_time(settings, path, data):
    settings.TASKS = QUEUE_ONLY  # as in production: the request only queues the work
    settings.ACCOUNT_EMAIL_PER_CLIENT = 1000
    settings.ACCOUNT_EMAIL_PER_ADDRESS = 1000
    UserFactory(role=Role.ADMIN, email="known@example.org")

    def answer(email: str) -> str:
        response = Client().post(path, {key: value.format(email=email) for key, value in data.items()})
        return visible_text(response.content).replace(email, "ADDRESS")

    assert answer("known@example.org") == answer("unknown@example.org")
    client = Client()
    known_times, known_queries = _timed_posts(client, path, {k: v.format(email="known@example.org") for k, v in data.items()}, 7)
    unknown_times, unknown_queries = _timed_posts(client, path, {k: v.format(email="unknown@example.org") for k, v in data.items()}, 7)
    # The same database work (so no look-up of the account), and the same time within noise.
    assert known_queries == unknown_queries
    assert not any("accounts_user" in query for query in known_queries)
    # The same time follows from the same work: the same queries, none of them about accounts, and the
    # address looked up by the worker afterwards. Wall-clock times are not asserted (a loaded machine
    # makes them noise); they are in the lists above for anyone debugging.
    assert known_times and unknown_times


# --- Rate limits, per address and per client, behind a proxy --------------------------------------


def _reset(client: Client, email: str, forwarded_for: str):
    return client.post("/account/password-reset", {"email": email}, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_an_address_is_limited_whichever_client_asks(settings):
    settings.TASKS = QUEUE_ONLY
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1")  # the load balancer
    for number in range(settings.ACCOUNT_EMAIL_PER_ADDRESS):
        assert _reset(client, "victim@example.org", f"203.0.113.{number}").status_code == 200
    refused = _reset(client, "victim@example.org", "198.51.100.7")
    assert refused.status_code == 429
    assert "Too many requests" in visible_text(refused.content)
    # Another address is unaffected.
    assert _reset(client, "someone.else@example.org", "198.51.100.7").status_code == 200


def test_a_client_is_limited_whichever_addresses_it_tries_and_other_clients_are_not(settings):
    settings.TASKS = QUEUE_ONLY
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1")
    for number in range(settings.ACCOUNT_EMAIL_PER_CLIENT):
        # The attacker also writes their own X-Forwarded-For entries: only the proxy's counts.
        assert _reset(client, f"person{number}@example.org", f"1.2.3.{number}, 203.0.113.9").status_code == 200
    assert _reset(client, "another@example.org", "9.9.9.9, 203.0.113.9").status_code == 429
    assert _reset(client, "another@example.org", "198.51.100.20").status_code == 200


def test_sign_up_is_limited_per_address(settings, django_capture_on_commit_callbacks):
    settings.TASKS = QUEUE_ONLY
    client = Client()
    answers = [
        client.post("/account/sign-up", {"full_name": "Pat", "email": "pat@example.org", "new_password": PASSPHRASE}).status_code
        for _ in range(settings.ACCOUNT_EMAIL_PER_ADDRESS + 1)
    ]
    assert answers == [200] * settings.ACCOUNT_EMAIL_PER_ADDRESS + [429]


# --- Lockout behind the load balancer ---------------------------------------------------------------


def test_an_attacker_locks_out_only_their_own_address_behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(role=Role.STAFF, email="victim@example.org")
    balancer = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = Client(**balancer)
    for number in range(settings.AXES_FAILURE_LIMIT):
        # Changing the left-hand entries, which the client writes itself, does not make a new client.
        attacker.post("/account/sign-in", {"email": "victim@example.org", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"7.7.7.{number}, 203.0.113.66")
    locked = attacker.post("/account/sign-in", {"email": "victim@example.org", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert locked.status_code == 429
    assert "Your account is locked" in visible_text(locked.content)
    # The owner, from their own address through the same balancer, still signs in.
    owner = Client(**balancer)
    response = owner.post("/account/sign-in", {"email": "victim@example.org", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.5")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings, rf):
    from lightbulb.accounts.protection import client_ip

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(rf.get("/", REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR="1.1.1.1")) == "203.0.113.1"
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.1, 10.0.0.1")
    assert client_ip(request) == "203.0.113.1"
    # Fewer entries than proxies, or rubbish: the connection's address.
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.1")) == "10.0.0.2"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip, 10.0.0.1")) == "10.0.0.2"
