"""The account services, called directly: administrators manage users, each person keeps their own password and
authenticator, and signing up or finishing a password reset is public. Each enforces the rules its form does.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts import services
from lightbulb.accounts.forms import NewPasswordForm, ReasonForm, SignUpForm, TokenForm, UserForm
from lightbulb.accounts.models import Membership, User
from lightbulb.core.checks import REQUIRED
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [User, TOTPDevice, Membership]
NO_TAGS = "Enter text without HTML tags (remove anything between < and >)"
NEW_PASSWORD = "a-long-and-unusual-passphrase"
TOO_SHORT = "This password is too short. It must contain at least 12 characters."
TOO_COMMON = "This password is too common."


def too_long(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {limit + 1})."


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


@pytest.fixture
def w(users, other_organisation):
    # The account the self-service calls act on: nobody in `users` is its owner.
    target = UserFactory(role=Role.OFFICER, email="target@example.org", full_name="Tess Target")
    return SimpleNamespace(
        users=users,
        admin=users[Role.ADMIN],
        outsider=other_organisation.memberships.get().user,
        target=target,
        device=TOTPDevice.objects.create(user=target, name="Authenticator app", confirmed=False),
    )


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "user_create": (lambda w, a: services.user_create(acting_user=a, full_name="New Person", email="new@example.org", role=Role.STAFF), ("admin",)),
    "user_update": (lambda w, a: services.user_update(acting_user=a, user=w.target, job_title="Clerk"), ("admin",)),
    "user_two_factor_reset": (lambda w, a: services.user_two_factor_reset(acting_user=a, user=w.target, reason="Lost their phone"), ("admin",)),
}
# Only the account's owner: every identity in IDENTITIES is someone else.
OWN_ACCOUNT: dict[str, tuple[Any, tuple[str, ...]]] = {
    "user_set_password": (lambda w, a: services.user_set_password(acting_user=a, user=w.target, password=NEW_PASSWORD), ()),
    "totp_device_start": (lambda w, a: services.totp_device_start(acting_user=a, user=w.target), ()),
    "totp_device_confirm": (lambda w, a: services.totp_device_confirm(acting_user=a, device=w.device, code=code_for(w.device)), ()),
    "totp_code_verify": (lambda w, a: services.totp_code_verify(acting_user=a, device=w.device, code=code_for(w.device)), ()),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES) + cases(OWN_ACCOUNT))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = {**SERVICES, **OWN_ACCOUNT}[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
def test_an_administrator_gets_through(w, service):
    SERVICES[service][0](w, w.admin)


@pytest.mark.parametrize("service", list(OWN_ACCOUNT))
def test_the_accounts_owner_gets_through(w, service):
    OWN_ACCOUNT[service][0](w, w.target)


def test_an_inactive_owner_is_refused(w):
    w.target.is_active = False
    assert_refused(lambda: services.totp_device_start(acting_user=w.target, user=w.target), WATCHED)


def test_nobody_confirms_another_persons_authenticator(w):
    other = TOTPDevice.objects.create(user=w.users[Role.STAFF], name="Authenticator app", confirmed=False)
    assert_refused(lambda: services.totp_device_confirm(acting_user=w.target, device=other, code=code_for(other)), WATCHED)


def test_a_confirmed_authenticator_is_not_confirmed_again(w):
    services.totp_device_confirm(acting_user=w.target, device=w.device, code=code_for(w.device))
    events = AuditEvent.objects.count()
    assert_refused(lambda: services.totp_device_confirm(acting_user=w.target, device=w.device, code="000000"), WATCHED)
    assert AuditEvent.objects.count() == events


# --- UserForm ------------------------------------------------------------------------------------

GOOD_USER = {"full_name": "New Person", "email": "new@example.org", "role": Role.STAFF, "job_title": "", "service_area": "", "is_active": True}
USER_RULES = [
    ("full_name", "", REQUIRED),
    ("full_name", "x" * 201, too_long(200)),
    ("full_name", "<b>New</b>", NO_TAGS),
    ("email", "", REQUIRED),
    ("email", "not-an-email", "Enter a valid email address."),
    ("email", "TARGET@example.org", "Another account already uses this e-mail address"),
    ("role", "", REQUIRED),
    ("role", "king", "Select a valid choice. king is not one of the available choices."),
    ("job_title", "x" * 201, too_long(200)),
    ("service_area", "<i>Parks</i>", NO_TAGS),
]


@pytest.mark.parametrize(("field", "value", "message"), USER_RULES)
def test_user_create_refuses_what_the_form_refuses(w, field, value, message):
    values = {**GOOD_USER, field: value}
    assert_invalid(lambda: services.user_create(acting_user=w.admin, **values), field, message, WATCHED)
    form = UserForm(values)
    assert not form.is_valid()
    assert message in form.errors[field]


@pytest.mark.parametrize(("field", "value", "message"), USER_RULES)
def test_user_update_refuses_what_the_form_refuses(w, field, value, message):
    other = UserFactory(role=Role.STAFF, email="other@example.org")
    assert_invalid(lambda: services.user_update(acting_user=w.admin, user=other, **{field: value}), field, message, WATCHED)


def test_user_update_keeps_a_persons_own_address(w):
    services.user_update(acting_user=w.admin, user=w.target, email="TARGET@example.org", job_title="Clerk")
    w.target.refresh_from_db()
    assert (w.target.email, w.target.job_title) == ("target@example.org", "Clerk")


@pytest.mark.parametrize("change", [{"role": Role.OFFICER}, {"is_active": False}])
def test_an_administrator_cannot_lock_themselves_out(w, change):
    assert_invalid(
        lambda: services.user_update(acting_user=w.admin, user=w.admin, **change),
        "role",
        "You cannot remove your own administrator role or deactivate yourself",
        WATCHED,
    )


# --- SignUpForm, NewPasswordForm ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", REQUIRED),
        ("full_name", "<script>x</script>", NO_TAGS),
        ("email", "", REQUIRED),
        ("email", "nope", "Enter a valid email address."),
        ("email", "Target@Example.org", "An account with this e-mail address already exists. Sign in, or reset your password."),
        ("new_password", "", REQUIRED),
        ("new_password", "short", TOO_SHORT),
        ("new_password", "password1234", TOO_COMMON),
        ("new_password", "sam.signup@example.org", "The password is too similar to the E-mail address."),
    ],
)
def test_sign_up_refuses_what_the_form_refuses(w, field, value, message):
    answers = {"full_name": "Sam Signup", "email": "sam.signup@example.org", "new_password": NEW_PASSWORD, field: value}
    call = lambda: services.user_sign_up(full_name=answers["full_name"], email=answers["email"], password=answers["new_password"])  # noqa: E731
    assert_invalid(call, field, message, WATCHED)
    form = SignUpForm(answers)
    assert not form.is_valid()
    assert message in form.errors[field]


def test_sign_up_makes_a_portal_account_and_records_who_made_it(w):
    user = services.user_sign_up(full_name="Sam Signup", email="Sam@Example.org", password=NEW_PASSWORD)
    assert (user.email, user.role) == ("sam@example.org", Role.VCS)
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="user_create", object_id=str(user.pk))
    assert event.actor == user


@pytest.mark.parametrize(
    ("password", "message"), [("", REQUIRED), (None, REQUIRED), ("short", TOO_SHORT), ("password1234", TOO_COMMON), ("x" * 257, too_long(256))]
)
def test_a_new_password_is_refused_as_the_form_refuses_it(w, password, message):
    assert_invalid(lambda: services.user_set_password(acting_user=w.target, user=w.target, password=password), "new_password", message, WATCHED)
    token = default_token_generator.make_token(w.target)
    assert_invalid(lambda: services.password_reset_complete(user=w.target, token=token, password=password), "new_password", message, WATCHED)
    form = NewPasswordForm({"new_password": password or ""}, user=w.target)
    assert not form.is_valid()
    assert message in form.errors["new_password"]
    assert w.target.check_password(PASSWORD)


def test_a_password_reset_needs_a_link_that_works(w):
    assert_invalid(
        lambda: services.password_reset_complete(user=w.target, token="not-a-token", password=NEW_PASSWORD),
        None,
        "This link to set your password has expired or has already been used. Ask for a new one.",
        WATCHED,
    )
    token = default_token_generator.make_token(w.target)
    services.password_reset_complete(user=w.target, token=token, password=NEW_PASSWORD)
    w.target.refresh_from_db()
    assert w.target.check_password(NEW_PASSWORD)
    # The link works once.
    with pytest.raises(ValidationError, match="already been used"):
        services.password_reset_complete(user=w.target, token=token, password="another-long-passphrase")


# --- ReasonForm, TokenForm ---------------------------------------------------------------------------


@pytest.mark.parametrize(("reason", "message"), [("", REQUIRED), (None, REQUIRED), ("x" * 2001, too_long(2000)), ("<b>lost</b>", NO_TAGS)])
def test_a_two_factor_reset_needs_a_reason_as_the_form_does(w, reason, message):
    TOTPDevice.objects.filter(pk=w.device.pk).update(confirmed=True)
    assert_invalid(lambda: services.user_two_factor_reset(acting_user=w.admin, user=w.target, reason=reason), "reason", message, WATCHED)
    form = ReasonForm({"reason": reason or ""})
    assert not form.is_valid()
    assert message in form.errors["reason"]


@pytest.mark.parametrize("code", ["", "12ab56", "1234567", None])
def test_a_code_that_is_not_six_numbers_is_refused_as_the_form_refuses_it(w, code):
    message = "Enter the 6 numbers shown in your authenticator app"
    assert_invalid(lambda: services.totp_device_confirm(acting_user=w.target, device=w.device, code=code), "code", message, WATCHED)
    if code:
        form = TokenForm({"code": code})
        assert not form.is_valid()
        assert message in form.errors["code"]


def test_a_wrong_code_confirms_nothing(w):
    wrong = str((int(code_for(w.device)) + 1) % 1_000_000).zfill(6)
    with pytest.raises(ValidationError, match="not right or has expired"):
        services.totp_device_confirm(acting_user=w.target, device=w.device, code=wrong)
    w.device.refresh_from_db()
    assert not w.device.confirmed
    assert not AuditEvent.objects.filter(action="totp_device_confirm").exists()
