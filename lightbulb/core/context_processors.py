"""The layout's context: council name, navigation for the signed-in role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from lightbulb.core.registry import registry
from lightbulb.core.roles import Role, role_of
from lightbulb.core.rules import allowed


def layout(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = role_of(user)
    navigation = []
    for item in registry.navigation:
        if not allowed(item.permission, user) or (item.visible is not None and not item.visible(user)):
            continue
        try:
            href = reverse(item.url_name)
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
        "Role": Role,
    }
