"""The personal calendar feed of deadlines, behind a secret address that its owner can reset."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lightbulb.accounts.selectors import request_user
from lightbulb.accounts.services import user_calendar_token_reset
from lightbulb.core.access import public, signed_in
from lightbulb.funding.selectors.calendar import calendar_ics
from lightbulb.funding.selectors.dashboard import user_by_calendar_token


@public
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The token is the credential: calendar apps cannot sign in."""
    user = user_by_calendar_token(token)
    if user is None:
        raise Http404("No such calendar")
    response = HttpResponse(calendar_ics(user, base_url=request.build_absolute_uri("/")), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    # Keep the secret address out of other sites' logs.
    response["Referrer-Policy"] = "no-referrer"
    return response


@signed_in
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    feed_url = request.build_absolute_uri(reverse("funding:calendar_feed", kwargs={"token": user.calendar_token})) if user.calendar_token else ""
    return render(request, "funding/dashboard/calendar.html", {"feed_url": feed_url})


@signed_in
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    had_one = bool(user.calendar_token)
    user_calendar_token_reset(user=user)
    if had_one:
        messages.success(request, "Your calendar has a new address. The old address no longer works: subscribe again with the new one.")
    else:
        messages.success(request, "Your calendar address is ready. Subscribe to it in your calendar app.")
    return redirect("funding:calendar")
