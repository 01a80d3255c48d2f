"""Which organisation a charity number on the register belongs to."""

from __future__ import annotations

import pytest

from lightbulb.imports.sources.charity_register import register_holders
from lightbulb.organisations.models import OrganisationIdentifier
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_number_two_records_hold_belongs_to_the_one_made_first_whatever_order_the_rows_come_in():
    first, second = OrganisationFactory(name="Roseton Disability Forum"), OrganisationFactory(name="Roseton Disability Forum")
    # Recorded on the later record first, so the table's own order would give it the number.
    OrganisationIdentifier.objects.create(organisation=second, scheme="GB-CHC", value="1548742")
    OrganisationIdentifier.objects.create(organisation=first, scheme="GB-CHC", value="1548742")
    OrganisationIdentifier.objects.create(organisation=second, scheme="GB-CHC", value="1100001")
    assert register_holders() == {1548742: first.pk, 1100001: second.pk}
