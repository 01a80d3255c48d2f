"""The register's part of the ward pages, asked for through the registry: places itself knows nothing of organisations."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lightbulb.core.registry import registry
from lightbulb.organisations import selectors
from tests.exports import csv_text, download_list
from tests.factories import OrganisationFactory, WardFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db


def _archived(**kwargs):
    organisation = OrganisationFactory(**kwargs)
    organisation.archived_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    organisation.save()
    return organisation


def test_the_register_registers_its_ward_section_and_column():
    assert "organisations" in registry.ward_sections
    column = registry.ward_columns["organisations"]
    assert (column.label, column.attribute) == ("Organisations based here", "organisation_count")


def test_the_ward_page_lists_active_organisations_based_in_and_serving_the_ward(client_for):
    ward = WardFactory(name="Riverside")
    based = OrganisationFactory(ward=ward, name="Riverside Food Bank")
    _archived(ward=ward, name="Closed Club")
    OrganisationFactory(name="Citywide Advice").wards_served.add(ward)
    text = visible_text(client_for("councillor").get(reverse("places:ward_detail", kwargs={"pk": ward.pk})).content)
    assert "Organisations in this ward" in text
    assert "Organisations based here 1 organisation Riverside Food Bank" in text
    assert "Organisations serving this ward 1 organisation Citywide Advice" in text
    assert "Closed Club" not in text
    page = client_for("councillor").get(reverse("places:ward_detail", kwargs={"pk": ward.pk})).content.decode()
    assert reverse("organisations:detail", kwargs={"pk": based.pk}) in page


def test_an_empty_ward_says_so(client_for):
    ward = WardFactory(name="Hilltop")
    text = visible_text(client_for("officer").get(reverse("places:ward_detail", kwargs={"pk": ward.pk})).content)
    assert "No organisations on the register are based in this ward." in text
    assert "No organisations on the register say they serve this ward." in text


def test_the_section_is_only_for_those_who_read_the_register(rf, users):
    ward = WardFactory()
    OrganisationFactory(ward=ward)
    request = rf.get("/")
    for role, shown in (("officer", True), ("councillor", True), ("investigator", True), ("admin", True), ("staff", False), ("vcs", False)):
        request.user = users[role]
        assert (registry.ward_sections["organisations"](ward, request) is not None) is shown, role


def test_without_the_register_the_ward_page_has_no_organisations(client_for, monkeypatch):
    """Places renders what is registered and nothing else."""
    monkeypatch.setattr(registry, "ward_sections", {})
    monkeypatch.setattr(registry, "ward_columns", {})
    ward = WardFactory(name="Riverside")
    OrganisationFactory(ward=ward, name="Riverside Food Bank")
    client = client_for("officer")
    text = visible_text(client.get(reverse("places:ward_detail", kwargs={"pk": ward.pk})).content)
    assert "Riverside Food Bank" not in text
    assert "Organisations in this ward" not in text and "Organisations based here" not in text
    listing = visible_text(client.get(reverse("places:ward_list")).content)
    assert "Riverside" in listing and "Organisations based here" not in listing


def test_the_ward_list_counts_sorts_and_exports_the_registered_figure(client_for, django_capture_on_commit_callbacks):
    busy, quiet = WardFactory(name="Aardvark"), WardFactory(name="Zebra")
    OrganisationFactory(ward=quiet)
    OrganisationFactory(ward=quiet)
    _archived(ward=busy)
    counts = {ward.name: ward.organisation_count for ward in selectors.with_organisation_count(type(busy).objects.all())}
    assert counts == {"Aardvark": 0, "Zebra": 2}
    client = client_for("officer")
    text = visible_text(client.get(reverse("places:ward_list") + "?sort=-organisations").content)
    assert text.index("Zebra") < text.index("Aardvark")
    _job, content = download_list(client, django_capture_on_commit_callbacks, "wards", query="sort=-organisations")
    lines = csv_text(content).splitlines()
    assert "Organisations based here" in lines[0]
    assert lines[1].startswith("Zebra,") and lines[1].endswith(",2") and lines[2].startswith("Aardvark,")


def test_ward_page_queries_do_not_grow(client_for):
    ward = WardFactory()
    counter = iter(range(100))

    def grow():
        for _ in range(3):
            OrganisationFactory(ward=ward, name=f"Based {next(counter)}")
            OrganisationFactory(name=f"Serving {next(counter)}").wards_served.add(ward)

    grow()
    assert_queries_independent_of_size(client_for("officer"), reverse("places:ward_detail", kwargs={"pk": ward.pk}), grow)
