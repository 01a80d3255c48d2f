"""Writes about users: every one audited, in one transaction."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import AccountToken, User
from lightbulb.accounts.rules import can_manage_users, is_self
from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.checks import INVALID_CHOICE, REQUIRED, FieldChecks
from lightbulb.core.mail import email_enqueue
from lightbulb.core.roles import Role
from lightbulb.core.rules import COUNCIL_ROLES, require

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
PORTAL_ACCOUNT_ROLE = (
    "This account was made by signing up for the portal, so it cannot be given a council role. "
    "Invite the person as a new user instead (a council role comes only from an invitation or the council's sign-in)."
)
INVITATION_USED = "This invitation has expired or has already been used. Ask your administrator to send a new one."
INVITATION_ACCEPTED = "This person has already accepted their invitation: they can reset their own password."
VERIFY_LINK_USED = "This link has expired or has already been used. Sign in, or sign up again to get a new one."
ENROLMENT_CODE_FORMAT = "Enter the 6 numbers from the e-mail we sent you"
ENROLMENT_CODE_WRONG = "The code is not right or has expired. Enter the code from the latest e-mail, or send a new one."
ENROLMENT_CODE_SPENT = "Too many wrong codes. Send a new code and enter that one."
RECOVERY_CODE_WRONG = "The recovery code is not right or has already been used"
RECOVERY_CODE_FORMAT = "Enter a recovery code: 8 letters and numbers"

INVITATION_DAYS = 7
VERIFICATION_DAYS = 3
ENROLMENT_CODE_MINUTES = 15
ENROLMENT_CODE_TRIES = 5
RECOVERY_CODE_COUNT = 10
Purpose = AccountToken.Purpose


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


def password_reset_send(*, user: User, base_url: str = "") -> None:
    """E-mail the account a link to set its password (through the worker)."""
    link = password_reset_link(user=user, base_url=base_url or settings.SITE_URL)
    subject = f"Reset your {settings.SERVICE_NAME} password"
    body = (
        f"Hello {user.display_name},\n\n"
        f"Use this link to reset your password for {settings.SERVICE_NAME} ({settings.COUNCIL_NAME}):\n\n"
        f"{link}\n\nThe link works once and expires in 3 days. If you did not ask for this, ignore this e-mail.\n"
    )
    email_enqueue(to=[user.email], subject=subject, body=body)


def password_reset_request(*, email: str) -> None:
    """Anyone may ask for a reset link for an address: public. The request only queues the look-up, so it
    answers in the same time, with the same page, whether or not the address has an account."""
    from lightbulb.accounts.tasks import password_reset_deliver

    address = str(email or "").strip().lower()[:254]
    transaction.on_commit(lambda: password_reset_deliver.enqueue(email=address))


def password_reset_deliver_now(*, email: str) -> bool:
    """The worker's half of `password_reset_request`: e-mail the link if the address has an active account."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return False
    password_reset_send(user=user)
    return True


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
        # The person chooses a password through their invitation; the address is proved by using it.
        user.set_unusable_password()
        user.email_verified_at = None
    user = _user_save_new(user, actor=acting_user, summary=f"Account created for {user.email} as {user.get_role_display()}")
    if not password:
        _invitation_issue(acting_user=acting_user, user=user)
    return user


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
    # A council role comes from an invitation or the council's identity provider, never from a portal
    # account someone made for themselves: whoever controls that account would hold the role.
    if user.role == Role.VCS and fields.get("role", user.role) in COUNCIL_ROLES:
        raise ValidationError({"role": PORTAL_ACCOUNT_ROLE})
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


def user_sign_up(*, full_name: str, email: str, password: str) -> None:
    """Anyone may ask for a portal account (a `vcs` user), as SignUpForm takes it: public, like a password reset.

    Nothing about existing accounts is looked at here: the worker makes the account and e-mails a
    link to confirm the address, or tells the address's owner they already have one
    (`sign_up_complete`). So the page, and the time it takes, are the same for a known address.
    """
    from lightbulb.accounts.tasks import sign_up_deliver

    checks = FieldChecks()
    full_name = checks.text("full_name", full_name, required=REQUIRED, max_length=200)
    address = checks.email("email", email).lower()
    if not address and not checks.failed("email"):
        checks.add("email", REQUIRED)
    checks.raise_if_any()
    password_hash = make_password(_new_password(password, User(email=address, full_name=full_name)))
    transaction.on_commit(lambda: sign_up_deliver.enqueue(full_name=full_name, email=address, password_hash=password_hash))


