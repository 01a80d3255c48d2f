"""Password sign-in only for accounts whose e-mail address has been confirmed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from lightbulb.core.rows import UniqueReader

_PEOPLE: UniqueReader[Any] = UniqueReader(get_user_model())


class VerifiedEmailBackend(ModelBackend):
    """Django's own password check, refusing an account made by signing up until its address is confirmed.

    Without this, anyone could make an account in someone else's name and use it; an invitation, a
    password-reset link or the link sent after sign-up confirms the address.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "email_verified_at", None) is not None

    def get_user(self, user_id: Any) -> Any:
        # As ModelBackend's, the signed-in person read on every request by SQL compiled once (docs/adr/0009-sign-in-reads.md).
        user = _PEOPLE.get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
