"""An anonymous distance search reads places page by page, not every place in range into one list of ids."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lightbulb.directory.models import ServiceLocation
from tests.directory.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_widest_distance_search_does_not_send_every_place_in_range_back_as_parameters():
    service = ServiceFactory(name="Lunch club")
    ServiceLocation.objects.bulk_create(
        ServiceLocation(service=service, name=f"Hall {n}", postcode="AT1 1AA", latitude=f"52.{n:06d}", longitude="-1.500000") for n in range(3_000)
    )
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/openreferral/service_at_locations", {"proximity": "1000000", "latitude": "52.5", "longitude": "-1.5", "per_page": "10"})
    assert response.status_code == 200, response.content[:300]
    widest = max(query["sql"].count("%s") + query["sql"].count(", ") for query in queries.captured_queries)
    assert widest < 1_000, f"a query with about {widest} values: every place in range, read into Python and sent back"
