"""Response headers every page needs: the Content-Security-Policy nonce, and no caching of signed-in pages."""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the nonce made at the start of every request.

    django-csp hands out a lazy nonce that is false until something reads it, and only then adds
    it to the header. The base template asks `{% if cspNonce %}` before it writes `nonce="…"`,
    which would never read it: every inline and external script would lose its nonce and the
    policy would refuse them. Reading it here makes it true and puts it in every header.
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        str(request.csp_nonce)  # type: ignore[attr-defined]


class NoStoreWhenSignedInMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in person.

    A signed-in page or download carries personal or restricted data: neither the browser's
    back-button cache on a shared council PC nor a proxy may keep it. A response that sets its own
    Cache-Control (a calendar feed, say) keeps it, and signed-out pages are left to cache as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
