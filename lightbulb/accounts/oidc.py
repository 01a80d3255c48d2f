"""Sign-in with the council's own identity provider (OpenID Connect, e.g. Microsoft Entra ID).

mozilla-django-oidc checks the provider's signed ID token (its keys from the JWKS endpoint, the
nonce and the state) and fetches the user info; `services.identity_provider_sign_in` decides who
that is: matched on the stable `sub` claim, never on a portal account, with the role from the groups
claim when OIDC_ROLE_GROUPS maps them (docs/deployment.md, "Signing in with the council's identity
provider"). The two-factor step of the council roles still applies.
"""

from __future__ import annotations

from typing import Any

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from lightbulb.accounts import services


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        # The user info must be about the person the signed ID token names.
        if not claims.get("sub") or claims.get("sub") != payload.get("sub"):
            return None
        return services.identity_provider_sign_in(claims=claims)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        """The provider's signature and the nonce (mozilla-django-oidc), then what it leaves out: the token
        must be for this service (`aud`), from the configured issuer (OIDC_OP_ISSUER, when set) and unexpired."""
        try:
            payload = super().verify_token(token, **kwargs)
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token refused: it is for another service")
        issuer = getattr(settings, "OIDC_OP_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token refused: it is from another issuer")
        if "exp" not in payload:
            raise SuspiciousOperation("ID token refused: it has no expiry")
        return payload
