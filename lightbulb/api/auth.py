"""Reading the API: a bearer token an administrator issued, for the scope asked, within the rate limit; every use is logged."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from lightbulb.api import selectors
from lightbulb.api.models import ApiRequest
from lightbulb.api.services import token_hash

DEFAULT_RATE_PER_MINUTE = 120


def rate_per_minute() -> int:
    return int(getattr(settings, "API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))


def _within_rate(token_pk: int) -> bool:
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = f"api-rate:{token_pk}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=120)
        used = 1
    return used <= rate_per_minute()


class TokenAuth(HttpBearer):
    """A token with `scope`; 401 without a working token, 403 outside its scopes, 429 past the rate."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = selectors.token_by_hash(token_hash(token)) if token else None
        if found is None:
            return None
        request.api_token = found  # type: ignore[attr-defined]  # logged once the answer is known
        if not _within_rate(found.pk):
            raise HttpError(429, f"Too many requests: a token may make {rate_per_minute()} a minute")
        if self.scope not in found.scopes:
            raise HttpError(403, f"This token may not read {self.scope}")
        return found


def request_log(request: HttpRequest, status: int) -> None:
    """Record a use of a token (called once the response is made, whatever it was)."""
    token = getattr(request, "api_token", None)
    if token is None:
        return
    ApiRequest.objects.create(token=token, method=request.method or "", path=request.get_full_path()[:500], status=status)
    type(token).objects.filter(pk=token.pk).update(last_used_at=timezone.now())
