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


class Weekday(models.IntegerChoices):
    # ISO 8601's numbering; published as iCalendar's two-letter days (see DAY_CODES).
    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"
    SATURDAY = 6, "Saturday"
    SUNDAY = 7, "Sunday"


# iCalendar's (RFC 5545) day codes, which Open Referral's schedules use.
DAY_CODES = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


class ServiceSchedule(TimeStampedModel):
    """When a service runs: every week on one day, from one time to another (Open Referral's schedule), in UK local time."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "opens_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="schedule_closes_after_opening"),
            models.CheckConstraint(condition=models.Q(weekday__gte=1, weekday__lte=7), name="schedule_weekday_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M} to {self.closes_at:%H:%M}"


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
    # The place on a map (WGS84 decimal degrees), when the organisation gives it: a search by distance
    # ("proximity") finds only places that have one.
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_position_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True) | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="location_position_whole",
            )
        ]

    def __str__(self) -> str:
        return self.name
