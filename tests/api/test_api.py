"""The REST API: tokens, scopes, the rate limit, the log of every use, cursor paging, and the documentation page."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from lightbulb.api import services
from lightbulb.api.models import ApiRequest, ApiToken
from lightbulb.core.roles import Role
from tests.factories import IdentifierFactory, OrganisationFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def test_without_a_working_token_the_answer_is_401(users, issue):
    token, raw = issue()
    client = Client()
    assert client.get("/api/v1/organisations").status_code == 401
    assert client.get("/api/v1/organisations", headers={"Authorization": "Bearer lb_not-a-token"}).status_code == 401
    services.api_token_revoke(acting_user=users[Role.ADMIN], token=token)
    assert client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_signed_in_session_is_not_a_token(users):
    from tests.conftest import sign_in

    client = sign_in(Client(), users[Role.OFFICER])
    assert client.get("/api/v1/agreements").status_code == 401


def test_a_token_reads_only_its_scopes(issue):
    _token, raw = issue("grants")
    headers = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/grants", headers=headers).status_code == 200
    response = Client().get("/api/v1/organisations", headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"] == "This token may not read register"


@override_settings(API_RATE_PER_MINUTE=3)
def test_past_the_rate_the_answer_is_429(bearer):
    client = Client()
    statuses = [client.get("/api/v1/open-data", headers=bearer).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_every_use_of_a_token_is_logged_with_its_answer(issue):
    token, raw = issue("register")
    client = Client()
    client.get("/api/v1/organisations?limit=5", headers={"Authorization": f"Bearer {raw}"})
    client.get("/api/v1/grants", headers={"Authorization": f"Bearer {raw}"})
    logged = list(ApiRequest.objects.filter(token=token).order_by("id").values_list("method", "path", "status"))
    assert logged == [("GET", "/api/v1/organisations?limit=5", 200), ("GET", "/api/v1/grants", 403)]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_organisations_page_by_cursor(bearer):
    for index in range(5):
        organisation = OrganisationFactory(name=f"Group {index}")
    IdentifierFactory(organisation=organisation, scheme="GB-CHC", value="1123456")
    client = Client()
    names, cursor = [], None
    while True:
        response = client.get("/api/v1/organisations", {"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=bearer).json()
        names += [item["name"] for item in response["items"]]
        cursor = response["next_cursor"]
        if not cursor:
            break
    assert names == [f"Group {index}" for index in range(5)]
    last = client.get("/api/v1/organisations", {"limit": 5}, headers=bearer).json()["items"][-1]
    assert last["identifiers"] == ["GB-CHC-1123456"]
    assert "contacts" not in last


@pytest.mark.parametrize("params", [{"cursor": "!!!"}, {"cursor": "-1"}, {"cursor": "9" * 40}, {"limit": 0}, {"limit": 201}, {"limit": "many"}])
def test_bad_paging_is_refused(bearer, params):
    assert Client().get("/api/v1/organisations", params, headers=bearer).status_code in (400, 422)


def test_one_organisation_or_404(bearer):
    organisation = OrganisationFactory(name="Riverside Food Bank")
    client = Client()
    assert client.get(f"/api/v1/organisations/{organisation.pk}", headers=bearer).json()["name"] == "Riverside Food Bank"
    assert client.get("/api/v1/organisations/999999", headers=bearer).status_code == 404


def test_agreements_and_grants_are_what_open_data_publishes(bearer, published):
    client = Client()
    agreements = client.get("/api/v1/agreements", headers=bearer).json()["items"]
    assert [item["reference"] for item in agreements] == ["AGR-2025-0001", "AGR-2025-0002", "CON-2025-0001", "CON-2025-0002"]
    assert agreements[0]["ward_codes"] == ["E05000001", "E05000002"] and agreements[0]["registration_number"] == "GB-CHC-1123456"
    grants = client.get("/api/v1/grants", headers=bearer).json()["items"]
    assert [item["id"] for item in grants] == ["360G-anytown-AGR-2025-0001", "360G-anytown-AGR-2025-0002"]


def test_the_openapi_document_is_3_1(client):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
        "/api/v1/agreements",
        "/api/v1/grants",
        "/api/v1/open-data",
    }


def test_the_documentation_page_needs_no_script(client):
    response = client.get("/api/docs")
    html = response.content.decode()
    text = visible_text(html.replace("<wbr>", ""))
    assert "GET /api/v1/organisations" in text and "Authorization: Bearer <token>" in text
    assert "cdn" not in html.lower() and "swagger" not in html.lower()


def test_an_administrator_issues_reads_and_revokes_a_token(users):
    from tests.conftest import sign_in

    admin = sign_in(Client(), users[Role.ADMIN])
    response = admin.post("/api/tokens/", {"name": "Data warehouse", "scopes": ["register", "grants"]})
    text = visible_text(response.content)
    assert "Token issued for Data warehouse" in text and "it will not be shown again" in text
    raw = next(word for word in text.split() if word.startswith("lb_"))
    assert Client().get("/api/v1/organisations", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token = ApiToken.objects.get(name="Data warehouse")
    detail = visible_text(admin.get(f"/api/tokens/{token.pk}/").content)
    assert "GET /api/v1/organisations answered 200" in detail
    admin.post(f"/api/tokens/{token.pk}/revoke")
    assert Client().get("/api/v1/organisations", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert "Revoked" in visible_text(admin.get(f"/api/tokens/{token.pk}/").content)


def test_the_issue_form_says_what_is_missing(users):
    from tests.conftest import sign_in

    text = visible_text(sign_in(Client(), users[Role.ADMIN]).post("/api/tokens/", {"name": ""}).content)
    assert "Say who or what the token is for" in text and "Choose what the token may read" in text


def test_open_data_gives_each_files_last_generated_time_and_row_count(bearer, published):
    from lightbulb.opendata import generation
    from lightbulb.opendata.datasets import dataset_get

    before = {item["url"]: item for item in Client().get("/api/v1/open-data", headers=bearer).json()}
    assert before["/open-data/360giving/grants.json"]["generated_at"] is None
    assert before["/open-data/360giving/grants.json"]["row_count"] is None
    record = generation.file_generate(dataset_get("360giving/grants.json"))
    generation.file_generate(dataset_get("ocds/releases.json"))
    after = {item["url"]: item for item in Client().get("/api/v1/open-data", headers=bearer).json()}
    grants = after["/open-data/360giving/grants.json"]
    # The two published grants (the planned and archived ones are not), as the file holds them.
    assert grants["row_count"] == 2
    assert grants["generated_at"].startswith(record.generated_at.isoformat()[:19])
    assert grants["out_of_date"] is False
    assert after["/open-data/ocds/releases.json"]["row_count"] == 2
    assert after["/open-data/transparency/contracts.csv"]["generated_at"] is None
    assert after["/openreferral/"]["standard"] == "Open Referral UK"
    generation.files_mark_stale()
    assert Client().get("/api/v1/open-data", headers=bearer).json()[0]["out_of_date"] is True
