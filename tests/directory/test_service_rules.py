"""The directory services, called directly: they ask who is acting, and enforce every rule their forms do.

Officers describe any organisation's services on its behalf; members describe their own
organisation's; nobody else (councillors, investigators, administrators, staff, the system, members
of another organisation) writes anything.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from lightbulb.core.checks import REQUIRED
from lightbulb.core.locking import StaleEdit
from lightbulb.core.roles import Role
from lightbulb.directory import services
from lightbulb.directory.forms import LocationForm, ScheduleForm, ServiceForm
from lightbulb.directory.models import Service, ServiceLocation, ServiceSchedule
from tests.directory.factories import ServiceFactory, ServiceLocationFactory, ServiceScheduleFactory, term
from tests.factories import WardFactory
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [Service, ServiceLocation, ServiceSchedule, Service.terms.through, Service.wards.through]
ALLOWED = ("officer", "vcs")
NO_TAGS = "Enter text without HTML tags (remove anything between < and >)"
GOOD = {"name": "Lunch club", "description": "A hot meal on Tuesdays", "status": "active"}
GOOD_PLACE = {"name": "St Mary's hall", "address_1": "2 Church Lane", "city": "Anytown", "postcode": "at1 1aa"}
GOOD_TIMES = {"days": ["2", "4"], "opens_at": "09:30", "closes_at": "12:00"}


@pytest.fixture
def w(users, own_organisation, other_organisation):
    service = ServiceFactory(organisation=own_organisation, name="Tuesday lunch club")
    return SimpleNamespace(
        users=users,
        outsider=other_organisation.memberships.get().user,
        organisation=own_organisation,
        service=service,
        location=ServiceLocationFactory(service=service),
        schedule=ServiceScheduleFactory(service=service),
        officer=users[Role.OFFICER],
        member=users[Role.VCS],
    )


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "service_create": (lambda w, a: services.service_create(acting_user=a, organisation=w.organisation, **GOOD), ALLOWED),
    "service_update": (lambda w, a: services.service_update(acting_user=a, service=w.service, **GOOD), ALLOWED),
    "service_location_add": (lambda w, a: services.service_location_add(acting_user=a, service=w.service, **GOOD_PLACE), ALLOWED),
    "service_location_remove": (lambda w, a: services.service_location_remove(acting_user=a, location=w.location), ALLOWED),
    "service_schedule_add": (lambda w, a: services.service_schedule_add(acting_user=a, service=w.service, **GOOD_TIMES), ALLOWED),
    "service_schedule_remove": (lambda w, a: services.service_schedule_remove(acting_user=a, schedule=w.schedule), ALLOWED),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
@pytest.mark.parametrize("who", ALLOWED)
def test_officers_and_the_organisations_members_get_through(w, service, who):
    call, _allowed = SERVICES[service]
    call(w, identity(who, w.users, w.outsider))


def too_long(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {limit + 1})."


SERVICE_RULES = [
    ("name", "", "Enter the service's name"),
    ("name", "x" * 201, too_long(200)),
    ("name", "<script>x</script>", NO_TAGS),
    ("description", "", "Say what the service offers and who it is for"),
    ("description", "x" * 5001, too_long(5000)),
    ("url", "not a web address", "Enter a web address starting https://"),
    ("email", "nobody-at-example", "Enter an e-mail address like name@example.org"),
    ("maximum_age", 200, "Ensure this value is less than or equal to 120."),
    ("minimum_age", -1, "Ensure this value is greater than or equal to 0."),
    ("fees", "<b>free</b>", NO_TAGS),
]
SERVICE_MESSAGES = {"maximum_age": "Enter an age from 0 to 120", "minimum_age": "Enter an age from 0 to 120"}


@pytest.mark.parametrize(("field", "value", "message"), SERVICE_RULES)
def test_the_service_refuses_what_the_form_refuses(w, field, value, message):
    values = {**GOOD, field: value}
    form = ServiceForm({**GOOD, field: value})
    assert not form.is_valid()
    assert message in form.errors[field]
    service_message = SERVICE_MESSAGES.get(field, message)
    assert_invalid(lambda: services.service_create(acting_user=w.officer, organisation=w.organisation, **values), field, service_message, WATCHED)
    assert_invalid(lambda: services.service_update(acting_user=w.member, service=w.service, **values), field, service_message, WATCHED)


def test_the_oldest_age_may_not_be_below_the_youngest(w):
    values = {**GOOD, "minimum_age": 18, "maximum_age": 11}
    form = ServiceForm(values)
    assert not form.is_valid()
    assert services.AGE_ORDER_MESSAGE in form.errors["maximum_age"]
    assert_invalid(
        lambda: services.service_create(acting_user=w.officer, organisation=w.organisation, **values), "maximum_age", services.AGE_ORDER_MESSAGE, WATCHED
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("terms", [999_999], "Choose the kinds of service from the list"),
        ("wards", ["E05000001"], "Choose wards from the list"),
        ("status", "closed", "Select a valid choice. closed is not one of the available choices."),
    ],
)
def test_choices_must_come_from_the_lists(w, field, value, message):
    assert_invalid(lambda: services.service_create(acting_user=w.officer, organisation=w.organisation, **{**GOOD, field: value}), field, message, WATCHED)


LOCATION_RULES = [
    ("name", "", "Enter the name of the place, for example the hall or centre"),
    ("address_1", "", "Enter the street address"),
    ("city", "", "Enter the town or city"),
    ("postcode", "", REQUIRED),
    ("postcode", "NOPE 1", "Enter a real postcode, like AT1 1AA"),
    ("name", "<i>Hall</i>", NO_TAGS),
]


@pytest.mark.parametrize(("field", "value", "message"), LOCATION_RULES)
def test_a_place_needs_a_name_and_a_real_address(w, field, value, message):
    values = {**GOOD_PLACE, field: value}
    assert_invalid(lambda: services.service_location_add(acting_user=w.member, service=w.service, **values), field, message, WATCHED)
    form = LocationForm(values)
    assert not form.is_valid()
    assert message in form.errors[field]


def test_a_service_records_who_recorded_the_agreement_to_publish_and_forgets_it_when_withdrawn(w):
    service = services.service_create(acting_user=w.officer, organisation=w.organisation, **GOOD, publish=True, terms=[term("food")], wards=[WardFactory()])
    assert service.publish_agreed_by == w.officer and service.publish_agreed_at is not None
    services.service_update(acting_user=w.member, service=service, **GOOD, publish=False)
    service.refresh_from_db()
    assert (service.publish, service.publish_agreed_by, service.publish_agreed_at) == (False, None, None)


def test_a_service_changed_since_the_form_opened_is_not_overwritten(w):
    opened_at = w.service.version
    services.service_update(acting_user=w.officer, service=w.service, **{**GOOD, "name": "Wednesday lunch club"}, expected_version=opened_at)
    stale = Service.objects.get(pk=w.service.pk)
    stale.version = opened_at
    with pytest.raises(StaleEdit) as raised:
        services.service_update(acting_user=w.member, service=stale, **{**GOOD, "name": "Thursday lunch club"}, expected_version=opened_at)
    assert "Wednesday lunch club" in raised.value.messages[0]
    assert Service.objects.get(pk=w.service.pk).name == "Wednesday lunch club"


def test_postcodes_are_stored_as_people_read_them(w):
    place = services.service_location_add(acting_user=w.member, service=w.service, **GOOD_PLACE)
    assert place.postcode == "AT1 1AA"


POSITION_RULES = [
    ({"latitude": "52.5"}, "longitude", services.POSITION_WHOLE_MESSAGE),
    ({"longitude": "-1.9"}, "latitude", services.POSITION_WHOLE_MESSAGE),
    ({"latitude": "48.1", "longitude": "-1.9"}, "latitude", services.LATITUDE_MESSAGE),
    ({"latitude": "52.5", "longitude": "13.4"}, "longitude", services.LONGITUDE_MESSAGE),
    ({"latitude": "north", "longitude": "-1.9"}, "latitude", services.LATITUDE_MESSAGE),
    ({"latitude": "NaN", "longitude": "-1.9"}, "latitude", services.LATITUDE_MESSAGE),
    ({"latitude": "52.5", "longitude": "Infinity"}, "longitude", services.LONGITUDE_MESSAGE),
    ({"latitude": True, "longitude": "-1.9"}, "latitude", services.LATITUDE_MESSAGE),
]


@pytest.mark.parametrize(("position", "field", "message"), POSITION_RULES)
def test_a_place_on_the_map_needs_both_degrees_within_the_uk(w, position, field, message):
    values = {**GOOD_PLACE, **position}
    assert_invalid(lambda: services.service_location_add(acting_user=w.member, service=w.service, **values), field, message, WATCHED)
    if not isinstance(position.get("latitude"), bool):
        form = LocationForm(values)
        assert form.is_valid(), form.errors  # the form parses; the service's rule is shown beside the field


def test_a_place_keeps_its_position_to_six_places(w):
    place = services.service_location_add(acting_user=w.member, service=w.service, **GOOD_PLACE, latitude=" 52.4862431 ", longitude="-1.890401")
    place.refresh_from_db()
    assert (str(place.latitude), str(place.longitude)) == ("52.486243", "-1.890401")


TIME_RULES = [
    ({"days": []}, "days", services.DAYS_REQUIRED),
    ({"days": ["8"]}, "days", services.DAYS_INVALID),
    ({"days": "2"}, "days", services.DAYS_INVALID),
    ({"days": [True]}, "days", services.DAYS_INVALID),
    ({"opens_at": ""}, "opens_at", services.OPENS_REQUIRED),
    ({"closes_at": ""}, "closes_at", services.CLOSES_REQUIRED),
    ({"opens_at": "9am"}, "opens_at", services.TIME_INVALID),
    ({"opens_at": "24:00"}, "opens_at", services.TIME_INVALID),
    ({"closes_at": "<b>5</b>"}, "closes_at", services.TIME_INVALID),
    ({"opens_at": "12:00", "closes_at": "12:00"}, "closes_at", services.TIME_ORDER_MESSAGE),
    ({"opens_at": "14:00", "closes_at": "09:00"}, "closes_at", services.TIME_ORDER_MESSAGE),
]


@pytest.mark.parametrize(("change", "field", "message"), TIME_RULES)
def test_opening_times_need_days_and_an_opening_before_the_closing(w, change, field, message):
    values = {**GOOD_TIMES, **change}
    assert_invalid(lambda: services.service_schedule_add(acting_user=w.officer, service=w.service, **values), field, message, WATCHED)


@pytest.mark.parametrize(("change", "field", "message"), [({"days": []}, "days", services.DAYS_REQUIRED), ({"days": ["9"]}, "days", services.DAYS_INVALID)])
def test_the_times_form_refuses_the_days_the_service_refuses(change, field, message):
    form = ScheduleForm({**GOOD_TIMES, **change})
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_opening_times_are_added_for_each_day_chosen_and_audited(w):
    from lightbulb.core.models import AuditEvent

    added = services.service_schedule_add(acting_user=w.member, service=w.service, days=["4", "2", "2"], opens_at="9.30", closes_at="12:00")
    assert [(item.weekday, item.opens_at.isoformat(), item.closes_at.isoformat()) for item in added] == [
        (2, "09:30:00", "12:00:00"),
        (4, "09:30:00", "12:00:00"),
    ]
    event = AuditEvent.objects.filter(action="service_schedule_add").get()
    assert "Tuesday 09:30 to 12:00" in event.summary and "Thursday 09:30 to 12:00" in event.summary