@transaction.atomic
def sign_up_complete(*, full_name: str, email: str, password_hash: str) -> User | None:
    """The worker's half of `user_sign_up`: a new account waits for its address to be confirmed."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        email_enqueue(
            to=[existing.email],
            subject=f"You already have a {settings.SERVICE_NAME} account",
            body=(
                f"Someone asked to create a {settings.SERVICE_NAME} account ({settings.COUNCIL_NAME}) with this e-mail address, "
                f"which already has one. Sign in at {settings.SITE_URL}{reverse('accounts:sign_in')}, or reset your password at "
                f"{settings.SITE_URL}{reverse('accounts:password_reset')}.\n\nIf this was not you, you need do nothing.\n"
            ),
        )
        return None
    user = User(email=email, full_name=full_name, role=Role.VCS, password=password_hash, email_verified_at=None)
    user = _user_save_new(user, actor=user, summary=f"Account created for {user.email} as {user.get_role_display()}: they signed up")
    raw = _token_issue(user=user, purpose=Purpose.EMAIL_VERIFICATION, lifetime=datetime.timedelta(days=VERIFICATION_DAYS))
    link = settings.SITE_URL + reverse("accounts:email_verify", kwargs={"token": raw})
    email_enqueue(
        to=[user.email],
        subject=f"Confirm your e-mail address for {settings.SERVICE_NAME}",
        body=(
            f"Hello {user.display_name},\n\nTo finish creating your {settings.SERVICE_NAME} account ({settings.COUNCIL_NAME}), "
            f"confirm your e-mail address with this link:\n\n{link}\n\nThe link works once and expires in {VERIFICATION_DAYS} days. "
            "If you did not ask for an account, ignore this e-mail and none will be made.\n"
        ),
    )
    return user


def _token_hash(raw: str, user_id: int | None = None) -> str:
    material = f"{user_id}:{raw}" if user_id is not None else raw
    return hashlib.sha256(material.encode()).hexdigest()


def _token_issue(*, user: User, purpose: str, lifetime: datetime.timedelta, created_by: Any = None, raw: str = "") -> str:
    """A new single-use secret for `user`; any earlier one for the same purpose stops working."""
    now = timezone.now()
    AccountToken.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
    raw = raw or secrets.token_urlsafe(32)
    short = purpose == Purpose.ENROLMENT_CODE
    AccountToken.objects.create(
        user=user,
        purpose=purpose,
        token_hash=_token_hash(raw, user.pk if short else None),
        expires_at=now + lifetime,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    return raw


def _token_live(*, purpose: str, raw: str) -> AccountToken | None:
    """The unused, unexpired token of an active account that `raw` is, locked for the transaction."""
    if not isinstance(raw, str) or not raw or len(raw) > 100:
        return None
    return (
        AccountToken.objects.select_for_update()
        .select_related("user")
        .filter(purpose=purpose, token_hash=_token_hash(raw), used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )


@transaction.atomic
def user_email_verify(*, token: str) -> User:
    """Whoever holds the link `sign_up_complete` sent confirms the address: public, the link is the proof."""
    found = _token_live(purpose=Purpose.EMAIL_VERIFICATION, raw=token)
    if found is None:
        raise ValidationError(VERIFY_LINK_USED)
    user = found.user
    found.used_at = timezone.now()
    found.save(update_fields=["used_at"])
    user.email_verified_at = found.used_at
    user.save(update_fields=["email_verified_at"])
    audit_event_record(actor=user, action="user_email_verify", obj=user, summary="E-mail address confirmed")
    return user


def _invitation_issue(*, acting_user: Any, user: User) -> None:
    raw = _token_issue(user=user, purpose=Purpose.INVITATION, lifetime=datetime.timedelta(days=INVITATION_DAYS), created_by=acting_user)
    link = settings.SITE_URL + reverse("accounts:invitation_accept", kwargs={"token": raw})
    email_enqueue(
        to=[user.email],
        subject=f"You have been invited to {settings.SERVICE_NAME}",
        body=(
            f"Hello {user.display_name},\n\n{getattr(acting_user, 'display_name', 'An administrator')} has given you an account on "
            f"{settings.SERVICE_NAME} ({settings.COUNCIL_NAME}) as {user.get_role_display()}. Use this link to choose your password"
            f"{' and set up two-factor authentication' if user.needs_two_factor else ''}:\n\n{link}\n\n"
            f"The link works once and expires in {INVITATION_DAYS} days. If you were not expecting this, tell your council's IT team.\n"
        ),
    )
    audit_event_record(actor=acting_user, action="invitation_send", obj=user, summary=f"Invitation sent to {user.email}, valid for {INVITATION_DAYS} days")


@transaction.atomic
def invitation_send(*, acting_user: Any, user: User) -> None:
    """Send a new invitation to an account not yet taken up (an earlier link stops working)."""
    require(can_manage_users, acting_user, user, message=USERS_MESSAGE)
    if user.has_usable_password() or not user.is_active:
        raise ValidationError(INVITATION_ACCEPTED)
    _invitation_issue(acting_user=acting_user, user=user)


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Whoever holds an invitation chooses the account's password: public, the link is the proof (and proves the address)."""
    found = _token_live(purpose=Purpose.INVITATION, raw=token)
    if found is None:
        raise ValidationError(INVITATION_USED)
    user = found.user
    password = _new_password(password, user)
    found.used_at = timezone.now()
    found.save(update_fields=["used_at"])
    user.set_password(password)
    user.email_verified_at = user.email_verified_at or found.used_at
    user.save(update_fields=["password", "email_verified_at"])
    audit_event_record(actor=user, action="invitation_accept", obj=user, summary="Invitation accepted and password chosen")
    return user


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
    if user.email_verified_at is None:
        # The link reached the address: that confirms it as well as the link sent after sign-up does.
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


