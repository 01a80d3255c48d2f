"""Issuing and revoking API tokens: audited, the secret shown once and kept only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from lightbulb.api.models import ApiScope, ApiToken
from lightbulb.api.rules import can_manage_api_tokens
from lightbulb.core.audit import audit_event_record
from lightbulb.core.checks import FieldChecks
from lightbulb.core.rules import require

MESSAGE = "Only system administrators issue and revoke API tokens."
TOKEN_BYTES = 32
SCOPES_MESSAGE = "Choose what the token may read"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, acting_user: Any, name: Any, scopes: Any) -> tuple[ApiToken, str]:
    """A new token for `scopes`; returns the record and the secret, which is never shown again."""
    require(can_manage_api_tokens, acting_user, message=MESSAGE)
    checks = FieldChecks()
    name = checks.text("name", name, required="Say who or what the token is for", max_length=200)
    chosen = list(scopes) if isinstance(scopes, (list, tuple)) else None
    if not chosen:
        checks.add("scopes", SCOPES_MESSAGE)
    elif any(scope not in ApiScope.values for scope in chosen):
        checks.add("scopes", "Choose what the token may read from the list")
    checks.raise_if_any()
    raw = "lb_" + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(name=name, prefix=raw[:10], hashed=token_hash(raw), scopes=sorted(set(chosen or [])), issued_by=acting_user)
    audit_event_record(actor=acting_user, action="api_token_issue", obj=token, changes={"scopes": [None, token.scopes]}, summary=f"API token for {name} issued")
    return token, raw


@transaction.atomic
def api_token_revoke(*, acting_user: Any, token: ApiToken) -> ApiToken:
    """Stop a token working at once; revoking twice changes nothing."""
    require(can_manage_api_tokens, acting_user, token, message=MESSAGE)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), acting_user
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_event_record(actor=acting_user, action="api_token_revoke", obj=token, summary=f"API token for {token.name} revoked")
    return token
