"""Reads of the directory: the services a person may see, one service for a page, and what is published.

`published_services()` and friends are what open data and the API read: only services whose
organisation agreed to publish them, and never one of an organisation that has ended (archived,
dissolved, removed or merged), nor an archived service.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Expression, FloatField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt
from django.http import HttpRequest

from lightbulb.accounts.models import Membership
from lightbulb.core.access import object_for_user
from lightbulb.core.rows import CompiledRows
from lightbulb.core.rules import allowed, is_vcs
from lightbulb.directory.models import DAY_CODES, Service, ServiceLocation, ServiceSchedule, ServiceStatus, Taxonomy, TaxonomyTerm, Weekday
from lightbulb.directory.rules import can_manage_service, can_read_service, is_member_for_service
from lightbulb.organisations.models import Organisation, OrganisationStatus
from lightbulb.places.models import Ward

ENDED = (OrganisationStatus.DISSOLVED, OrganisationStatus.REMOVED, OrganisationStatus.MERGED)
EARTH_RADIUS_METRES = 6_371_008.8
# A degree of latitude, near enough everywhere (the box is widened for longitude by the latitude's cosine).
METRES_PER_DEGREE = 111_320.0


def _services() -> QuerySet[Service]:
    return Service.objects.filter(archived_at__isnull=True).select_related("organisation")


def member_organisation_ids(user: Any) -> list[int]:
    return list(Membership.objects.filter(user_id=user.pk).values_list("organisation_id", flat=True))


def services_for_user(user: Any, *, query: str = "") -> QuerySet[Service]:
    """Every service for council readers; an organisation member's own organisations' services."""
    services = _services()
    if allowed(is_vcs, user):
        services = services.filter(organisation_id__in=member_organisation_ids(user))
    if query:
        services = services.filter(Q(name__icontains=query) | Q(organisation__name__icontains=query))
    return services.order_by("organisation__name", "name", "id")


def member_organisations(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=member_organisation_ids(user)).order_by("name")


def service_get_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Service:
    service = _services().prefetch_related("terms__taxonomy", "wards", "locations", "schedules").filter(pk=pk).first()
    return object_for_user(service, request.user, read=can_read_service, write=can_manage_service if write else None, what="service")


def location_get_for_user(request: HttpRequest, service: Service, pk: int) -> ServiceLocation:
    location = ServiceLocation.objects.filter(service=service, pk=pk).select_related("service").first()
    return object_for_user(location, request.user, read=can_read_service, write=can_manage_service, what="place")


def schedule_get_for_user(request: HttpRequest, service: Service, pk: int) -> ServiceSchedule:
    schedule = ServiceSchedule.objects.filter(service=service, pk=pk).select_related("service").first()
    return object_for_user(schedule, request.user, read=can_read_service, write=can_manage_service, what="opening times")


def weekday_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Weekday.choices]


def organisation_for_describing(request: HttpRequest, pk: int) -> Organisation:
    """The organisation a new service is for: officers any, members their own (others 404)."""
    organisation = Organisation.objects.filter(pk=pk, archived_at__isnull=True).first()
    return object_for_user(organisation, request.user, read=can_manage_service, what="organisation")


def term_choices() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy").order_by("taxonomy__name", "name")


def ward_choices() -> QuerySet[Ward]:
    return Ward.objects.order_by("name")


def status_choices() -> list[tuple[str, str]]:
    return list(ServiceStatus.choices)


def _organisation_service_rows(organisation: int) -> QuerySet[Any]:
    return Service.objects.filter(archived_at__isnull=True, organisation_id=organisation).order_by("name").values_list("pk", "name", "publish", named=True)


# Read on every build of an organisation's page: compiled once (core.rows.CompiledRows).
_ORGANISATION_SERVICES = CompiledRows(_organisation_service_rows, organisation=int)


def organisation_services(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The Services section of an organisation's page."""
    user = request.user
    if not (allowed(can_read_service, user, organisation) or allowed(is_member_for_service, user, organisation)):
        return None
    services = _ORGANISATION_SERVICES.rows(organisation=organisation.pk)
    return {
        "title": "Services in the directory",
        "template": "directory/organisation_section.html",
        "order": 40,
        "services": services,
        "may_describe": allowed(can_manage_service, user, organisation),
        "organisation": organisation,
    }


# --- what is published (Open Referral UK, the API) ---------------------------------------------


def published_services() -> QuerySet[Service]:
    """Services their organisation agreed to publish, of organisations still going, with what a full record needs."""
    return (
        Service.objects.filter(publish=True, archived_at__isnull=True, organisation__archived_at__isnull=True)
        .exclude(organisation__status__in=ENDED)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by("name")),
            Prefetch("wards", queryset=Ward.objects.order_by("name")),
            Prefetch("locations", queryset=ServiceLocation.objects.order_by("name", "id")),
            Prefetch("schedules", queryset=ServiceSchedule.objects.order_by("weekday", "opens_at", "id")),
            "organisation__identifiers",
        )
        .order_by("name", "id")
    )


