"""A request larger than REQUEST_MAX_BYTES is refused before its body is read, with the service's own page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadhandler import StopUpload
from django.test import RequestFactory
from django.urls import reverse

from lightbulb.core.middleware import RequestSizeLimitMiddleware
from lightbulb.core.sizes import file_size
from lightbulb.core.uploads import LimitedUploadHandler
from tests.helpers import visible_text


class ExplodingBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


def test_a_declared_length_over_the_limit_is_refused_unread(settings, db):
    settings.REQUEST_MAX_BYTES = 1000
    request = RequestFactory().generic("POST", "/imports/", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = "5000"
    request.META["wsgi.input"] = ExplodingBody()
    request.user = None

    def view(request):
        raise AssertionError("the view ran")

    response = RequestSizeLimitMiddleware(view)(request)

    assert response.status_code == 413
    text = visible_text(response.content.decode())
    assert "The file is too large" in text
    assert "Files must be smaller than 1,000 bytes" in text


def test_a_request_within_the_limit_reaches_the_view(settings, client, db):
    settings.REQUEST_MAX_BYTES = 10_000
    response = client.post(reverse("accounts:sign_in"), {"username": "x", "password": "y"})
    assert response.status_code == 200  # the sign-in form again, with its error


def test_a_real_post_over_the_limit_gets_413(settings, client, db):
    settings.REQUEST_MAX_BYTES = 100
    response = client.post(reverse("accounts:sign_in"), {"username": "x" * 500, "password": "y"})
    assert response.status_code == 413


def test_a_body_without_a_length_is_stopped_at_the_limit(settings):
    settings.REQUEST_MAX_BYTES = 10
    handler = LimitedUploadHandler(RequestFactory().post("/"))
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"678901", 5)
    assert handler.request.upload_too_large is True


@pytest.mark.parametrize(
    ("size", "written"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (900, "900 bytes"),
        (1024, "1 KB"),
        (1536, "1.5 KB"),
        (5 * 1024 * 1024, "5 MB"),
        (51 * 1024 * 1024, "51 MB"),
        (3 * 1024**3, "3 GB"),
    ],
)
def test_file_sizes_read_as_people_write_them(size, written):
    assert file_size(size) == written
