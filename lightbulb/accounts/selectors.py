from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import User


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