def day_code(weekday: int) -> str:
    """A day of the week as iCalendar's two letters (MO … SU), as Open Referral's schedules give it."""
    return DAY_CODES[weekday]


def weekday_from_code(code: str) -> int | None:
    """MO … SU (or the day's English name, any case) as ISO's 1 … 7; None when it is neither."""
    text = code.strip().upper()
    for number, two in DAY_CODES.items():
        if text in (two, Weekday(number).label.upper()):
            return number
    return None


def _running(services: QuerySet[Service], day: int | None, start_time: datetime.time | None, end_time: datetime.time | None) -> QuerySet[Service]:
    """Services with opening times that meet all three at once: on `day`, opening at or after `start_time`, closing by `end_time`."""
    if day is None and start_time is None and end_time is None:
        return services
    schedules = ServiceSchedule.objects.all()
    if day is not None:
        schedules = schedules.filter(weekday=day)
    if start_time is not None:
        schedules = schedules.filter(opens_at__gte=start_time)
    if end_time is not None:
        schedules = schedules.filter(closes_at__lte=end_time)
    return services.filter(pk__in=schedules.values("service_id"))


def published_services_filtered(
    *,
    search: str = "",
    taxonomy_term: UUID | None = None,
    taxonomy: UUID | None = None,
    minimum_age: float | None = None,
    maximum_age: float | None = None,
    day: int | None = None,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
) -> QuerySet[Service]:
    """The published services a directory user asked for (Open Referral UK's filters)."""
    services = _running(published_services(), day, start_time, end_time)
    if search:
        services = services.filter(Q(name__icontains=search) | Q(description__icontains=search) | Q(organisation__name__icontains=search))
    if taxonomy_term is not None:
        services = services.filter(terms__uuid=taxonomy_term)
    if taxonomy is not None:
        services = services.filter(terms__taxonomy__uuid=taxonomy)
    if minimum_age is not None:
        services = services.filter(minimum_age__gte=minimum_age)
    if maximum_age is not None:
        services = services.filter(maximum_age__lte=maximum_age)
    return services.distinct()


def published_service(uuid: UUID) -> Service | None:
    return published_services().filter(uuid=uuid).first()


def _within(locations: QuerySet[ServiceLocation], near: tuple[float, float, float]) -> QuerySet[ServiceLocation]:
    """Places within `metres` of (latitude, longitude): a box the index narrows to, then the distance over the Earth's surface."""
    latitude, longitude, metres = near
    degrees_latitude = metres / METRES_PER_DEGREE
    degrees_longitude = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    box = locations.filter(
        latitude__gte=Decimal(f"{latitude - degrees_latitude:.6f}"),
        latitude__lte=Decimal(f"{latitude + degrees_latitude:.6f}"),
        longitude__gte=Decimal(f"{longitude - degrees_longitude:.6f}"),
        longitude__lte=Decimal(f"{longitude + degrees_longitude:.6f}"),
    )
    return box.annotate(distance=_distance_expression(latitude, longitude)).filter(distance__lte=metres)


def _distance_expression(latitude: float, longitude: float) -> Expression:
    """The great-circle distance in metres from (latitude, longitude) to each row's position (haversine, on a
    sphere of the Earth's mean radius), worked out by the database: the places in range never come back to
    Python, however wide the search."""
    phi, lam = math.radians(latitude), math.radians(longitude)
    row_phi = Radians(Cast("latitude", FloatField()))
    row_lam = Radians(Cast("longitude", FloatField()))
    half_chord = Power(Sin((row_phi - Value(phi)) / 2), 2) + Value(math.cos(phi)) * Cos(row_phi) * Power(Sin((row_lam - Value(lam)) / 2), 2)
    return Value(2 * EARTH_RADIUS_METRES) * ASin(Sqrt(Least(Value(1.0), half_chord, output_field=FloatField())))


def published_locations(
    *, services: QuerySet[Service], postcode_ward_id: int | None = None, near: tuple[float, float, float] | None = None
) -> QuerySet[ServiceLocation]:
    """Each place a published service is delivered at; near a postcode: places of services serving its ward; `near`: within a distance of a point."""
    locations = ServiceLocation.objects.filter(service__in=services.values("pk")).select_related("service__organisation")
    if postcode_ward_id is not None:
        locations = locations.filter(Q(service__wards__pk=postcode_ward_id)).distinct()
    if near is not None:
        locations = _within(locations, near)
    return locations.order_by("service__name", "name", "id")


def published_location(uuid: UUID) -> ServiceLocation | None:
    return ServiceLocation.objects.filter(link_uuid=uuid, service__in=published_services().values("pk")).select_related("service__organisation").first()


def taxonomies() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.order_by("name", "id")


def taxonomy_get(uuid: UUID) -> Taxonomy | None:
    return Taxonomy.objects.filter(uuid=uuid).first()


def taxonomy_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by("taxonomy__name", "name", "id")


def taxonomy_term_get(uuid: UUID) -> TaxonomyTerm | None:
    return taxonomy_terms().filter(uuid=uuid).first()
