from __future__ import annotations

import pytest

from lightbulb.api import services
from lightbulb.core.roles import Role


@pytest.fixture
def issue(users):
    def make(*scopes: str, name: str = "Data warehouse"):
        return services.api_token_issue(acting_user=users[Role.ADMIN], name=name, scopes=list(scopes or ["register", "agreements", "grants", "opendata"]))

    return make


@pytest.fixture
def bearer(issue):
    _token, raw = issue()
    return {"Authorization": f"Bearer {raw}"}


# The open-data fixtures (a council and published agreements) serve the API's tests too.
from tests.opendata.conftest import council, published  # noqa: E402, F401
