"""Staff roles that must use two-factor authentication cannot go further until they have."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in but not yet verified user may still reach.
_ALLOWED_PREFIXES = (
    "/account/two-factor",
    "/account/sign-out",
    "/account/invitation/",
    "/account/confirm-email/",
    "/static/",
    "/healthz",
    "/accessibility",
    "/privacy",
)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "needs_two_factor", False)
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            return redirect(reverse("accounts:two_factor") + "?next=" + request.get_full_path())
        return self.get_response(request)
