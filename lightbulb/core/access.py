"""Every view declares who may reach it.

A view carries its declaration in the `lightbulb_access` attribute; the
URLconf walker test (tests/security/test_permission_matrix.py) fails on any view
without one. A view that needs more than "signed in" declares a named predicate
from its module's `rules.py` with `@permission_required(can_…)`: the same
predicate its service asks. Object-level checks live in each module's
`get_<thing>_for_user` helpers, which ask the object predicates: no read access
→ 404, read-only access on a write → 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from lightbulb.core.rules import allowed

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


def permission_required(predicate: Any) -> Callable[[View], View]:
    """Signed-in users for whom `predicate` holds; others get 403, anonymous users the sign-in page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(predicate, request.user):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        wrapper.lightbulb_predicate = predicate  # type: ignore[attr-defined]
        return _declare(wrapper, "rule:" + predicate.name)  # type: ignore[no-any-return]

    return decorator


T = TypeVar("T")


def object_for_user(obj: T | None, user: Any, *, read: Any, write: Any = None, what: str = "page") -> T:
    """`obj` if `read` lets `user` see it, else 404; on a write, 403 unless `write` lets them change it.

    Every module's `get_<thing>_for_user` helper ends here, so "no access" and
    "read-only" mean the same thing everywhere.
    """
    if obj is None or not allowed(read, user, obj):
        raise Http404(f"No such {what}")
    if write is not None and not allowed(write, user, obj):
        raise PermissionDenied(f"You may read this {what} but not change it.")
    return obj
