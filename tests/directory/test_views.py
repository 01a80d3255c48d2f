"""The directory pages: members describe their own organisation's services, officers anyone's, readers read."""

from __future__ import annotations

import pytest

from lightbulb.core.roles import Role
from lightbulb.directory.models import Service
from tests.conftest import sign_in
from tests.directory.factories import ServiceFactory, ServiceLocationFactory, term
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(own_organisation):
    item = ServiceFactory(organisation=own_organisation, name="Tuesday lunch club", fees="Free", publish=False)
    item.terms.add(term("food"))
    ServiceLocationFactory(service=item, name="St Mary's hall")
    return item


def client(users, role):
    from django.test import Client

    return sign_in(Client(), users[role])


def test_a_member_describes_a_service_and_agrees_to_publish_it(users, own_organisation):
    member = client(users, Role.VCS)
    assert f"Describe a service of {own_organisation.name}" in visible_text(member.get("/directory/").content)
    food = term("food")
    response = member.post(
        f"/directory/organisations/{own_organisation.pk}/new",
        {"name": "Community pantry", "description": "Food for anyone who needs it", "status": "active", "terms": [food.pk], "publish": "on"},
        follow=True,
    )
    text = visible_text(response.content)
    assert "Community pantry is in the directory" in text
    assert "Published in the open directory: the organisation agreed" in text
    service = Service.objects.get(name="Community pantry")
    assert service.publish_agreed_by == users[Role.VCS]


def test_an_officer_describes_a_service_on_the_organisations_behalf(users, own_organisation):
    officer = client(users, Role.OFFICER)
    response = officer.post(
        f"/directory/organisations/{own_organisation.pk}/new", {"name": "Advice drop-in", "description": "Benefits advice", "status": "active"}, follow=True
    )
    assert "Not published: the organisation has not agreed to publish it." in visible_text(response.content)


def test_the_form_shows_what_is_wrong_beside_the_field(users, own_organisation):
    response = client(users, Role.VCS).post(
        f"/directory/organisations/{own_organisation.pk}/new",
        {"name": "", "description": "<b>x</b>", "status": "active", "minimum_age": "30", "maximum_age": "12", "url": "nope"},
    )
    text = visible_text(response.content)
    assert "Enter the service's name" in text
    assert "Enter text without HTML tags" in text
    assert "The oldest age must be the same as or more than the youngest" in text
    assert "Enter a web address starting https://" in text
    assert not Service.objects.exists()


def test_an_edit_from_a_stale_form_is_refused_and_the_input_kept(users, service):
    member = client(users, Role.VCS)
    opened = service.version
    officer = client(users, Role.OFFICER)
    officer.post(f"/directory/services/{service.pk}/edit", {"name": "Wednesday lunch club", "description": "Lunch", "status": "active", "version": opened})
    response = member.post(
        f"/directory/services/{service.pk}/edit", {"name": "Thursday lunch club", "description": "Lunch", "status": "active", "version": opened}
    )
    text = visible_text(response.content)
    assert "This record was changed by someone else since you opened it" in text
    assert "Thursday lunch club" in response.content.decode()
    assert Service.objects.get(pk=service.pk).name == "Wednesday lunch club"


def test_places_are_added_and_removed(users, service):
    member = client(users, Role.VCS)
    response = member.post(
        f"/directory/services/{service.pk}/places/new", {"name": "Library", "address_1": "3 Book Street", "city": "Anytown", "postcode": "at1 1aa"}, follow=True
    )
    assert "Library 3 Book Street, Anytown, AT1 1AA" in visible_text(response.content)
    place = service.locations.get(name="Library")
    response = member.post(f"/directory/services/{service.pk}/places/{place.pk}/remove", follow=True)
    assert "Library has been removed" in visible_text(response.content)
    assert not service.locations.filter(name="Library").exists()


def test_a_bad_place_is_refused_beside_the_field(users, service):
    response = client(users, Role.VCS).post(f"/directory/services/{service.pk}/places/new", {"name": "", "address_1": "x", "city": "y", "postcode": "NOPE"})
    text = visible_text(response.content)
    assert "Enter the name of the place" in text and "Enter a real postcode, like AT1 1AA" in text


