"""The layout's context: council name, navigation for the signed-in role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch

from lightbulb.core.links import url
from lightbulb.core.registry import registry
from lightbulb.core.roles import Role, role_of
from lightbulb.core.rules import allowed


def two_factor_pending(user: Any) -> bool:
    """Signed in with a password, but the authenticator code not yet accepted: the service is not open yet."""
    return bool(getattr(user, "needs_two_factor", False)) and not (callable(getattr(user, "is_verified", None)) and user.is_verified())


def layout(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = role_of(user)
    pending = two_factor_pending(user)
    navigation = []
    for item in [] if pending else registry.navigation:
        if not allowed(item.permission, user) or (item.visible is not None and not item.visible(user)):
            continue
        try:
            href = url(item.url_name)
        except NoReverseMatch:
            continue
        prefix = item.prefix or href
        current = request.path == href or (prefix != "/" and request.path.startswith(prefix))
        navigation.append({"text": item.label, "href": href, "active": current})
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "demo_mode": settings.DEMO_MODE,
        "navigation": navigation,
        "user_role": role,
        # The header keeps only "Sign out" until the code is accepted.
        "two_factor_pending": pending,
        "Role": Role,
    }
