"""A register or ward import writes many records at once, with no per-record signals: the open-data files are still marked
out of date once it commits, as after a single edit, and an import that changes nothing writes nothing, not even the mark."""

from __future__ import annotations

import datetime

import pytest

from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor
from lightbulb.opendata import generation
from lightbulb.opendata.models import PublishedFile
from lightbulb.organisations import services as organisation_services
from lightbulb.organisations.models import Organisation, RegisterValue
from lightbulb.places import services as places_services
from lightbulb.places.models import Ward
from tests.imports.test_charity_register import charity, extract, run_file

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 1)
SOURCE = "Charity Commission register"


def _stale() -> set[str]:
    return set(PublishedFile.objects.filter(stale_since__isnull=False).values_list("name", flat=True))


def _record(organisation: Organisation, **values) -> list[int]:
    actor = SystemActor(label=f"{SOURCE} import")
    return organisation_services.register_values_record_many(acting_user=actor, source=SOURCE, items=[(organisation, values, AS_OF)])


def test_a_bulk_register_update_marks_the_files_once_it_commits(published, django_capture_on_commit_callbacks):
    generation.files_generate()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _record(published["charity"], website="https://riverside-food.example.org")
        assert not _stale()  # nothing is said before the change commits
    assert callbacks and _stale() == set(PublishedFile.objects.values_list("name", flat=True))


def test_a_bulk_register_update_that_changes_nothing_writes_nothing_and_marks_nothing(published, django_capture_on_commit_callbacks):
    charity = published["charity"]
    _record(charity, website="https://riverside-food.example.org", charity_registration_status="Registered")
    generation.files_generate()
    organisation = Organisation.objects.get(pk=charity.pk)
    before = (organisation.version, AuditEvent.objects.count(), Organisation.history.count(), RegisterValue.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        _record(organisation, website="https://riverside-food.example.org", charity_registration_status="Registered")
    after = Organisation.objects.get(pk=charity.pk)
    assert (after.version, AuditEvent.objects.count(), Organisation.history.count(), RegisterValue.objects.count()) == before
    assert not _stale()


def test_a_register_value_kept_beside_a_value_a_person_typed_changes_no_published_field_and_marks_nothing(published, django_capture_on_commit_callbacks):
    charity = published["charity"]
    Organisation.objects.filter(pk=charity.pk).update(human_edited_fields=["website"])
    generation.files_generate()
    with django_capture_on_commit_callbacks(execute=True):
        _record(Organisation.objects.get(pk=charity.pk), website="https://elsewhere.example.org")
    assert RegisterValue.objects.filter(organisation=charity, field="website").exists()
    assert Organisation.objects.get(pk=charity.pk).website == "https://riverside.example.org" and not _stale()


def test_the_register_import_marks_the_files_when_it_changes_an_organisation_and_not_when_run_again(published, django_capture_on_commit_callbacks):
    generation.files_generate()
    month = extract(charity(1123456, charity_name="RIVERSIDE FOOD BANK", latest_income=48000, charity_contact_postcode="AT1 1AA"))
    with django_capture_on_commit_callbacks(execute=True):
        run_file(month)
    assert Organisation.objects.get(pk=published["charity"].pk).latest_income == 48000 and _stale()
    generation.files_generate()
    with django_capture_on_commit_callbacks(execute=True):
        run_file(month)
    assert not _stale()


def test_a_ward_list_that_renames_a_ward_marks_the_files_and_an_unchanged_one_does_not(published, users, django_capture_on_commit_callbacks):
    generation.files_generate()
    admin = users[Role.ADMIN]
    rows = [{"gss_code": "E05000001", "name": "North and Riverside"}, {"gss_code": "E05000002", "name": "South"}]
    with django_capture_on_commit_callbacks(execute=True):
        assert places_services.ward_bulk_upsert(acting_user=admin, rows=rows) == (0, 1, 1)
    assert Ward.objects.get(gss_code="E05000001").name == "North and Riverside" and _stale()
    generation.files_generate()
    with django_capture_on_commit_callbacks(execute=True):
        assert places_services.ward_bulk_upsert(acting_user=admin, rows=rows) == (0, 0, 2)
    assert not _stale()
