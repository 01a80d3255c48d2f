"""Writes about users: every one audited, in one transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import User
from lightbulb.accounts.rules import can_manage_users, is_self
from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.checks import INVALID_CHOICE, REQUIRED, FieldChecks
from lightbulb.core.roles import Role
from lightbulb.core.rules import require

USER_FIELDS = ["full_name", "email", "role", "job_title", "service_area", "is_active"]
USERS_MESSAGE = "Only system administrators manage users."
OWN_ACCOUNT_MESSAGE = "Only the account's owner does this."
# The forms' messages (forms.py), for the same rules checked here.
EMAIL_TAKEN = "Another account already uses this e-mail address"
SIGN_UP_EMAIL_TAKEN = "An account with this e-mail address already exists. Sign in, or reset your password."
OWN_ADMIN_ROLE = "You cannot remove your own administrator role or deactivate yourself"
CODE_FORMAT = "Enter the 6 numbers shown in your authenticator app"
CODE_THROTTLED = "Too many wrong codes in a row. Wait a minute, then enter the code your app shows."
CODE_WRONG = "The code is not right or has expired. Enter the code your app shows now."
RESET_LINK_USED = "This link to set your password has expired or has already been used. Ask for a new one."


def _email(checks: FieldChecks, value: Any, taken_message: str, current: User | None = None) -> str:
    email = checks.email("email", value).lower()
    if not email:
        checks.add("email", REQUIRED)
    elif not checks.failed("email"):
        taken = User.objects.filter(email__iexact=email)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            checks.add("email", taken_message)
    return email


def _user_checked(fields: dict[str, Any], current: User | None = None) -> dict[str, Any]:
    """UserForm's rules on the fields given, each cleaned."""
    checks = FieldChecks()
    rules: dict[str, Any] = {
        "full_name": lambda value: checks.text("full_name", value, required=REQUIRED, max_length=200),
        "email": lambda value: _email(checks, value, EMAIL_TAKEN, current),
        "role": lambda value: checks.choice("role", value, Role.values, required=REQUIRED, invalid=INVALID_CHOICE),
        "job_title": lambda value: checks.text("job_title", value, max_length=200),
        "service_area": lambda value: checks.text("service_area", value, max_length=200),
        "is_active": bool,
    }
    cleaned = {name: rules[name](value) for name, value in fields.items()}
    checks.raise_if_any()
    return cleaned


def _new_password(password: Any, user: User) -> str:
    """NewPasswordForm's rules: Django's password validators, on the form's `new_password` field."""
    checks = FieldChecks()
    if not isinstance(password, str) or not password:
        checks.add("new_password", REQUIRED)
    elif len(password) > 256:
        checks.add("new_password", f"Ensure this value has at most 256 characters (it has {len(password)}).")
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            for message in error.messages:
                checks.add("new_password", message)
    checks.raise_if_any()
    return str(password)


