"""Reads for the API's tokens: the list an administrator keeps, and a token found by its secret."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import HttpRequest

from lightbulb.api.models import ApiRequest, ApiScope, ApiToken
from lightbulb.api.rules import can_manage_api_tokens
from lightbulb.core.access import object_for_user


def token_list() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("issued_by", "revoked_by").annotate(uses=Count("requests"))


def token_get_for_user(request: HttpRequest, pk: int) -> ApiToken:
    return object_for_user(token_list().filter(pk=pk).first(), request.user, read=can_manage_api_tokens, what="token")


def token_by_hash(hashed: str) -> ApiToken | None:
    return ApiToken.objects.filter(hashed=hashed, revoked_at__isnull=True).first()


def token_recent_requests(token: ApiToken, limit: int = 50) -> list[ApiRequest]:
    return list(token.requests.order_by("-at", "-id")[:limit])


def scope_choices() -> list[tuple[str, str]]:
    return list(ApiScope.choices)
