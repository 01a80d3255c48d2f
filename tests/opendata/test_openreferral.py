"""Open Referral UK: each endpoint's payload validates against the profile's schemas, pages agree, filters narrow."""

from __future__ import annotations

import datetime
import math
import uuid

import pytest
from django.test import Client

from lightbulb.directory.models import Taxonomy
from tests.directory.factories import ServiceFactory, ServiceLocationFactory, ServiceScheduleFactory, term
from tests.factories import IdentifierFactory, OrganisationFactory, PostcodeFactory, WardFactory
from tests.opendata.conftest import Draft202012Validator, format_checker, oruk_errors, oruk_openapi, oruk_validator

pytestmark = pytest.mark.django_db

NORTH_SQUARE = [[-1.50, 52.60], [-1.48, 52.60], [-1.48, 52.61], [-1.50, 52.61], [-1.50, 52.60]]


@pytest.fixture
def directory(db):
    # A ward about 1.4 km by 1.1 km; its centre is (52.605, -1.49).
    north = WardFactory(gss_code="E05000011", name="North", boundary={"type": "MultiPolygon", "coordinates": [[NORTH_SQUARE]]})
    PostcodeFactory(postcode="AT2 2BB", ward=north)
    charity = OrganisationFactory(name="Riverside Food Bank", description="Food for anyone who needs it", website="https://riverside.example.org")
    IdentifierFactory(organisation=charity, scheme="GB-CHC", value="1123456")
    pantry = ServiceFactory(
        organisation=charity, name="Community pantry", minimum_age=18, contact_name="Sam Lee", contact_title="Coordinator", email="pantry@example.org"
    )
    pantry.terms.add(term("food"))
    pantry.wards.add(north)
    ServiceLocationFactory(service=pantry, name="St Mary's hall", postcode="AT2 2BB", latitude="52.606000", longitude="-1.491000")
    ServiceScheduleFactory(service=pantry, weekday=2, opens_at=datetime.time(10, 0), closes_at=datetime.time(12, 0))
    youth = ServiceFactory(organisation=OrganisationFactory(name="Youth Matters"), name="Youth club", minimum_age=11, maximum_age=18)
    youth.terms.add(term("children-families"))
    # About 17 km north-east of the pantry's hall.
    ServiceLocationFactory(service=youth, name="Youth centre", latitude="52.700000", longitude="-1.300000")
    ServiceScheduleFactory(service=youth, weekday=5, opens_at=datetime.time(18, 0), closes_at=datetime.time(21, 0))
    hidden = ServiceFactory(name="Unpublished counselling", publish=False)
    ServiceLocationFactory(service=hidden)
    ended = ServiceFactory(name="Dissolved group's club", organisation=OrganisationFactory(status="dissolved"))
    return {"pantry": pantry, "youth": youth, "hidden": hidden, "ended": ended}


def get(url: str, **params) -> dict:
    response = Client().get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def assert_page_agrees(page: dict, *, per_page: int) -> None:
    """The paging fields agree with each other and with the contents (NOTES.md)."""
    assert page["size"] == len(page["contents"])
    assert page["empty"] == (page["size"] == 0)
    assert page["total_pages"] == max(math.ceil(page["total_items"] / per_page), 1)
    assert page["first_page"] == (page["page_number"] == 1)
    assert page["last_page"] == (page["page_number"] >= page["total_pages"])
    page_schema = oruk_openapi()["components"]["schemas"]["Page"]
    assert list(Draft202012Validator(page_schema, format_checker=format_checker()).iter_errors(page)) == []


