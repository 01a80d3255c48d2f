from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from lightbulb.api import views
from lightbulb.api.auth import request_log
from lightbulb.api.endpoints import api
from lightbulb.core.access import public

app_name = "api"


def _logged(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An API operation: open to anyone at the door (the token is the credential, checked inside), every use of a token logged."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        request_log(request, response.status_code)
        return response

    return public(wrapper)


def _api_patterns() -> list[URLPattern | URLResolver]:
    patterns, _app, namespace = api.urls
    wrapped = [path(str(pattern.pattern), _logged(pattern.callback), name=pattern.name) for pattern in patterns if isinstance(pattern, URLPattern)]
    return [path("", include((wrapped, namespace), namespace=namespace))]


urlpatterns: list[URLPattern | URLResolver] = [
    path("docs", views.documentation, name="docs"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/", views.token_detail, name="token_detail"),
    path("tokens/<int:pk>/revoke", views.token_revoke, name="token_revoke"),
    *_api_patterns(),
]
