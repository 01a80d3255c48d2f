import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_start_page_shows_council_name_and_no_crown(client, settings):
    settings.COUNCIL_NAME = "Testborough Council"
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Testborough Council" in html
    assert "govuk-header__logotype" not in html
    assert "crown" not in html.lower()
    assert "GDS Transport" not in html


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
