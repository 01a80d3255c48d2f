import datetime

import pytest
from django.core.exceptions import ValidationError

from lightbulb.core.models import AuditEvent
from lightbulb.places import services
from lightbulb.places.models import Council, Councillor, Locality, Postcode, Ward
from tests.factories import CouncilFactory, CouncillorFactory, LocalityFactory, PostcodeFactory, WardFactory

pytestmark = pytest.mark.django_db


def test_council_update_creates_then_changes_the_one_council(users):
    admin = users["admin"]
    council = services.council_update(acting_user=admin, name="Anytown Council", gss_code="e06000999", org_id="gb-lae-any", grant_prefix="360G-anytown")
    assert (council.gss_code, council.org_id) == ("E06000999", "GB-LAE-ANY")
    services.council_update(acting_user=admin, name="Anytown Borough Council", gss_code="E06000999", org_id="GB-LAE-ANY")
    assert Council.objects.count() == 1
    assert Council.objects.get().name == "Anytown Borough Council"
    events = AuditEvent.objects.filter(object_type="places.council").order_by("pk")
    assert [(event.action, event.summary) for event in events] == [("council_update", "Council details saved"), ("council_update", "Council details changed")]


def test_council_update_refuses_a_ward_code(users):
    with pytest.raises(ValidationError):
        services.council_update(acting_user=users["admin"], name="Anytown", gss_code="E05000001", org_id="GB-LAE-ANY")
    assert not Council.objects.exists()


def test_locality_create_assigns_wards_and_update_moves_them(users):
    north, south = WardFactory(name="North ward"), WardFactory(name="South ward")
    locality = services.locality_create(acting_user=users["officer"], name="Uplands", wards=[north, south])
    assert set(locality.wards.values_list("name", flat=True)) == {"North ward", "South ward"}
    services.locality_update(acting_user=users["officer"], locality=locality, name="Uplands", description="Hills", wards=[north])
    south.refresh_from_db()
    assert south.locality is None
    event = AuditEvent.objects.filter(action="locality_update").get()
    assert event.changes["wards"] == [["North ward", "South ward"], ["North ward"]]


def test_locality_names_are_unique(users):
    LocalityFactory(name="Uplands")
    with pytest.raises(ValidationError):
        services.locality_create(acting_user=users["officer"], name="Uplands")


def test_ward_create_and_update_are_audited(users):
    ward = services.ward_create(acting_user=users["officer"], gss_code=" e05000001 ", name="Riverside")
    assert ward.gss_code == "E05000001"
    services.ward_update(acting_user=users["officer"], ward=ward, gss_code="E05000001", name="Riverside East", locality=None)
    assert AuditEvent.objects.filter(object_type="places.ward", object_id=str(ward.pk)).count() == 2


def test_ward_create_refuses_a_bad_code(users):
    with pytest.raises(ValidationError):
        services.ward_create(acting_user=users["officer"], gss_code="E0500001", name="Riverside")
    assert not Ward.objects.exists()


def test_councillor_term_end_not_before_start(users):
    ward = WardFactory()
    with pytest.raises(ValidationError) as error:
        services.councillor_create(
            acting_user=users["officer"], name="A Person", ward=ward, party="Green", term_start=datetime.date(2024, 5, 2), term_end=datetime.date(2024, 5, 1)
        )
    assert "term_end" in error.value.message_dict
    assert not Councillor.objects.exists()


def test_councillor_create_and_update(users):
    ward = WardFactory()
    councillor = services.councillor_create(
        acting_user=users["officer"], name=" A Person ", ward=ward, party="Green", term_start=datetime.date(2024, 5, 2), email="A@Example.org"
    )
    assert (councillor.name, councillor.email) == ("A Person", "a@example.org")
    services.councillor_update(acting_user=users["officer"], councillor=councillor, party="Independent")
    event = AuditEvent.objects.get(action="councillor_update")
    assert event.changes == {"party": ["Green", "Independent"]}
    with pytest.raises(ValueError):
        services.councillor_update(acting_user=users["officer"], councillor=councillor, user=users["staff"])


def test_ward_bulk_upsert_creates_updates_and_leaves_unchanged(users):
    WardFactory(gss_code="E05000001", name="Old name")
    WardFactory(gss_code="E05000002", name="Same")
    rows = [
        {"gss_code": "E05000001", "name": "New name", "locality": "North"},
        {"gss_code": "E05000002", "name": "Same"},
        {"gss_code": "E05000003", "name": "Brand new", "locality": "north"},
    ]
    assert services.ward_bulk_upsert(acting_user=users["admin"], rows=rows) == (1, 1, 1)
    assert Locality.objects.get().name == "North"
    assert Ward.objects.get(gss_code="E05000003").locality.name == "North"
    assert services.ward_bulk_upsert(acting_user=users["admin"], rows=rows) == (0, 0, 3)


def test_ward_bulk_upsert_create_only_keeps_existing_names(users):
    WardFactory(gss_code="E05000001", name="Council's spelling")
    assert services.ward_bulk_upsert(acting_user=users["admin"], rows=[{"gss_code": "E05000001", "name": "ONS spelling"}], create_only=True) == (0, 0, 1)
    assert Ward.objects.get().name == "Council's spelling"


def test_postcode_bulk_upsert_in_batches(users):
    a, b = WardFactory(gss_code="E05000001"), WardFactory(gss_code="E05000002")
    PostcodeFactory(postcode="AT1 1AA", ward=a)
    PostcodeFactory(postcode="AT1 1AB", ward=a)
    rows = [
        {"postcode": "at11aa", "ward_code": "E05000001"},  # unchanged
        {"postcode": "AT1 1AB", "ward_code": "E05000002"},  # moved
        {"postcode": "AT1 1AD", "ward_code": "e05000002"},  # new
        {"postcode": "AT1 1AE", "ward_code": "E05000001"},  # new
    ]
    assert services.postcode_bulk_upsert(acting_user=users["admin"], rows=rows, batch_size=2) == (2, 1, 1)
    assert Postcode.objects.get(postcode="AT1 1AB").ward == b
    assert Postcode.objects.count() == 4
    assert AuditEvent.objects.filter(action="postcode_bulk_upsert").count() == 1
    assert services.postcode_bulk_upsert(acting_user=users["admin"], rows=rows) == (0, 0, 4)
    assert AuditEvent.objects.filter(action="postcode_bulk_upsert").count() == 1


def test_postcode_bulk_upsert_refuses_unknown_ward_and_writes_nothing(users):
    WardFactory(gss_code="E05000001")
    rows = [{"postcode": "AT1 1AA", "ward_code": "E05000001"}, {"postcode": "AT1 1AB", "ward_code": "E05999999"}]
    with pytest.raises(ValidationError):
        services.postcode_bulk_upsert(acting_user=users["admin"], rows=rows, batch_size=1)
    assert not Postcode.objects.exists()


def test_factories_still_work_with_council():
    assert CouncilFactory().gss_code.startswith("E06")
    assert CouncillorFactory().ward.gss_code.startswith("E05")
