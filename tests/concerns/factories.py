"""Concerns, ladder steps, notes and risks for tests."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from lightbulb.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory


class ConcernFactory(DjangoModelFactory):
    class Meta:
        model = "concerns.Concern"

    reference = factory.Sequence(lambda n: f"CN-2026-{n + 1:04d}")
    source = "staff"
    category = "fraud"
    organisation = factory.SubFactory(OrganisationFactory)
    subject_name = factory.LazyAttribute(lambda o: o.organisation.name if o.organisation else "Unknown group")
    description = "Invoices for sessions that did not take place"
    received_on = datetime.date(2026, 11, 2)
    triage_due = datetime.date(2026, 11, 9)
    status = "received"


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = "concerns.InvestigationNote"

    concern = factory.SubFactory(ConcernFactory)
    text = "Asked the treasurer for the bank statements"
    recorded_on = datetime.date(2026, 11, 10)
    author = factory.SubFactory(UserFactory, role=Role.INVESTIGATOR)


class RiskFactory(DjangoModelFactory):
    class Meta:
        model = "concerns.Risk"

    title = factory.Sequence(lambda n: f"Provider cannot recruit volunteers {n}")
    area = "service_delivery"
    subject_type = "project"
    subject_label = "Warm spaces winter project"
    likelihood = 3
    impact = 3
    owner = factory.SubFactory(UserFactory, role=Role.OFFICER)
    controls = "Quarterly check-ins with the provider"
    review_date = datetime.date(2027, 1, 15)
