"""Pages that belong to no module: home, health, statements, the deadlines calendar, errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lightbulb.core import deadlines, outbox
from lightbulb.core.access import object_for_user, permission_required, public, signed_in
from lightbulb.core.registry import registry
from lightbulb.core.roles import role_of
from lightbulb.core.rules import can_print_letters


@public
def home(request: HttpRequest) -> HttpResponse:
    """The start page: a dashboard built from the panels each module registers."""
    role = role_of(request.user)
    panels: list[dict[str, Any]] = []
    if role is not None:
        for name, panel in registry.dashboard_panels.items():
            content = panel(request)
            if content is not None:
                panels.append({"name": name, **content})
        panels.sort(key=lambda panel: panel.get("order", 100))
    return render(request, "core/home.html", {"panels": panels})


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database health for load balancers and monitoring."""
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure is reported, not raised
        database = f"error: {exc.__class__.__name__}"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database, "vendor": connection.vendor, "time": timezone.now().isoformat()},
        status=status,
    )


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@public
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The token is the credential: calendar apps cannot sign in."""
    user = deadlines.user_by_calendar_token(token)
    if user is None:
        raise Http404("No such calendar")
    # An officer's feed holds their own agreements' deadlines unless they chose every agreement's.
    everyone = request.GET.get("scope") == "all"
    response = HttpResponse(
        deadlines.calendar_ics(user, base_url=request.build_absolute_uri("/"), everyone=everyone), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    # Keep the secret address out of other sites' logs.
    response["Referrer-Policy"] = "no-referrer"
    return response


@signed_in
def calendar(request: HttpRequest) -> HttpResponse:
    token = getattr(request.user, "calendar_token", "")
    feed_url = request.build_absolute_uri(reverse("core:calendar_feed", kwargs={"token": token})) if token else ""
    all_url = f"{feed_url}?scope=all" if feed_url else ""
    return render(request, "core/calendar.html", {"feed_url": feed_url, "all_url": all_url})


@signed_in
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    had_one = bool(getattr(request.user, "calendar_token", ""))
    deadlines.user_calendar_token_reset(user=request.user, acting_user=request.user)
    if had_one:
        messages.success(request, "Your calendar has a new address. The old address no longer works: subscribe again with the new one.")
    else:
        messages.success(request, "Your calendar address is ready. Subscribe to it in your calendar app.")
    return redirect("core:calendar")


@public
def legacy_calendar(request: HttpRequest) -> HttpResponse:
    """The calendar page's address before it moved from funding to core: bookmarks still land on it."""
    return redirect("core:calendar", permanent=True)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"heading": "You do not have permission to see this page", "detail": str(exception or "")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"heading": "Page not found", "detail": "If you typed the web address, check it is correct."}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"heading": "Sorry, there is a problem with the service", "detail": "Try again later."}, status=500)


def error_csrf(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"heading": "Your form could not be sent", "detail": "The page had expired. Go back, reload the page and try again."},
        status=403,
    )


@permission_required(can_print_letters)
def message_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """A message to an organisation as a letter to print and post (for organisations with no e-mail address)."""
    message = object_for_user(outbox.message_get(pk), request.user, read=can_print_letters, what="letter")
    response = HttpResponse(outbox.message_letter_pdf(message), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"letter-{message.pk}.pdf")
    return response
