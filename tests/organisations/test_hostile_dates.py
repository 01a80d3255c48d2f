"""The register's date boxes answer a 26-digit number with a message beside the field, not a 500."""

from __future__ import annotations

import re

import pytest

from lightbulb.organisations.models import Organisation
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db
HUGE = "9" * 26
VALID = {"name": "Hilltop Youth Club", "legal_form": "cio", "status": "active", "postcode": "AT2 3BB"}


def field_error(html: str, field_id: str) -> str:
    """The text of the GOV.UK error message rendered beside one field."""
    match = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert match, f"no error message beside {field_id}"
    return visible_text(match.group(1))


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("1", "1", HUGE), "Date registered: the year must have 4 numbers, like 2026"),
        ((HUGE, "1", "2019"), "Date registered must be a real date, for example 27 3 2026"),
        (("1", HUGE, "2019"), "Date registered must be a real date, for example 27 3 2026"),
    ],
)
def test_a_26_digit_date_part_is_refused_beside_the_field(officer_client, parts, message):
    data = {**VALID, "date_registered_0": parts[0], "date_registered_1": parts[1], "date_registered_2": parts[2]}
    response = officer_client.post("/organisations/add", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert field_error(html, "id_date_registered") == f"Error: {message}"
    assert "There is a problem" in visible_text(html)
    assert HUGE in html  # what was typed is kept
    assert not Organisation.objects.exists()
