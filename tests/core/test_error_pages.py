"""The service's own 400, 403, 404 and 500 pages, each with a way back, never Django's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.test import Client

from lightbulb.core import views
from tests.helpers import visible_text


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"


@pytest.mark.django_db
def test_a_missing_page_says_so_with_a_way_back(client_for):
    response = client_for("staff").get("/no-such-page/", HTTP_REFERER="http://testserver/account/")
    text = visible_text(response.content)
    assert response.status_code == 404
    assert "Page not found" in text and "check it is correct" in text
    assert "Go back to the page you were on" in text and 'href="http://testserver/account/"' in response.content.decode()
    assert "Go to your dashboard" in text


@pytest.mark.django_db
def test_the_way_back_never_leads_to_another_site(client):
    response = client.get("/no-such-page/", HTTP_REFERER="https://elsewhere.example/phish")
    assert "elsewhere.example" not in response.content.decode()
    assert "Go back to the page you were on" not in visible_text(response.content)
    assert "Go to the start page" in visible_text(response.content)


@pytest.mark.django_db
def test_a_forbidden_page_offers_sign_in_to_someone_signed_out_only(client_for):
    response = client_for("staff").get("/account/users/")
    text = visible_text(response.content)
    assert response.status_code == 403
    assert "You do not have permission to see this page" in text and "Go to your dashboard" in text
    assert "if you have an account that can see it" not in text


@pytest.mark.django_db
def test_a_forbidden_page_offers_someone_signed_out_a_way_to_sign_in(rf):
    request = rf.get("/funding/agreements/")
    request.user = AnonymousUser()
    text = visible_text(views.error_403(request).content)
    assert "Sign in if you have an account that can see it" in text and "Go to the start page" in text


@pytest.mark.django_db
def test_a_failure_shows_the_services_page_not_a_traceback(failing_urls):
    response = Client(raise_request_exception=False).get("/broken/")
    text = visible_text(response.content)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in text and "Go to the start page" in text
    assert "Traceback" not in text and "RuntimeError" not in text and "deliberate" not in text


@pytest.mark.django_db
def test_a_bad_request_shows_the_services_page(failing_urls):
    response = Client().get("/bad-request/")
    text = visible_text(response.content)
    assert response.status_code == 400
    assert "could not read that request" in text and "Go to the start page" in text
    assert "deliberate" not in text


def test_the_failure_page_still_answers_when_the_database_does_not(rf, monkeypatch):
    def no_database(*args, **kwargs):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(views, "_error_page", no_database)
    response = views.error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in visible_text(response.content)
    assert "Go to the start page" in visible_text(response.content)


def test_make_run_shows_the_services_pages_and_still_serves_static_files(tmp_path):
    """The settings `make run` uses: DEBUG off unless a developer turns it on, and the stylesheet served without collectstatic."""
    script = """
import django, os
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
missing = client.get("/no-such-page/")
css = client.get("/static/dist/main.css")
print(settings.DEBUG, missing.status_code, "Page not found" in missing.content.decode(), css.status_code)
"""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}", "STATIC_ROOT": str(tmp_path / "static")}
    if not (Path(django_settings.BASE_DIR) / "lightbulb" / "static" / "dist" / "main.css").exists():
        pytest.skip("the assets are not built (make assets)")
    result = subprocess.run([sys.executable, "-c", script], cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-4:] == ["False", "404", "True", "200"], result.stdout
    env["DEBUG"] = "true"
    script_debug = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    debug = subprocess.run(
        [sys.executable, "-c", script_debug], cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert debug.stdout.strip().endswith("True"), debug.stderr[-2000:]
