"""The agreement form's date boxes answer a 26-digit number with a message beside the field, not a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.funding.models import Agreement
from tests.funding.test_agreements_views import _form_data
from tests.helpers import visible_text
from tests.organisations.test_hostile_dates import HUGE, field_error

pytestmark = pytest.mark.django_db
CASES = [
    ({"start_date_2": HUGE}, "id_start_date", "Start date: the year must have 4 numbers, like 2026"),
    ({"end_date_0": HUGE}, "id_end_date", "End date must be a real date, for example 27 3 2026"),
    ({"end_date_1": HUGE}, "id_end_date", "End date must be a real date, for example 27 3 2026"),
    ({"end_date_2": "9999"}, "id_end_date", "End date: the year must be a real year, like 2026"),
]


@pytest.mark.parametrize(("changes", "field_id", "message"), CASES)
def test_adding_refuses_a_26_digit_date_part_beside_the_field(officer_client, users, own_organisation, changes, field_id, message):
    response = officer_client.post(reverse("funding:agreement_create"), _form_data(own_organisation, users[Role.OFFICER], **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert field_error(html, field_id) == f"Error: {message}"
    assert "There is a problem" in visible_text(html)
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(("changes", "field_id", "message"), CASES)
def test_editing_refuses_a_26_digit_date_part_beside_the_field(officer_client, users, agreement, changes, field_id, message):
    before = (agreement.start_date, agreement.end_date)
    data = _form_data(agreement.organisation, users[Role.OFFICER], **changes)
    response = officer_client.post(reverse("funding:agreement_edit", kwargs={"pk": agreement.pk}), data)
    assert response.status_code == 200
    assert field_error(response.content.decode(), field_id) == f"Error: {message}"
    agreement.refresh_from_db()
    assert (agreement.start_date, agreement.end_date) == before
