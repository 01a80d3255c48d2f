"""Pages that belong to no module: home, health, statements, the deadlines calendar, errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lightbulb.core import deadlines, exports, outbox
from lightbulb.core.access import object_for_user, permission_required, public, signed_in
from lightbulb.core.page_cache import kept_page
from lightbulb.core.registry import registry
from lightbulb.core.roles import role_of
from lightbulb.core.rules import can_print_letters
from lightbulb.core.visits import home_visit_mark


@public
@kept_page
def home(request: HttpRequest) -> HttpResponse:
    """The start page: a dashboard built from the panels each module registers."""
    role = role_of(request.user)
    panels: list[dict[str, Any]] = []
    if role is not None:
        home_visit_mark(request)
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


def _way_back(request: HttpRequest) -> str:
    """The page the person came from, when it is one of ours (never another site's address)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and referer != request.build_absolute_uri() and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return ""


def _error_page(request: HttpRequest, status: int, heading: str, detail: str, *, sign_in: bool = False) -> HttpResponse:
    context = {"heading": heading, "detail": detail, "status": status, "back": _way_back(request), "sign_in": sign_in}
    return render(request, "core/error.html", context, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400, "Sorry, the service could not read that request", "Go back and try again. If you followed a link, it may be incomplete.")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    user = getattr(request, "user", None)
    signed_out = user is None or not user.is_authenticated
    detail = str(exception or "") or "Your account cannot see or change this. Ask the person who sent you the link if you think it should."
    return _error_page(request, 403, "You do not have permission to see this page", detail, sign_in=signed_out)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request, 404, "Page not found", "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address."
    )


ERROR_500_FALLBACK = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Sorry, there is a problem with the service</title>
<link rel="stylesheet" href="{css}"></head><body class="govuk-template__body"><main class="govuk-main-wrapper govuk-width-container" id="main-content">
<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1><p class="govuk-body">Try again later.</p>
<p class="govuk-body"><a class="govuk-link" href="/">Go to the start page</a></p></main></body></html>"""


def error_500(request: HttpRequest) -> HttpResponse:
    try:
        return _error_page(
            request, 500, "Sorry, there is a problem with the service", "Try again later. Anything you had not saved will need to be entered again."
        )
    except Exception:  # noqa: BLE001 - the page that reports a failure must not fail itself (a database that is down)
        return HttpResponseServerError(ERROR_500_FALLBACK.format(css=static("dist/main.css")))


def error_csrf(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(request, 403, "Your form could not be sent", "The page had expired. Go back, reload the page and try again.")


@permission_required(can_print_letters)
def message_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """A message to an organisation as a letter to print and post (for organisations with no e-mail address)."""
    message = object_for_user(outbox.message_get(pk), request.user, read=can_print_letters, what="letter")
    response = HttpResponse(outbox.message_letter_pdf(message), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"letter-{message.pk}.pdf")
    return response


@signed_in
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    """A list page's download button: queue the file and follow its progress on the job's page."""
    list_name, query = request.POST.get("list_name", ""), request.POST.get("query", "")
    try:
        job = exports.export_request(acting_user=request.user, list_name=list_name, query=query, fmt=request.POST.get("format", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(exports.list_url(list_name, exports.export_query(QueryDict(query))))
    return redirect("core:export_detail", pk=job.pk)


def _export_context(job: Any) -> dict[str, Any]:
    back = exports.list_url(job.list_name, job.query)
    return {"job": job, "back_url": back, "keep_hours": int(exports.KEEP_FILES_FOR.total_seconds() // 3600)}


@signed_in
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's page: its progress (refreshing itself while it runs) and, once written, the download."""
    job = exports.export_job_for_user(pk, request.user)
    return render(request, "core/export_detail.html", _export_context(job))


@signed_in
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of the job's page, fetched again every two seconds while the file is written."""
    job = exports.export_job_for_user(pk, request.user)
    return render(request, "core/_export_progress.html", _export_context(job))


@signed_in
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished file, to the person who asked for it only; never kept by a browser or proxy cache."""
    job = exports.export_job_for_user(pk, request.user)
    if job.status != job.Status.DONE or not job.file:
        raise Http404("The file is not ready, or has been cleared")
    name = str(job.file.name).rsplit("/", 1)[-1]
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if job.format == "xlsx" else "text/csv; charset=utf-8"
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "no-store, private"
    return response  # type: ignore[return-value]