def test_a_councillor_reads_but_cannot_change(users, service):
    councillor = client(users, Role.COUNCILLOR)
    text = visible_text(councillor.get(f"/directory/services/{service.pk}/").content)
    assert "Tuesday lunch club" in text and "St Mary's hall" in text and "Food" in text
    assert "Change the service" not in text and "Add a place" not in text
    assert councillor.get(f"/directory/services/{service.pk}/edit").status_code == 403


def test_a_member_of_another_organisation_sees_none_of_it(users, service, other_organisation):
    other = client(users, Role.VCS)
    other.force_login(other_organisation.memberships.get().user)
    assert "Tuesday lunch club" not in visible_text(other.get("/directory/").content)
    assert other.get(f"/directory/services/{service.pk}/").status_code == 404
    assert other.post(f"/directory/services/{service.pk}/edit", {"name": "Mine now", "description": "x", "status": "active"}).status_code == 404
    assert Service.objects.get(pk=service.pk).name == "Tuesday lunch club"


def test_the_list_searches_by_service_or_organisation(users, service):
    ServiceFactory(name="Youth club")
    officer = client(users, Role.OFFICER)
    text = visible_text(officer.get("/directory/", {"q": "lunch"}).content)
    assert "Tuesday lunch club" in text and "Youth club" not in text
    assert "No services match" in visible_text(officer.get("/directory/", {"q": "zzz"}).content)


def test_the_list_is_paged_and_its_queries_do_not_grow(users, service):
    from tests.helpers import assert_queries_independent_of_size

    officer = client(users, Role.OFFICER)
    assert "1 service." in visible_text(officer.get("/directory/").content)
    assert_queries_independent_of_size(officer, "/directory/", lambda: ServiceFactory.create_batch(60))
    text = visible_text(officer.get("/directory/").content)
    assert "61 services." in text and "Next" in text


def test_the_organisation_page_lists_its_services(users, service, own_organisation):
    text = visible_text(client(users, Role.OFFICER).get(f"/organisations/{own_organisation.pk}/").content)
    assert "Services in the directory" in text and "Tuesday lunch club : not published" in text


def test_opening_times_are_added_and_removed(users, service):
    member = client(users, Role.VCS)
    form = visible_text(member.get(f"/directory/services/{service.pk}/times/new").content)
    assert "Which days?" in form and "Opens at" in form and "Closes at" in form
    response = member.post(f"/directory/services/{service.pk}/times/new", {"days": ["2", "5"], "opens_at": "09:30", "closes_at": "12:00"}, follow=True)
    text = visible_text(response.content)
    assert "The opening times have been added" in text
    assert "Tuesday 09:30 to 12:00" in text and "Friday 09:30 to 12:00" in text
    tuesday = service.schedules.get(weekday=2)
    response = member.post(f"/directory/services/{service.pk}/times/{tuesday.pk}/remove", follow=True)
    assert "Tuesday 09:30 to 12:00 has been removed" in visible_text(response.content)
    assert list(service.schedules.values_list("weekday", flat=True)) == [5]


def test_bad_opening_times_are_refused_beside_the_field(users, service):
    response = client(users, Role.OFFICER).post(f"/directory/services/{service.pk}/times/new", {"opens_at": "14:00", "closes_at": "9am"})
    text = visible_text(response.content)
    assert "Choose at least one day" in text and "Enter a time on the 24-hour clock, like 09:30" in text
    response = client(users, Role.OFFICER).post(f"/directory/services/{service.pk}/times/new", {"days": ["1"], "opens_at": "14:00", "closes_at": "09:00"})
    assert "The closing time must be after the opening time" in visible_text(response.content)
    assert not service.schedules.exists()


def test_a_place_is_put_on_the_map_with_its_position(users, service):
    response = client(users, Role.VCS).post(
        f"/directory/services/{service.pk}/places/new",
        {"name": "Library", "address_1": "3 Book Street", "city": "Anytown", "postcode": "AT1 1AA", "latitude": "52.486243", "longitude": "200"},
    )
    assert "Enter the longitude in decimal degrees" in visible_text(response.content)
    response = client(users, Role.VCS).post(
        f"/directory/services/{service.pk}/places/new",
        {"name": "Library", "address_1": "3 Book Street", "city": "Anytown", "postcode": "AT1 1AA", "latitude": "52.486243", "longitude": "-1.890401"},
        follow=True,
    )
    assert "On the map at 52.486243, -1.890401" in visible_text(response.content)