def test_the_root_says_which_version_and_profile(directory):
    data = get("/openreferral/")
    schema = oruk_openapi()["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert list(Draft202012Validator(schema, format_checker=format_checker()).iter_errors(data)) == []
    assert data["version"] == "3.0" and data["openapi_url"].endswith("openapi.json")


def test_services_lists_only_what_was_agreed_and_validates(directory):
    page = get("/openreferral/services")
    assert [item["name"] for item in page["contents"]] == ["Community pantry", "Youth club"]
    assert_page_agrees(page, per_page=50)
    validator = oruk_validator("compiled/service_list.json")
    for item in page["contents"]:
        assert oruk_errors(validator, item) == []


def test_a_full_service_validates_against_the_profiles_service_schema(directory):
    pantry = directory["pantry"]
    data = get(f"/openreferral/services/{pantry.uuid}")
    assert oruk_errors(oruk_validator("compiled/service.json"), data) == []
    assert data["id"] == str(pantry.uuid)
    assert data["organization"]["organization_identifiers"][0]["identifier"] == "1123456"
    assert data["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "AT2 2BB"
    assert data["attributes"][0]["taxonomy_term"]["name"] == "Food"
    assert data["service_areas"][0]["extent"] == "E05000011"
    assert data["contacts"] == [{"id": data["contacts"][0]["id"], "service_id": data["id"], "name": "Sam Lee", "title": "Coordinator"}]
    # No nulls: an empty optional field is left out.
    assert "null" not in Client().get(f"/openreferral/services/{pantry.uuid}").content.decode()
    assert "maximum_age" not in data and "url" not in data


def test_identifiers_are_stable_uuids(directory):
    first = get(f"/openreferral/services/{directory['pantry'].uuid}")
    second = get(f"/openreferral/services/{directory['pantry'].uuid}")
    assert first == second
    uuid.UUID(first["organization_id"])
    assert str(directory["pantry"].organisation.pk) != first["organization_id"]


@pytest.mark.parametrize("which", ["hidden", "ended"])
def test_a_service_not_agreed_or_of_an_ended_organisation_is_not_found(directory, which):
    assert Client().get(f"/openreferral/services/{directory[which].uuid}").status_code == 404


@pytest.mark.parametrize("bad", ["not-a-uuid", "1", "9de451d4-23ae-4532-a714-ef3525cffc13", "%00"])
def test_unknown_or_malformed_ids_are_not_found(directory, bad):
    for endpoint in ("services", "service_at_locations", "taxonomies", "taxonomy_terms"):
        response = Client().get(f"/openreferral/{endpoint}/{bad}")
        assert response.status_code == 404
        assert response.json()["detail"].startswith("No such")


def test_paging_splits_and_agrees(directory):
    first = get("/openreferral/services", page=1, per_page=1)
    second = get("/openreferral/services", page=2, per_page=1)
    beyond = get("/openreferral/services", page=9, per_page=1)
    assert [first["contents"][0]["name"], second["contents"][0]["name"]] == ["Community pantry", "Youth club"]
    assert (first["first_page"], first["last_page"], second["last_page"], first["total_pages"]) == (True, False, True, 2)
    assert beyond["contents"] == [] and beyond["empty"] is True
    for page in (first, second, beyond):
        assert_page_agrees(page, per_page=1)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "two"},
        {"per_page": "-5"},
        {"per_page": "1e9"},
        {"taxonomy_term_id": "food"},
        {"taxonomy_id": "1"},
        {"minimum_age": "old"},
        {"maximum_age": "nan"},
    ],
)
def test_bad_parameters_are_refused_with_a_reason(directory, params):
    response = Client().get("/openreferral/services", params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_bad_postcode_is_refused_for_places(directory):
    response = Client().get("/openreferral/service_at_locations", {"postcode": "<script>"})
    assert response.status_code == 400


def test_filters_narrow_the_services(directory):
    food = term("food")
    assert [item["name"] for item in get("/openreferral/services", taxonomy_term_id=str(food.uuid))["contents"]] == ["Community pantry"]
    taxonomy = Taxonomy.objects.get(name="Lightbulb service types")
    assert len(get("/openreferral/services", taxonomy_id=str(taxonomy.uuid))["contents"]) == 2
    assert [item["name"] for item in get("/openreferral/services", search="youth")["contents"]] == ["Youth club"]
    assert [item["name"] for item in get("/openreferral/services", minimum_age=16)["contents"]] == ["Community pantry"]
    assert [item["name"] for item in get("/openreferral/services", maximum_age=18)["contents"]] == ["Youth club"]


def test_service_at_locations_validate_and_filter_by_postcode(directory):
    page = get("/openreferral/service_at_locations")
    assert_page_agrees(page, per_page=50)
    assert len(page["contents"]) == 2
    validator = oruk_validator("compiled/service_at_location_list.json")
    for item in page["contents"]:
        assert oruk_errors(validator, item) == []
    near = get("/openreferral/service_at_locations", postcode="at2 2bb")
    assert [item["location"]["name"] for item in near["contents"]] == ["St Mary's hall"]
    assert get("/openreferral/service_at_locations", postcode="ZZ9 9ZZ")["contents"] == []


def test_one_service_at_location_validates_against_the_service_at_location_schema(directory):
    place = directory["pantry"].locations.get()
    data = get(f"/openreferral/service_at_locations/{place.link_uuid}")
    # The profile's openapi.json names the service schema here by mistake (NOTES.md): the service-at-location schema is the right one.
    assert oruk_errors(oruk_validator("compiled/service_at_location.json"), data) == []
    assert data["service"]["name"] == "Community pantry"
    hidden = directory["hidden"].locations.get()
    assert Client().get(f"/openreferral/service_at_locations/{hidden.link_uuid}").status_code == 404


def test_taxonomies_and_terms_validate(directory):
    taxonomies = get("/openreferral/taxonomies")
    assert_page_agrees(taxonomies, per_page=50)
    for item in taxonomies["contents"]:
        assert oruk_errors(oruk_validator("taxonomy.json"), item) == []
    one = get(f"/openreferral/taxonomies/{taxonomies['contents'][0]['id']}")
    assert oruk_errors(oruk_validator("taxonomy.json"), one) == []
    terms = get("/openreferral/taxonomy_terms", per_page=5)
    assert_page_agrees(terms, per_page=5)
    assert terms["total_items"] == 14
    for item in terms["contents"]:
        assert oruk_errors(oruk_validator("taxonomy_term.json"), item) == []
    food = get(f"/openreferral/taxonomy_terms/{term('food').uuid}")
    assert oruk_errors(oruk_validator("taxonomy_term.json"), food) == []
    assert food["taxonomy_id"] == one["id"]


def test_the_validators_do_catch_a_broken_payload(directory):
    data = get(f"/openreferral/services/{directory['pantry'].uuid}")
    data["status"] = "open"
    data["id"] = "42"
    assert len(oruk_errors(oruk_validator("compiled/service.json"), data)) == 2


def test_a_list_of_services_takes_the_same_queries_however_many(directory, django_assert_max_num_queries):
    for index in range(20):
        service = ServiceFactory(name=f"Extra {index}")
        service.terms.add(term("advice"))
        ServiceLocationFactory(service=service)
    with django_assert_max_num_queries(12):
        get("/openreferral/services", per_page=50)


def names(page: dict) -> list[str]:
    return [item["name"] for item in page["contents"]]


def place_names(page: dict) -> list[str]:
    return [item["location"]["name"] for item in page["contents"]]


def test_a_full_service_gives_its_opening_times_as_weekly_rules_and_validates(directory):
    data = get(f"/openreferral/services/{directory['pantry'].uuid}")
    assert oruk_errors(oruk_validator("compiled/service.json"), data) == []
    [schedule] = data["schedules"]
    assert {key: schedule[key] for key in ("service_id", "freq", "byday", "opens_at", "closes_at")} == {
        "service_id": data["id"],
        "freq": "WEEKLY",
        "byday": "TU",
        "opens_at": "10:00",
        "closes_at": "12:00",
    }
    uuid.UUID(schedule["id"])
    place = data["service_at_locations"][0]["location"]
    assert (place["latitude"], place["longitude"]) == (52.606, -1.491)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"day": "TU"}, ["Community pantry"]),
        ({"day": "friday"}, ["Youth club"]),
        ({"day": "SU"}, []),
        ({"start_time": "17:00"}, ["Youth club"]),
        ({"start_time": "10:00"}, ["Community pantry", "Youth club"]),
        ({"end_time": "13:00"}, ["Community pantry"]),
        ({"end_time": "21:00:00Z"}, ["Community pantry", "Youth club"]),
        # One and the same opening must meet every filter: the pantry opens on Tuesdays, but not after 5pm.
        ({"day": "TU", "start_time": "17:00"}, []),
        ({"day": "FR", "start_time": "17:00", "end_time": "22:00"}, ["Youth club"]),
        ({"day": "FR", "end_time": "20:00"}, []),
    ],
)
def test_day_and_time_filters_keep_only_services_open_then(directory, params, expected):
    assert names(get("/openreferral/services", **params)) == expected
    assert sorted({item["service"]["name"] for item in get("/openreferral/service_at_locations", **params)["contents"]}) == expected