def password_reset_link(*, user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def password_reset_send(*, user: User, base_url: str, welcome: bool = False) -> None:
    link = password_reset_link(user=user, base_url=base_url)
    subject = f"{'Set up' if welcome else 'Reset'} your {settings.SERVICE_NAME} password"
    body = (
        f"Hello {user.display_name},\n\n"
        f"Use this link to {'set' if welcome else 'reset'} your password for {settings.SERVICE_NAME} ({settings.COUNCIL_NAME}):\n\n"
        f"{link}\n\nThe link works once and expires in 3 days. If you did not ask for this, ignore this e-mail.\n"
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


@transaction.atomic
def user_create(
    *, acting_user: Any, full_name: str, email: str, role: str, password: str | None = None, job_title: str = "", service_area: str = "", is_active: bool = True
) -> User:
    require(can_manage_users, acting_user, message=USERS_MESSAGE)
    values = _user_checked({"full_name": full_name, "email": email, "role": role, "job_title": job_title, "service_area": service_area, "is_active": is_active})
    user = User(**values)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return _user_save_new(user, actor=acting_user, summary=f"Account created for {user.email} as {user.get_role_display()}")


def _user_save_new(user: User, *, actor: Any, summary: str) -> User:
    """Save a new account and record it: `user_create` for an administrator's, `user_sign_up` for a person's own."""
    user.full_clean()
    user.save()
    audit_event_record(
        actor=actor,
        action="user_create",
        obj=user,
        changes={key: [None, value] for key, value in snapshot(user, USER_FIELDS).items()},
        summary=summary,
    )
    return user


@transaction.atomic
def user_update(*, acting_user: Any, user: User, **fields: Any) -> User:
    require(can_manage_users, acting_user, user, message=USERS_MESSAGE)
    unknown = sorted(set(fields) - set(USER_FIELDS))
    if unknown:
        raise ValueError(f"{unknown[0]} cannot be changed here")
    fields = _user_checked(fields, current=user)
    # An administrator cannot lock themselves out: someone must still be able to manage users.
    if user.pk == acting_user.pk and (fields.get("role", user.role) != Role.ADMIN or not fields.get("is_active", user.is_active)):
        raise ValidationError({"role": OWN_ADMIN_ROLE})
    before = snapshot(user, USER_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean()
    user.save()
    changes = diff(before, snapshot(user, USER_FIELDS))
    if changes:
        audit_event_record(actor=acting_user, action="user_update", obj=user, changes=changes, summary="Account details changed")
    return user


@transaction.atomic
def user_sign_up(*, full_name: str, email: str, password: str) -> User:
    """Anyone may make a portal account for themselves (a `vcs` user), as SignUpForm takes it: public, like a password reset."""
    checks = FieldChecks()
    full_name = checks.text("full_name", full_name, required=REQUIRED, max_length=200)
    email = _email(checks, email, SIGN_UP_EMAIL_TAKEN)
    checks.raise_if_any()
    user = User(email=email, full_name=full_name, role=Role.VCS)
    user.set_password(_new_password(password, user))
    return _user_save_new(user, actor=user, summary=f"Account created for {user.email} as {user.get_role_display()}: they signed up")


def _set_password(user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_event_record(actor=user, action="user_set_password", obj=user, summary="Password set")


@transaction.atomic
def user_set_password(*, acting_user: Any, user: User, password: str) -> None:
    """A signed-in user changes their own password."""
    require(is_self, acting_user, user, message=OWN_ACCOUNT_MESSAGE)
    _set_password(user, _new_password(password, user))


@transaction.atomic
def password_reset_complete(*, user: User, token: str, password: str) -> None:
    """Whoever holds the link from `password_reset_send` sets the account's password: public, the link is the proof."""
    if not default_token_generator.check_token(user, token):
        raise ValidationError(RESET_LINK_USED)
    _set_password(user, _new_password(password, user))


@transaction.atomic
def user_two_factor_reset(*, acting_user: Any, user: User, reason: str) -> None:
    """Remove a user's authenticator so they set up a new one at next sign-in."""
    require(can_manage_users, acting_user, user, message=USERS_MESSAGE)
    checks = FieldChecks()
    reason = checks.text("reason", reason, required=REQUIRED, max_length=2000)
    checks.raise_if_any()
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    audit_event_record(
        actor=acting_user,
        action="user_two_factor_reset",
        obj=user,
        changes={"reason": ["", reason]},
        summary=f"Two-factor authentication reset ({removed} device(s) removed)",
    )


@transaction.atomic
def totp_device_start(*, acting_user: Any, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for the user to scan; earlier unconfirmed ones are replaced."""
    require(is_self, acting_user, user, message=OWN_ACCOUNT_MESSAGE)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_code_verify(*, acting_user: Any, device: TOTPDevice, code: str) -> None:
    """The code from the user's own authenticator, as TokenForm takes it; counts wrong tries (django-otp throttling)."""
    require(is_self, acting_user, device.user_id, message=OWN_ACCOUNT_MESSAGE)
    code = "".join(str(code or "").split())
    if not code.isdigit() or len(code) != 6:
        raise ValidationError({"code": CODE_FORMAT})
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"code": CODE_THROTTLED})
    if not device.verify_token(code):
        raise ValidationError({"code": CODE_WRONG})


@transaction.atomic
def totp_device_confirm(*, acting_user: Any, device: TOTPDevice, code: str) -> None:
    """A new authenticator is confirmed once it has shown a right code."""
    require(is_self, acting_user, device.user_id, message=OWN_ACCOUNT_MESSAGE)
    if device.confirmed:
        raise PermissionDenied("This authenticator is already set up.")
    totp_code_verify(acting_user=acting_user, device=device, code=code)
    user = device.user
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_event_record(actor=user, action="totp_device_confirm", obj=user, summary="Two-factor authentication set up")
