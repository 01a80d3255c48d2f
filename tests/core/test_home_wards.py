"""A councillor's home is their own ward(s) and what changed there; an administrator's shows failed imports."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from lightbulb.core.audit import audit_event_record
from lightbulb.core.models import AuditAction
from lightbulb.core.roles import Role
from lightbulb.imports.models import ImportRun
from tests.conftest import sign_in
from tests.core.test_homes import home_text
from tests.factories import CouncillorFactory, OrganisationFactory, WardFactory


@pytest.mark.django_db
def test_an_administrator_sees_failed_imports(client_for):
    ImportRun.objects.create(source="postcodes", filename="postcodes-december.csv", status=ImportRun.Status.FAILED)
    text = home_text(client_for(Role.ADMIN))
    assert "Imports that failed" in text and "postcodes-december.csv" in text


@pytest.mark.django_db
def test_a_councillor_lands_on_their_ward_and_what_changed_since_their_last_visit(users):
    councillor = users[Role.COUNCILLOR]
    ward = WardFactory(name="Abbey")
    WardFactory(name="Riverside")
    CouncillorFactory(ward=ward, user=councillor)
    pantry = OrganisationFactory(name="Abbey Community Pantry", ward=ward)

    first = home_text(sign_in(Client(), councillor))
    assert "Your ward" in first and "Abbey" in first and "Riverside" not in first
    assert "What changed in the last 30 days" in first

    audit_event_record(actor=users[Role.OFFICER], action=AuditAction.ORGANISATION_UPDATE, obj=pantry, organisation_id=pantry.pk)
    audit_event_record(actor=users[Role.OFFICER], action=AuditAction.CONTACT_UPDATE, obj=pantry, organisation_id=pantry.pk)
    later = home_text(sign_in(Client(), councillor))
    assert f"What changed since your last visit on {timezone.localdate():%-d %B %Y}" in later
    assert "Abbey Community Pantry , details changed" in later
    # Contacts are personal data a councillor never sees, nor who made a change.
    assert "Contact" not in later and users[Role.OFFICER].full_name not in later


@pytest.mark.django_db
def test_reloading_the_home_page_keeps_since_your_last_visit(users):
    councillor = users[Role.COUNCILLOR]
    CouncillorFactory(ward=WardFactory(name="Abbey"), user=councillor)
    home_text(sign_in(Client(), councillor))
    client = sign_in(Client(), councillor)
    assert "since your last visit" in home_text(client)
    assert "since your last visit" in home_text(client)


@pytest.mark.django_db
def test_a_councillor_not_linked_to_a_ward_is_told_how_to_be(client_for):
    text = home_text(client_for(Role.COUNCILLOR))
    assert "Your account is not linked to a ward yet" in text
