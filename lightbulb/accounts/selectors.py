from __future__ import annotations

import hashlib

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import AccountToken, User


def user_list(*, query: str = "", role: str = "") -> QuerySet[User]:
    users = User.objects.all()
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if role:
        users = users.filter(role=role)
    return users


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request that a `signed_in` or `permission_required` view guards."""
    user = request.user
    assert isinstance(user, User)
    return user


def user_get(pk: int) -> User:
    """An account by id, or 404."""
    return get_object_or_404(User, pk=pk)


def user_active_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email, is_active=True).first()


def user_by_uid(uid: str) -> User | None:
    try:
        return User.objects.get(pk=int(uid))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None


def unconfirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def organisation_ids_for(user: User) -> list[int]:
    """The organisations a `vcs` user is a verified member of."""
    if not user.is_authenticated:
        return []
    return list(user.memberships.values_list("organisation_id", flat=True))


def _live_link_user(purpose: str, token: str) -> User | None:
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    found = (
        AccountToken.objects.select_related("user")
        .filter(
            purpose=purpose, token_hash=hashlib.sha256(token.encode()).hexdigest(), used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        )
        .first()
    )
    return found.user if found else None


def invitation_user(token: str) -> User | None:
    """The account a live invitation link is for, or None (used, expired, revoked or never issued)."""
    return _live_link_user(AccountToken.Purpose.INVITATION, token)


def email_verification_user(token: str) -> User | None:
    """The account a live address-confirmation link is for, or None."""
    return _live_link_user(AccountToken.Purpose.EMAIL_VERIFICATION, token)


def enrolment_code_pending(user: User) -> bool:
    """Whether a code e-mailed to set up two-factor authentication can still be used."""
    return AccountToken.objects.filter(
        user=user, purpose=AccountToken.Purpose.ENROLMENT_CODE, used_at__isnull=True, expires_at__gt=timezone.now(), attempts__lt=5
    ).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def invitation_pending(user: User) -> bool:
    """Whether the account is waiting for its invitation to be accepted (no password chosen yet)."""
    return user.is_active and not user.has_usable_password()
