"""The service's URLs plus pages that fail on purpose, for the error-page tests."""

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as service_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a deliberate failure")


def bad_request(request: HttpRequest) -> HttpResponse:
    raise BadRequest("a deliberate bad request")


urlpatterns = [path("broken/", broken), path("bad-request/", bad_request), *service_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
