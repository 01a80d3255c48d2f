"""Funding shows on the register: the organisation page's sections and the "currently funded" filter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from tests.factories import AgreementFactory, OrganisationFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def test_register_can_show_only_currently_funded_organisations(client_for):
    funded = OrganisationFactory(name="Funded Food Bank")
    AgreementFactory(organisation=funded, status="live")
    closed = OrganisationFactory(name="Formerly Funded Choir")
    AgreementFactory(organisation=closed, status="closed")
    OrganisationFactory(name="Never Funded Allotments")
    client = client_for(Role.COUNCILLOR)
    everyone = visible_text(client.get(reverse("organisations:list")).content)
    assert "Currently funded" in everyone
    assert "Never Funded Allotments" in everyone
    only = visible_text(client.get(reverse("organisations:list") + "?only=funded").content)
    assert "Funded Food Bank" in only
    assert "Formerly Funded Choir" not in only
    assert "Never Funded Allotments" not in only


def test_unknown_register_filter_is_an_error_not_a_crash(officer_client):
    response = officer_client.get(reverse("organisations:list") + "?only=<script>")
    assert response.status_code == 200
    assert "Choose from the list" in visible_text(response.content)


def test_organisation_page_shows_its_agreements_once(client_for):
    organisation = OrganisationFactory(name="Riverside Pantry")
    AgreementFactory(organisation=organisation, title="Winter food parcels", status="live")
    page = client_for(Role.OFFICER).get(reverse("organisations:detail", kwargs={"pk": organisation.pk}))
    text = visible_text(page.content)
    assert "Winter food parcels" in text
    assert page.content.decode().count(">Agreements</h2>") == 1


def test_agreement_page_offers_decommissioning_only_when_it_can_start(client_for):
    live = AgreementFactory(status="live")
    planned = AgreementFactory(status="planned")
    officer = client_for(Role.OFFICER)
    assert "Decommission this agreement" in visible_text(officer.get(reverse("funding:agreement_detail", kwargs={"pk": live.pk})).content)
    assert "Decommission this agreement" not in visible_text(officer.get(reverse("funding:agreement_detail", kwargs={"pk": planned.pk})).content)
    councillor = client_for(Role.COUNCILLOR)
    assert "Decommission this agreement" not in visible_text(councillor.get(reverse("funding:agreement_detail", kwargs={"pk": live.pk})).content)


def test_every_page_links_to_the_public_consultations(client):
    assert reverse("compact:public_consultations") in client.get("/").content.decode()
