"""The register's managed lists download like every list: areas of work and the possible duplicates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.organisations.duplicates import duplicate_candidates_refresh
from tests.exports import csv_text, download_list, xlsx_rows
from tests.factories import AreaOfWorkFactory, IdentifierFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_areas_of_work_download_with_their_counts(officer_client, django_capture_on_commit_callbacks):
    food = AreaOfWorkFactory(name="Food")
    AreaOfWorkFactory(name="=Sport")
    organisation = OrganisationFactory()
    organisation.areas_of_work.add(food)
    assert 'data-export="areas_of_work"' in officer_client.get(reverse("organisations:areas")).content.decode()
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "areas_of_work", fmt="xlsx")
    rows = xlsx_rows(content)
    assert rows[0] == ["Area of work", "Organisations"]
    assert ["Food", 1] in rows and ["'=Sport", 0] in rows


def test_possible_duplicates_download_with_their_reasons(officer_client, client_for, django_capture_on_commit_callbacks):
    first = OrganisationFactory(name="Riverside Food Bank", postcode="AT1 1AA")
    second = OrganisationFactory(name="Riverside Foodbank", postcode="AT1 1AA")
    IdentifierFactory(organisation=first, scheme="GB-CHC", value="1123456")
    IdentifierFactory(organisation=second, scheme="GB-CHC", value="1123456")
    duplicate_candidates_refresh()
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "duplicates")
    lines = csv_text(content).splitlines()
    assert lines[0] == "First record,First record's postcode,Second record,Second record's postcode,Why they may be the same"
    assert len(lines) == 2 and lines[1].startswith("Riverside Food Bank,AT1 1AA,Riverside Foodbank,AT1 1AA,") and "Both hold GB-CHC-1123456" in lines[1]
    # Only officers merge records, so only they download the pairs.
    assert client_for(Role.COUNCILLOR).post(reverse("core:export_start"), {"list_name": "duplicates", "format": "csv"}).status_code == 403
