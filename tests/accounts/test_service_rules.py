"""The account services, called directly: administrators manage users, each person keeps their own password and
authenticator, and signing up or finishing a password reset is public. Each enforces the rules its form does.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts import services
from lightbulb.accounts.forms import EnrolmentCodeForm, NewPasswordForm, ReasonForm, RecoveryCodeForm, SignUpForm, TokenForm, UserForm
from lightbulb.accounts.models import AccountToken, Membership, User
from lightbulb.core.checks import REQUIRED
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [User, TOTPDevice, Membership, AccountToken, StaticDevice, StaticToken]
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
    # Invited, not yet accepted: no password of their own.
    invited = UserFactory(role=Role.OFFICER, email="invited@example.org", password=None)
    invited.set_unusable_password()
    invited.save()
    # An account with an authenticator and recovery codes: nobody in `users` either.
    enrolled = UserFactory(role=Role.INVESTIGATOR, email="enrolled@example.org")
    TOTPDevice.objects.create(user=enrolled, name="Phone", confirmed=True)
    static = StaticDevice.objects.create(user=enrolled, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    return SimpleNamespace(
        users=users,
        admin=users[Role.ADMIN],
        outsider=other_organisation.memberships.get().user,
        target=target,
        invited=invited,
        enrolled=enrolled,
        device=TOTPDevice.objects.create(user=target, name="Authenticator app", confirmed=False),
    )


def _code_sent_to(user: User) -> str:
    """Issue a known enrolment code for `user`, as `enrolment_code_send` would."""
    services._token_issue(user=user, purpose=AccountToken.Purpose.ENROLMENT_CODE, lifetime=datetime.timedelta(minutes=15), raw="246810")
    return "246810"


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "user_create": (lambda w, a: services.user_create(acting_user=a, full_name="New Person", email="new@example.org", role=Role.STAFF), ("admin",)),
    "user_update": (lambda w, a: services.user_update(acting_user=a, user=w.target, job_title="Clerk"), ("admin",)),
    "user_two_factor_reset": (lambda w, a: services.user_two_factor_reset(acting_user=a, user=w.target, reason="Lost their phone"), ("admin",)),
    "invitation_send": (lambda w, a: services.invitation_send(acting_user=a, user=w.invited), ("admin",)),
}
# Only the account's owner: every identity in IDENTITIES is someone else.
OWN_ACCOUNT: dict[str, tuple[Any, tuple[str, ...]]] = {
    "user_set_password": (lambda w, a: services.user_set_password(acting_user=a, user=w.target, password=NEW_PASSWORD), ()),
    "totp_device_start": (lambda w, a: services.totp_device_start(acting_user=a, user=w.target), ()),
    "totp_device_confirm": (lambda w, a: services.totp_device_confirm(acting_user=a, device=w.device, code=code_for(w.device)), ()),
    "totp_code_verify": (lambda w, a: services.totp_code_verify(acting_user=a, device=w.device, code=code_for(w.device)), ()),
    "enrolment_code_send": (lambda w, a: services.enrolment_code_send(acting_user=a, user=w.target), ()),
    "enrolment_code_verify": (lambda w, a: services.enrolment_code_verify(acting_user=a, user=w.target, code="246810"), ()),
    "recovery_codes_create": (lambda w, a: services.recovery_codes_create(acting_user=a, user=w.enrolled), ()),
    "recovery_code_use": (lambda w, a: services.recovery_code_use(acting_user=a, user=w.enrolled, code="abcd2345"), ()),
}
# Who each OWN_ACCOUNT service is about.
OWNER = {"recovery_codes_create": "enrolled", "recovery_code_use": "enrolled"}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES) + cases(OWN_ACCOUNT))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = {**SERVICES, **OWN_ACCOUNT}[service]
    if service == "enrolment_code_verify":
        _code_sent_to(w.target)
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
def test_an_administrator_gets_through(w, service):
    SERVICES[service][0](w, w.admin)


@pytest.mark.parametrize("service", list(OWN_ACCOUNT))
def test_the_accounts_owner_gets_through(w, service):
    if service == "enrolment_code_verify":
        _code_sent_to(w.target)
    OWN_ACCOUNT[service][0](w, getattr(w, OWNER.get(service, "target")))


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


def test_sign_up_makes_a_portal_account_and_records_who_made_it(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_sign_up(full_name="Sam Signup", email="Sam@Example.org", password=NEW_PASSWORD)
    user = User.objects.get(email="sam@example.org")
    assert user.role == Role.VCS
    assert user.check_password(NEW_PASSWORD)
    # Not usable until the address is confirmed.
    assert user.email_verified_at is None
    event = AuditEvent.objects.get(action="user_create", object_id=str(user.pk))
    assert event.actor == user


def test_sign_up_with_a_taken_address_changes_nothing_about_that_account(w, django_capture_on_commit_callbacks):
    before = User.objects.get(pk=w.target.pk).password
    with django_capture_on_commit_callbacks(execute=True):
        services.user_sign_up(full_name="Mallory", email="Target@Example.org", password=NEW_PASSWORD)
    w.target.refresh_from_db()
    assert (w.target.password, w.target.full_name, w.target.role) == (before, "Tess Target", Role.OFFICER)
    assert User.objects.filter(email__iexact="target@example.org").count() == 1


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


# --- Council roles, invitations, enrolment codes, recovery codes ------------------------------------

PORTAL_ROLE = (
    "This account was made by signing up for the portal, so it cannot be given a council role. "
    "Invite the person as a new user instead (a council role comes only from an invitation or the council's sign-in)."
)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.INVESTIGATOR, Role.ADMIN, Role.STAFF, Role.COUNCILLOR])
def test_a_portal_account_is_never_given_a_council_role(w, role):
    portal = w.users[Role.VCS]
    assert_invalid(lambda: services.user_update(acting_user=w.admin, user=portal, role=role), "role", PORTAL_ROLE, WATCHED)
    portal.refresh_from_db()
    assert portal.role == Role.VCS


def test_a_council_account_may_still_change_between_council_roles(w):
    services.user_update(acting_user=w.admin, user=w.users[Role.STAFF], role=Role.OFFICER)
    assert User.objects.get(pk=w.users[Role.STAFF].pk).role == Role.OFFICER


def test_an_accepted_invitation_is_not_sent_again(w):
    assert_invalid(lambda: services.invitation_send(acting_user=w.admin, user=w.target), None, services.INVITATION_ACCEPTED, WATCHED)


@pytest.mark.parametrize(("password", "message"), [("", REQUIRED), ("short", TOO_SHORT), ("password1234", TOO_COMMON)])
def test_accepting_an_invitation_takes_the_password_rules(w, django_capture_on_commit_callbacks, password, message):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(acting_user=w.admin, user=w.invited)
    from django.core import mail

    token = mail.outbox[-1].body.split("/account/invitation/")[1].split()[0]
    assert_invalid(lambda: services.invitation_accept(token=token, password=password), "new_password", message, WATCHED)
    form = NewPasswordForm({"new_password": password}, user=w.invited)
    assert not form.is_valid()
    assert message in form.errors["new_password"]


@pytest.mark.parametrize("code", ["", "12ab56", "1234567", None])
def test_an_enrolment_code_that_is_not_six_numbers_is_refused_as_the_form_refuses_it(w, code):
    _code_sent_to(w.target)
    message = "Enter the 6 numbers from the e-mail we sent you"
    assert_invalid(lambda: services.enrolment_code_verify(acting_user=w.target, user=w.target, code=code), "code", message, WATCHED)
    if code:
        form = EnrolmentCodeForm({"code": code})
        assert not form.is_valid()
        assert message in form.errors["code"]


def test_an_enrolment_code_stops_working_after_five_wrong_tries(w):
    _code_sent_to(w.target)
    for _ in range(services.ENROLMENT_CODE_TRIES):
        with pytest.raises(ValidationError, match="not right"):
            services.enrolment_code_verify(acting_user=w.target, user=w.target, code="135790")
    # Now even the right code is refused, and nothing is recorded as proved.
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        services.enrolment_code_verify(acting_user=w.target, user=w.target, code="246810")
    assert not AuditEvent.objects.filter(action="enrolment_code_verify").exists()


def test_an_enrolment_code_works_once_and_not_after_it_expires(w):
    _code_sent_to(w.target)
    services.enrolment_code_verify(acting_user=w.target, user=w.target, code="246810")
    with pytest.raises(ValidationError, match="not right or has expired"):
        services.enrolment_code_verify(acting_user=w.target, user=w.target, code="246810")
    _code_sent_to(w.target)
    AccountToken.objects.filter(user=w.target).update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError, match="not right or has expired"):
        services.enrolment_code_verify(acting_user=w.target, user=w.target, code="246810")


def test_one_persons_code_does_not_prove_another(w):
    _code_sent_to(w.users[Role.ADMIN])
    with pytest.raises(ValidationError, match="not right or has expired"):
        services.enrolment_code_verify(acting_user=w.target, user=w.target, code="246810")


@pytest.mark.parametrize("code", ["", "abc", "abcd23456", "abcd-234", None])
def test_a_recovery_code_of_the_wrong_shape_is_refused_as_the_form_refuses_it(w, code):
    message = "Enter a recovery code: 8 letters and numbers"
    assert_invalid(lambda: services.recovery_code_use(acting_user=w.enrolled, user=w.enrolled, code=code), "recovery_code", message, WATCHED)
    if code:
        form = RecoveryCodeForm({"recovery_code": code})
        assert not form.is_valid()
        assert message in form.errors["recovery_code"]


def test_a_recovery_code_works_once(w):
    services.recovery_code_use(acting_user=w.enrolled, user=w.enrolled, code="ABCD 2345")
    assert AuditEvent.objects.filter(action="recovery_code_use", object_id=str(w.enrolled.pk)).exists()
    StaticDevice.objects.get(user=w.enrolled).throttle_reset()
    with pytest.raises(ValidationError, match="already been used"):
        services.recovery_code_use(acting_user=w.enrolled, user=w.enrolled, code="abcd2345")


def test_new_recovery_codes_replace_the_old_and_need_an_authenticator(w):
    codes = services.recovery_codes_create(acting_user=w.enrolled, user=w.enrolled)
    assert len(set(codes)) == 10
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    assert_refused(lambda: services.recovery_codes_create(acting_user=w.target, user=w.target), WATCHED)


def test_an_administrators_reset_removes_authenticator_and_recovery_codes_and_is_audited(w):
    services.user_two_factor_reset(acting_user=w.admin, user=w.enrolled, reason="Phone lost on a train")
    assert not TOTPDevice.objects.filter(user=w.enrolled).exists()
    assert not StaticDevice.objects.filter(user=w.enrolled).exists()
    event = AuditEvent.objects.get(action="user_two_factor_reset", object_id=str(w.enrolled.pk))
    assert event.actor == w.admin
