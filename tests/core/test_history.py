"""History pages read as prose: field names in words, lists as lists, no 'None'."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.organisations.services import organisation_update
from tests.factories import AreaOfWorkFactory, OrganisationFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def test_history_names_fields_in_words_and_lists_as_lists(client_for, users):
    organisation = OrganisationFactory(name="Riverside Pantry", other_names="")
    food, advice = AreaOfWorkFactory(name="Food"), AreaOfWorkFactory(name="Advice")
    organisation_update(acting_user=users[Role.OFFICER], organisation=organisation, changes={"other_names": "The Pantry", "areas_of_work": [food, advice]})
    page = client_for(Role.OFFICER).get(reverse("organisations:history", kwargs={"pk": organisation.pk}))
    text = visible_text(page.content)
    assert "Other names" in text
    assert "Other_names" not in text and "other_names" not in text
    assert "Advice, Food" in text or "Food, Advice" in text
    assert "['" not in text
    assert "None" not in text.replace("(empty)", "")
