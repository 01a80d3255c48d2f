"""Sign-in with the council's own identity provider (OpenID Connect, e.g. Microsoft Entra ID).

Only existing, active council accounts may sign in this way: the identity
provider proves who the person is, Lightbulb decides what they may do. No
account is created on first sign-in, so a role is always given by an admin.
"""

from __future__ import annotations

from typing import Any

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from lightbulb.accounts.models import User
from lightbulb.core.rules import COUNCIL_ROLES


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = (claims.get("email") or claims.get("preferred_username") or "").lower()
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True, role__in=list(COUNCIL_ROLES))

    def create_user(self, claims: dict[str, Any]) -> None:  # type: ignore[override]
        return None
