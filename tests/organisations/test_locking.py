"""Two officers change one organisation or contact: the second save is refused, their own input kept."""

from __future__ import annotations

import pytest

from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.organisations import services
from lightbulb.organisations.models import Contact, Organisation
from tests.factories import ContactFactory
from tests.helpers import visible_text
from tests.locking import form_values, opened_form, second_save_refused, two_officers

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(users):
    return services.organisation_create(acting_user=users[Role.OFFICER], name="Riverside Food Bank", postcode="AT1 1AA", phone="01632 960001")


def test_the_second_organisation_save_is_refused_with_what_changed_and_their_input_kept(organisation):
    url = f"/organisations/{organisation.pk}/edit"
    refused = second_save_refused(url, {"name": "Riverside Food Hub"}, {"name": "Riverside Pantry", "phone": "01632 960002"})
    text = visible_text(refused.content)
    assert "Name is now 'Riverside Food Hub'" in text
    assert form_values(refused.content)["name"] == "Riverside Pantry" and form_values(refused.content)["phone"] == "01632 960002"
    organisation.refresh_from_db()
    assert (organisation.name, organisation.phone, organisation.version) == ("Riverside Food Hub", "01632 960001", 2)
    assert AuditEvent.objects.filter(action="organisation_update").count() == 1


def test_having_read_what_changed_the_second_officer_saves_again(organisation):
    url = f"/organisations/{organisation.pk}/edit"
    first, second = two_officers()
    first_form, second_form = opened_form(first, url), opened_form(second, url)
    assert first.post(url, {**first_form, "description": "Food parcels"}).status_code == 302
    refused = second.post(url, {**second_form, "name": "Riverside Pantry"})
    # The refusal says what the first officer changed; the second keeps it as well as their own change.
    assert "Description is now 'Food parcels'" in visible_text(refused.content)
    again = second.post(url, {**form_values(refused.content), "description": "Food parcels"})
    assert again.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.description, organisation.version) == ("Riverside Pantry", "Food parcels", 3)


def test_a_portal_change_also_makes_an_open_officer_form_stale(organisation, users):
    url = f"/organisations/{organisation.pk}/edit"
    officer = two_officers()[0]
    opened = opened_form(officer, url)
    services._organisation_change(acting_user=users[Role.OFFICER], organisation=organisation, changes={"website": "https://example.org"}, summary="Portal")
    refused = officer.post(url, {**opened, "name": "Riverside Pantry"})
    assert refused.status_code == 200 and "changed by someone else" in visible_text(refused.content)
    assert Organisation.objects.get(pk=organisation.pk).name == "Riverside Food Bank"


def test_the_second_contact_save_is_refused_with_what_changed_and_their_input_kept(organisation):
    contact = ContactFactory(organisation=organisation, name="Jane Treasurer", role="Treasurer")
    url = f"/organisations/{organisation.pk}/contacts/{contact.pk}/edit"
    refused = second_save_refused(url, {"role": "Chair"}, {"role": "Secretary"})
    assert "Role in the organisation is now 'Chair'" in visible_text(refused.content)
    assert form_values(refused.content)["role"] == "Secretary"
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.role, stored.version) == ("Chair", 2)
    assert AuditEvent.objects.filter(action="contact_update").count() == 1