@transaction.atomic
def user_two_factor_reset(*, acting_user: Any, user: User, reason: str) -> None:
    """Remove a user's authenticator so they set up a new one at next sign-in."""
    require(can_manage_users, acting_user, user, message=USERS_MESSAGE)
    checks = FieldChecks()
    reason = checks.text("reason", reason, required=REQUIRED, max_length=2000)
    checks.raise_if_any()
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
    StaticDevice.objects.filter(user=user).delete()
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


def enrolment_code_send(*, acting_user: Any, user: User) -> None:
    """E-mail a 6-digit code the person enters before setting up their first authenticator: a password alone is not enough."""
    require(is_self, acting_user, user, message=OWN_ACCOUNT_MESSAGE)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        _token_issue(user=user, purpose=Purpose.ENROLMENT_CODE, lifetime=datetime.timedelta(minutes=ENROLMENT_CODE_MINUTES), raw=code)
        email_enqueue(
            to=[user.email],
            subject=f"Your code to set up two-factor authentication for {settings.SERVICE_NAME}",
            body=(
                f"Hello {user.display_name},\n\nYour code is {code}\n\nEnter it on the page that asked for it, within "
                f"{ENROLMENT_CODE_MINUTES} minutes. If you did not just sign in to {settings.SERVICE_NAME}, someone knows your "
                "password: reset it and tell your council's IT team.\n"
            ),
        )


def enrolment_code_verify(*, acting_user: Any, user: User, code: str) -> None:
    """The code from `enrolment_code_send`, as EnrolmentCodeForm takes it; it stops working after a few wrong tries."""
    require(is_self, acting_user, user, message=OWN_ACCOUNT_MESSAGE)
    code = "".join(str(code or "").split())
    if not code.isdigit() or len(code) != 6:
        raise ValidationError({"code": ENROLMENT_CODE_FORMAT})
    error = ""
    with transaction.atomic():
        found = (
            AccountToken.objects.select_for_update()
            .filter(user=user, purpose=Purpose.ENROLMENT_CODE, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if found is None:
            error = ENROLMENT_CODE_WRONG
        elif found.attempts >= ENROLMENT_CODE_TRIES:
            error = ENROLMENT_CODE_SPENT
        elif not hmac.compare_digest(found.token_hash, _token_hash(code, user.pk)):
            found.attempts += 1
            found.save(update_fields=["attempts"])
            error = ENROLMENT_CODE_WRONG
        else:
            found.used_at = timezone.now()
            found.save(update_fields=["used_at"])
            audit_event_record(actor=user, action="enrolment_code_verify", obj=user, summary="Identity checked by a code e-mailed to the account")
    if error:
        raise ValidationError({"code": error})


@transaction.atomic
def recovery_codes_create(*, acting_user: Any, user: User) -> list[str]:
    """Ten single-use codes that stand in for the authenticator at sign-in; any earlier set stops working."""
    require(is_self, acting_user, user, message=OWN_ACCOUNT_MESSAGE)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise PermissionDenied("Set up an authenticator app first.")
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_event_record(actor=user, action="recovery_codes_create", obj=user, summary=f"{RECOVERY_CODE_COUNT} recovery codes made")
    return codes


def recovery_code_use(*, acting_user: Any, user: User, code: str) -> StaticDevice:
    """Sign in with a recovery code instead of the authenticator: the code then stops working (django-otp throttles wrong tries)."""
    require(is_self, acting_user, user, message=OWN_ACCOUNT_MESSAGE)
    code = "".join(str(code or "").split()).lower()
    if not code.isalnum() or len(code) != 8:
        raise ValidationError({"recovery_code": RECOVERY_CODE_FORMAT})
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise ValidationError({"recovery_code": RECOVERY_CODE_WRONG})
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"recovery_code": CODE_THROTTLED})
    with transaction.atomic():
        used = device.verify_token(code)
        if used:
            left = device.token_set.count()
            audit_event_record(actor=user, action="recovery_code_use", obj=user, summary=f"Signed in with a recovery code ({left} left)")
    if not used:
        raise ValidationError({"recovery_code": RECOVERY_CODE_WRONG})
    return device


