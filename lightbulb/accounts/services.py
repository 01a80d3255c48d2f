"""Writes about users: every one audited, in one transaction."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import User
from lightbulb.core.audit import audit_event_record, diff, snapshot

USER_FIELDS = ["full_name", "email", "role", "job_title", "service_area", "is_active"]


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
    user = User(email=email.lower(), full_name=full_name, role=role, job_title=job_title, service_area=service_area, is_active=is_active)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_event_record(
        actor=acting_user,
        action="user_create",
        obj=user,
        changes={key: [None, value] for key, value in snapshot(user, USER_FIELDS).items()},
        summary=f"Account created for {user.email} as {user.get_role_display()}",
    )
    return user


@transaction.atomic
def user_update(*, acting_user: Any, user: User, **fields: Any) -> User:
    before = snapshot(user, USER_FIELDS)
    for name, value in fields.items():
        if name not in USER_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(user, name, value.lower() if name == "email" else value)
    user.full_clean()
    user.save()
    changes = diff(before, snapshot(user, USER_FIELDS))
    if changes:
        audit_event_record(actor=acting_user, action="user_update", obj=user, changes=changes, summary="Account details changed")
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_event_record(actor=user, action="user_set_password", obj=user, summary="Password set")


@transaction.atomic
def user_two_factor_reset(*, acting_user: Any, user: User, reason: str) -> None:
    """Remove a user's authenticator so they set up a new one at next sign-in."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    audit_event_record(
        actor=acting_user,
        action="user_two_factor_reset",
        obj=user,
        changes={"reason": ["", reason]},
        summary=f"Two-factor authentication reset ({removed} device(s) removed)",
    )


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for the user to scan; earlier unconfirmed ones are replaced."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_event_record(actor=user, action="totp_device_confirm", obj=user, summary="Two-factor authentication set up")


@transaction.atomic
def user_calendar_token_reset(*, user: User) -> str:
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    audit_event_record(actor=user, action="user_calendar_token_reset", obj=user, summary="Calendar feed address reset")
    return user.calendar_token
