"""The services organisations offer, described for people looking for help, published in Open Referral UK (PRODUCT.md §2.12).

An organisation's members describe its services in the portal, or an officer does it for them; a
service is published only while the organisation has agreed to it (`publish`, with who recorded the
agreement and when). Identifiers published are UUIDs, never database keys.
"""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from lightbulb.core.locking import version_field
from lightbulb.core.models import ArchivableModel, TimeStampedModel


class Taxonomy(TimeStampedModel):
    """A vocabulary services are classified by (Lightbulb ships one; more can be loaded)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField()
    uri = models.URLField(blank=True)
    taxonomy_version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(TimeStampedModel):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.TextField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["taxonomy__name", "name"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="taxonomy_term_code_once")]

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    # Open Referral's own words, stored as they are published.
    ACTIVE = "active", "Running"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"
    INACTIVE = "inactive", "Not running at the moment"
    DEFUNCT = "defunct", "Stopped for good"


class Service(ArchivableModel):
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="directory_services")
    name = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    url = models.URLField("Web page", blank=True)
    email = models.EmailField("E-mail address", blank=True)
    phone = models.CharField("Phone number", max_length=30, blank=True)
    fees = models.CharField("What it costs", max_length=500, blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    contact_name = models.CharField("Contact name", max_length=200, blank=True)
    contact_title = models.CharField("Contact's role", max_length=200, blank=True)
    terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    # The service areas: the wards it serves.
    wards = models.ManyToManyField("places.Ward", blank=True, related_name="directory_services")
    # The organisation agreed that the council publishes this service (Open Referral UK, the API).
    publish = models.BooleanField(default=False)
    publish_agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    publish_agreed_at = models.DateTimeField(null=True, blank=True)

    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["organisation", "name"], name="service_org_name_idx"),
            models.Index(fields=["publish", "id"], name="service_publish_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True) | models.Q(maximum_age__isnull=True) | models.Q(maximum_age__gte=models.F("minimum_age")),
                name="service_age_order",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceLocation(TimeStampedModel):
    """Where a service is delivered: a place with an address (Open Referral's location and service-at-location)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    # The service-at-location's own identifier.
    link_uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200)
    address_1 = models.CharField("Address", max_length=300)
    city = models.CharField("Town or city", max_length=100)
    postcode = models.CharField(max_length=8)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