def test_a_service_without_opening_times_is_left_out_of_a_day_search(directory):
    ServiceFactory(name="Advice line")
    assert "Advice line" in names(get("/openreferral/services"))
    assert "Advice line" not in names(get("/openreferral/services", day="MO")) + names(get("/openreferral/services", start_time="00:00"))


def test_proximity_from_a_postcode_keeps_the_places_near_its_centre(directory):
    # The hall is about 140 m from the centre of the postcode's ward; the youth centre about 17 km.
    assert place_names(get("/openreferral/service_at_locations", postcode="AT2 2BB", proximity="500")) == ["St Mary's hall"]
    assert place_names(get("/openreferral/service_at_locations", postcode="AT2 2BB", proximity="100")) == []
    assert place_names(get("/openreferral/service_at_locations", postcode="AT2 2BB", proximity="20000")) == ["St Mary's hall", "Youth centre"]


def test_proximity_from_a_latitude_and_longitude(directory):
    near_youth = {"latitude": "52.701", "longitude": "-1.301", "proximity": "1000"}
    assert place_names(get("/openreferral/service_at_locations", **near_youth)) == ["Youth centre"]
    # A place with no position given is never near anything.
    ServiceLocationFactory(service=directory["youth"], name="Outreach van")
    assert place_names(get("/openreferral/service_at_locations", **{**near_youth, "proximity": "1000000"})) == ["St Mary's hall", "Youth centre"]
    page = get("/openreferral/service_at_locations", **near_youth)
    assert_page_agrees(page, per_page=50)
    assert oruk_errors(oruk_validator("compiled/service_at_location_list.json"), page["contents"][0]) == []


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("services", {"day": "funday"}),
        ("services", {"start_time": "25:00"}),
        ("services", {"end_time": "noon"}),
        ("service_at_locations", {"day": "1"}),
        ("service_at_locations", {"postcode": "AT2 2BB", "proximity": "-5"}),
        ("service_at_locations", {"postcode": "AT2 2BB", "proximity": "near"}),
        ("service_at_locations", {"postcode": "AT2 2BB", "proximity": "nan"}),
        ("service_at_locations", {"postcode": "AT2 2BB", "proximity": "2000000"}),
        ("service_at_locations", {"proximity": "500"}),
        ("service_at_locations", {"proximity": "500", "latitude": "95", "longitude": "0"}),
        ("service_at_locations", {"proximity": "500", "latitude": "north", "longitude": "0"}),
        ("service_at_locations", {"proximity": "500", "postcode": "ZZ9 9ZZ"}),
    ],
)
def test_bad_time_and_distance_filters_are_refused_with_a_reason(directory, endpoint, params):
    response = Client().get(f"/openreferral/{endpoint}", params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_every_filter_the_profile_lists_for_services_is_understood(directory):
    """Each parameter openapi.json lists for /services and /service_at_locations is read: a bad value of each is refused."""
    openapi = oruk_openapi()
    listed = {
        path: {parameter["$ref"].rpartition("/")[2] for parameter in openapi["paths"][path]["get"]["parameters"]}
        for path in ("/services", "/service_at_locations")
    }
    assert listed["/services"] == {
        "search",
        "page",
        "per_page",
        "taxonomy_term_id",
        "taxonomy_id",
        "minimum_age",
        "maximum_age",
        "start_time",
        "end_time",
        "day",
    }
    assert listed["/service_at_locations"] == listed["/services"] | {"postcode", "proximity"}
    bad = {"page": "x", "per_page": "x", "taxonomy_term_id": "x", "taxonomy_id": "x", "minimum_age": "x", "maximum_age": "x"}
    bad |= {"start_time": "x", "end_time": "x", "day": "x", "postcode": "x", "proximity": "x"}
    for path, parameters in listed.items():
        for name in parameters - {"search"}:
            assert Client().get(f"/openreferral{path}", {name: bad[name]}).status_code == 400, (path, name)
