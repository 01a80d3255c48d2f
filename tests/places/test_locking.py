"""Two officers change one ward, locality or councillor: the second save is refused, their own input kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.core.models import AuditEvent
from lightbulb.places.models import Councillor, Locality, Ward
from tests.factories import CouncillorFactory, LocalityFactory, WardFactory
from tests.helpers import visible_text
from tests.locking import form_values, second_save_refused

pytestmark = pytest.mark.django_db


def test_the_second_ward_save_is_refused_with_what_changed_and_their_input_kept():
    uplands = LocalityFactory(name="Uplands")
    ward = WardFactory(name="Hilltop", gss_code="E05000009")
    url = reverse("places:ward_edit", kwargs={"pk": ward.pk})
    refused = second_save_refused(url, {"name": "Hilltop East", "locality": str(uplands.pk)}, {"name": "Hill Top"})
    text = visible_text(refused.content)
    assert "Name is now 'Hilltop East'" in text and "Locality is now 'Uplands'" in text
    assert form_values(refused.content)["name"] == "Hill Top"
    stored = Ward.objects.get(pk=ward.pk)
    assert (stored.name, stored.locality_id, stored.version) == ("Hilltop East", uplands.pk, 2)
    assert AuditEvent.objects.filter(action="ward_update").count() == 1


def test_the_second_locality_save_is_refused_with_what_changed_and_their_input_kept():
    locality = LocalityFactory(name="Uplands", description="The hills")
    url = reverse("places:locality_edit", kwargs={"pk": locality.pk})
    refused = second_save_refused(url, {"description": "The hills and the moor"}, {"description": "The high ground"})
    assert "Description is now 'The hills and the moor'" in visible_text(refused.content)
    assert form_values(refused.content)["description"] == "The high ground"
    stored = Locality.objects.get(pk=locality.pk)
    assert (stored.description, stored.version) == ("The hills and the moor", 2)
    assert AuditEvent.objects.filter(action="locality_update").count() == 1


def test_the_second_councillor_save_is_refused_with_what_changed_and_their_input_kept():
    councillor = CouncillorFactory(name="Pat Jones", party="Green")
    url = reverse("places:councillor_edit", kwargs={"pk": councillor.pk})
    refused = second_save_refused(url, {"party": "Independent"}, {"party": "Labour"})
    assert "Party is now 'Independent'" in visible_text(refused.content)
    assert form_values(refused.content)["party"] == "Labour"
    stored = Councillor.objects.get(pk=councillor.pk)
    assert (stored.party, stored.version) == ("Independent", 2)
    assert AuditEvent.objects.filter(action="councillor_update").count() == 1
