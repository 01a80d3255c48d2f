"""Every view declares who may reach it.

A view carries its declaration in the `lightbulb_access` attribute; the
URLconf walker test (tests/security/test_urlconf.py) fails on any view without
one. Object-level checks live in each module's `get_<thing>_for_user` helpers:
no read access → 404, read-only access on a write → 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from lightbulb.core.roles import role_of

ACCESS_ATTR = "lightbulb_access"
View = TypeVar("View", bound=Callable[..., HttpResponse])


def _declare(view: Any, access: str) -> Any:
    setattr(view, ACCESS_ATTR, access)
    return view


def public(view: View) -> View:
    """Anyone, signed in or not."""
    return _declare(view, "public")  # type: ignore[no-any-return]


def signed_in(view: View) -> View:
    """Any signed-in user, whatever their role."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _declare(wrapper, "signed-in")  # type: ignore[no-any-return]


def roles_required(*roles: str) -> Callable[[View], View]:
    """Signed-in users with one of `roles`; others get 403, anonymous users the sign-in page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in roles:
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return _declare(wrapper, "roles:" + ",".join(sorted(roles)))  # type: ignore[no-any-return]

    return decorator
