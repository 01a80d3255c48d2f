"""Response headers every page needs (the Content-Security-Policy nonce, no caching of signed-in pages) and the idle clock of sessions."""

from __future__ import annotations

import time
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


# A session in use is written back (its idle clock restarted) at most this often.
SESSION_REFRESH_SECONDS = 60
REFRESHED_KEY = "_refreshed"


class IdleSessionMiddleware:
    """Keep a session alive while it is used, writing it back at most once a minute.

    A session ends after `SESSION_IDLE_MINUTES` without a request. Saving it on every request
    (`SESSION_SAVE_EVERY_REQUEST`) would restart that clock exactly, at the price of a database
    write, and its commit, on every page anyone signed in asks for. Restarting it when the last
    restart is a minute old or more keeps the idle limit to the minute and writes once a minute
    at most. Sessions of visitors who never signed in or sent a form are not created by this.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and response.status_code < 500:
            now = int(time.time())
            if now - int(session.get(REFRESHED_KEY, 0)) >= SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now  # marks it modified: SessionMiddleware saves it with a new expiry
        return response


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


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is larger than `REQUEST_MAX_BYTES` before any of it is read.

    Django's own limits stop form fields (`DATA_UPLOAD_MAX_MEMORY_SIZE`) and keep large files on
    disk (`FILE_UPLOAD_MAX_MEMORY_SIZE`) but would still accept a file of any size. The declared
    length is checked here, first; a body sent without one (chunked) is cut off at the limit by
    `LimitedUploadHandler`. The reverse proxy's own limit (docs/deployment.md) should match.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from django.conf import settings

        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_MAX_BYTES:
            return request_too_large(request)
        return self.get_response(request)


def request_too_large(request: HttpRequest) -> HttpResponseBase:
    """The service's own page for a file that is too large, status 413."""
    from django.conf import settings
    from django.shortcuts import render

    from lightbulb.core.sizes import file_size

    limit = file_size(settings.REQUEST_MAX_BYTES)
    return render(
        request,
        "core/error.html",
        {"heading": "The file is too large", "detail": f"Files must be smaller than {limit}. Go back and choose a smaller file."},
        status=413,
    )
