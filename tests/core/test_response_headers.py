"""Every page's Content-Security-Policy, and no caching of what a signed-in person sees."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory

from lightbulb.core.middleware import NoStoreWhenSignedInMiddleware


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {name: value for name, _, value in (part.strip().partition(" ") for part in policy.split(";") if part.strip())}


@pytest.mark.django_db
def test_every_script_carries_the_nonce_the_policy_names():
    response = Client().get("/account/sign-in")
    policy = directives(response)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])
    assert nonce, policy
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert len(scripts) >= 3  # GOV.UK Frontend's inline one and the base template's
    assert all(f'nonce="{nonce.group(1)}"' in script for script in scripts), scripts


@pytest.mark.django_db
def test_nonce_differs_on_each_request():
    first, second = (directives(Client().get("/account/sign-in"))["script-src"] for _ in range(2))
    assert first != second


@pytest.mark.django_db
def test_policy_allows_no_inline_script_or_stylesheet():
    policy = directives(Client().get("/account/sign-in"))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    # Nor style="" attributes: no directive of its own, so style-src (self only) governs them.
    assert "style-src-attr" not in policy and "style-src-elem" not in policy
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored(officer_client):
    response = officer_client.get("/")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_public_pages_keep_their_caching():
    for path in ("/account/sign-in", "/accessibility"):
        response = Client().get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path


class _SignedIn:
    is_authenticated = True


def _through_middleware(user, response: HttpResponse) -> HttpResponse:
    request = RequestFactory().get("/download")
    request.user = user
    return NoStoreWhenSignedInMiddleware(lambda request: response)(request)


def test_a_download_to_a_signed_in_person_is_not_stored():
    download = HttpResponse("id,amount\n", content_type="text/csv", headers={"Content-Disposition": 'attachment; filename="grants.csv"'})
    response = _through_middleware(_SignedIn(), download)
    assert "no-store" in response.headers["Cache-Control"]


def test_a_response_that_sets_its_own_caching_keeps_it():
    own = HttpResponse()
    own["Cache-Control"] = "max-age=300"
    assert _through_middleware(_SignedIn(), own).headers["Cache-Control"] == "max-age=300"


def test_signed_out_responses_are_left_alone():
    assert "Cache-Control" not in _through_middleware(AnonymousUser(), HttpResponse()).headers
