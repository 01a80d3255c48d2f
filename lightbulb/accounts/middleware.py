"""Staff roles that must use two-factor authentication cannot go further until they have; the authenticator read on every request."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from lightbulb.core.rows import UniqueReader

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


_DEVICES: dict[type[Device], UniqueReader[Any]] = {}


class DeviceMiddleware(OTPMiddleware):
    """django-otp's middleware, reading the session's authenticator by SQL compiled once (docs/adr/0009-sign-in-reads.md).

    As `Device.from_persistent_id`: "app_label.model/id" names a device of a model that is one, or nothing.
    django-otp then keeps it only if it is the signed-in person's and confirmed.
    """

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        with suppress(ValueError, LookupError):
            label, number = self._normalize_persistent_id(persistent_id).rsplit("/", 1)
            model = apps.get_model(label)
            if issubclass(model, Device):
                reader = _DEVICES.get(model) or _DEVICES.setdefault(model, UniqueReader(model))  # made once per model
                return reader.get(int(number))  # type: ignore[no-any-return]
        return None
