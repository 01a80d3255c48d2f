"""The API's documentation page (anyone) and its tokens (administrators issue, read and revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from lightbulb.api import docs, selectors, services
from lightbulb.api.auth import rate_per_minute
from lightbulb.api.endpoints import api
from lightbulb.api.forms import TokenForm
from lightbulb.api.rules import can_manage_api_tokens
from lightbulb.core.access import permission_required, public
from lightbulb.core.forms import add_service_errors


@public
@require_GET
def documentation(request: HttpRequest) -> HttpResponse:
    document = api.get_openapi_schema(path_prefix="/api")
    context = {"operations": docs.operations(document), "schemas": docs.schemas(document), "rate": rate_per_minute(), "title": document["info"]["title"]}
    return render(request, "api/docs.html", context)


@permission_required(can_manage_api_tokens)
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_issue(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "api/token_issued.html", {"token": token, "raw": raw})
    return render(request, "api/token_list.html", {"tokens": selectors.token_list(), "form": form})


@permission_required(can_manage_api_tokens)
@require_GET
def token_detail(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get_for_user(request, pk)
    return render(request, "api/token_detail.html", {"token": token, "requests": selectors.token_recent_requests(token)})


@permission_required(can_manage_api_tokens)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get_for_user(request, pk)
    services.api_token_revoke(acting_user=request.user, token=token)
    messages.success(request, f"The token for {token.name} no longer works.")
    return redirect("api:token_detail", pk=token.pk)
