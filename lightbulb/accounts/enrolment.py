"""The fresh proof a person gives before setting up their first authenticator.

A password alone never enrols an authenticator for a council role: the person must also prove, within
the last 30 minutes, that they are who the account belongs to. Three things count: the code e-mailed
to the account (`enrolment_code_verify`), the invitation link (which was e-mailed too), and a sign-in
through the council's identity provider, which has just checked the person by its own means (its
password and, as councils set it up, its own second factor) and signed a token for this service that
names them by the stable `sub` it holds. So someone signing in that way sets up their authenticator
straight away, without an e-mailed code as well (docs/security.md).
"""

from __future__ import annotations

import time
from typing import Any

# How long an e-mailed code, an invitation or a sign-in through the identity provider lets a person set up their first authenticator.
ENROLMENT_PROOF_SECONDS = 30 * 60
SESSION_KEY = "enrolment_proof"
IDENTITY_PROVIDER_BACKEND = "lightbulb.accounts.oidc.CouncilOIDCBackend"


def proof_record(session: Any, user: Any) -> None:
    """Note in the session that this person has just proved they are the account's holder."""
    session[SESSION_KEY] = {"user": user.pk, "until": time.time() + ENROLMENT_PROOF_SECONDS}


def proof_held(session: Any, user: Any) -> bool:
    proof = session.get(SESSION_KEY) or {}
    return bool(proof.get("user") == user.pk and proof.get("until", 0) > time.time())


def proof_spent(session: Any) -> None:
    session.pop(SESSION_KEY, None)


def identity_provider_signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """On `user_logged_in`: a sign-in through the council's identity provider is itself the fresh proof."""
    if request is not None and getattr(user, "backend", "") == IDENTITY_PROVIDER_BACKEND:
        proof_record(request.session, user)
