"""Services, places and taxonomy terms for the directory tests."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from tests.factories import OrganisationFactory


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = "directory.Service"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Community lunch club {n}")
    description = "A hot meal and company every Tuesday"
    status = "active"
    publish = True


class ServiceLocationFactory(DjangoModelFactory):
    class Meta:
        model = "directory.ServiceLocation"

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Community hall {n}")
    address_1 = "1 High Street"
    city = "Anytown"
    postcode = "AT1 1AA"


class ServiceScheduleFactory(DjangoModelFactory):
    class Meta:
        model = "directory.ServiceSchedule"

    service = factory.SubFactory(ServiceFactory)
    weekday = 2
    opens_at = datetime.time(12, 0)
    closes_at = datetime.time(14, 0)


def term(code: str = "food"):
    """A term of the taxonomy Lightbulb ships (its migration creates them; a flushed database, as the browser tests use, gets it again)."""
    from lightbulb.directory.models import Taxonomy, TaxonomyTerm

    found = TaxonomyTerm.objects.filter(code=code).first()
    if found is not None:
        return found
    taxonomy, _ = Taxonomy.objects.get_or_create(name="Lightbulb service types", defaults={"description": "What a service offers"})
    return TaxonomyTerm.objects.create(taxonomy=taxonomy, code=code, name=code.replace("-", " ").capitalize(), description=code)