IDENTITY_PROVIDER = "The council's identity provider"


def role_from_groups(groups: Any) -> str | None:
    """The role the identity provider's groups give, by OIDC_ROLE_GROUPS ("role=group,role=group", first match wins)."""
    if isinstance(groups, str):
        groups = [groups]
    held = {str(group) for group in (groups or []) if isinstance(group, str | int)}
    for pair in str(getattr(settings, "OIDC_ROLE_GROUPS", "") or "").split(","):
        role, _, group = (part.strip() for part in pair.partition("="))
        if role in COUNCIL_ROLES and group and group in held:
            return role
    return None


def _identity_provider_match(sub: str, email: str) -> tuple[User | None, bool]:
    """The account the sub is linked to; else an unlinked council account with the address (to link now).

    A portal account with the address is never linked: that would give it a council role.
    Returns (account or None, whether it may be used).
    """
    user = User.objects.select_for_update().filter(oidc_sub=sub).first()
    if user is not None:
        return user, True
    candidate = User.objects.select_for_update().filter(email__iexact=email).first() if email else None
    if candidate is None:
        return None, True
    # Someone else's address (linked to another subject), or a portal account: refused.
    return candidate, candidate.oidc_sub is None and candidate.role in COUNCIL_ROLES


@transaction.atomic
def identity_provider_sign_in(*, claims: dict[str, Any]) -> User | None:
    """The council account for claims the identity provider has vouched for (its signed token and user info), or None.

    Matched on the stable `sub` claim. The first time, an active council account with the same
    e-mail address is linked to it. With OIDC_ROLE_GROUPS set, the groups decide the role: an account
    is made for a person in a mapped group, its role follows the groups at each sign-in, and someone
    in none is refused. Without it, only existing council accounts sign in, with the role an
    administrator gave. Never a portal account, never an inactive one.
    """
    from lightbulb.core.rules import SystemActor

    sub = str(claims.get("sub") or "")
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()
    if not sub or len(sub) > 255:
        return None
    mapped = bool(getattr(settings, "OIDC_ROLE_GROUPS", ""))
    role = role_from_groups(claims.get(getattr(settings, "OIDC_GROUPS_CLAIM", "groups")))
    user, usable = _identity_provider_match(sub, email)
    if not _identity_provider_may_sign_in(user, usable=usable, mapped=mapped, role=role, email=email):
        return None
    actor = SystemActor(label=IDENTITY_PROVIDER)
    if user is None:
        return _identity_provider_user_create(sub=sub, email=email, claims=claims, role=str(role), actor=actor)
    return _identity_provider_user_update(user, sub=sub, role=role if mapped else None, actor=actor)


def _identity_provider_may_sign_in(user: User | None, *, usable: bool, mapped: bool, role: str | None, email: str) -> bool:
    """Refused: a portal or someone else's account, no mapped group, a deactivated account, or a new person without a mapping or address."""
    if not usable or (mapped and role is None):
        return False
    if user is None:
        return mapped and bool(email)
    return bool(user.is_active)


def _identity_provider_user_create(*, sub: str, email: str, claims: dict[str, Any], role: str, actor: Any) -> User:
    checks = FieldChecks()
    full_name = checks.text("full_name", str(claims.get("name") or email)[:200], required=REQUIRED, max_length=200)
    checks.raise_if_any()
    user = User(email=email, full_name=full_name, role=role, oidc_sub=sub, email_verified_at=timezone.now())
    user.set_unusable_password()
    summary = f"Account created for {email} as {user.get_role_display()}: they signed in through the council's identity provider"
    return _user_save_new(user, actor=actor, summary=summary)


def _identity_provider_user_update(user: User, *, sub: str, role: str | None, actor: Any) -> User:
    before = snapshot(user, [*USER_FIELDS, "oidc_sub"])
    user.oidc_sub = sub
    if role is not None:
        user.role = role
    user.email_verified_at = user.email_verified_at or timezone.now()
    user.save(update_fields=["oidc_sub", "role", "email_verified_at"])
    changes = diff(before, snapshot(user, [*USER_FIELDS, "oidc_sub"]))
    if changes:
        audit_event_record(
            actor=actor, action="user_update", obj=user, changes=changes, summary="Account linked to, or role given by, the council's identity provider"
        )
    return user
