"""The demo council's directory: services described, most published, the demo member's organisation with a draft; what it publishes validates."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.test import Client

from lightbulb.directory.models import Service
from lightbulb.opendata import threesixty
from tests.conftest import demo_for_the_module
from tests.opendata.conftest import oruk_errors, oruk_validator, threesixty_validator

pytestmark = pytest.mark.django_db


tiny = demo_for_the_module(datetime.date(2026, 11, 20))


def test_the_demo_describes_services_and_publishes_most(tiny):
    services = Service.objects.all()
    assert services.count() >= 6
    assert services.filter(publish=True).exists() and services.filter(publish=False).exists()
    assert all(service.terms.exists() for service in services)
    own = Service.objects.filter(organisation=tiny.vcs_organisation)
    assert sorted(own.values_list("publish", flat=True)) == [False, True]


def test_the_demo_directory_validates_as_open_referral(tiny):
    page = Client().get("/openreferral/services", {"per_page": 500}).json()
    assert page["total_items"] == Service.objects.filter(publish=True).exclude(organisation__status__in=["dissolved", "removed", "merged"]).count()
    validator = oruk_validator("compiled/service.json")
    for item in page["contents"][:10]:
        assert oruk_errors(validator, Client().get(f"/openreferral/services/{item['id']}").json()) == []


def test_the_demo_councils_grants_validate_as_360giving(tiny):
    out = io.StringIO()
    count = threesixty.write_json(out)
    package = json.loads(out.getvalue())
    assert count > 0
    assert [f"{list(error.absolute_path)}: {error.message}" for error in threesixty_validator().iter_errors(package)] == []


def test_the_demo_services_have_opening_times_and_places_on_the_map_that_the_filters_find(tiny):
    from lightbulb.directory.models import ServiceLocation, ServiceSchedule

    assert ServiceSchedule.objects.count() >= Service.objects.count()
    placed = ServiceLocation.objects.exclude(latitude=None)
    assert placed.exists()
    published = Client().get("/openreferral/services", {"per_page": 500}).json()["total_items"]
    by_day = [Client().get("/openreferral/services", {"day": day, "per_page": 500}).json()["total_items"] for day in ("MO", "TU", "WE", "TH", "FR", "SA")]
    # Each day finds some services and leaves others out.
    assert max(by_day) > 0
    assert max(by_day) < published
    place = placed.filter(service__publish=True).first()
    near = {"latitude": str(place.latitude), "longitude": str(place.longitude), "proximity": "50"}
    found = Client().get("/openreferral/service_at_locations", near).json()["contents"]
    assert str(place.link_uuid) in [item["id"] for item in found]
