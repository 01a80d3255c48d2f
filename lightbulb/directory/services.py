"""Writes to the directory: describing a service, its places, and whether it is published. Each checked, audited, in one transaction.

The same rules hold whoever calls: the portal form, the officer's form, a command or the API.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.checks import REQUIRED, FieldChecks, as_text
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.rules import require
from lightbulb.directory.models import Service, ServiceLocation, ServiceSchedule, ServiceStatus, TaxonomyTerm, Weekday
from lightbulb.directory.rules import can_manage_service
from lightbulb.places.models import Ward
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode

MANAGE_MESSAGE = "Only council officers, and members of the organisation, describe its services."
SERVICE_FIELDS = [
    "name",
    "description",
    "status",
    "url",
    "email",
    "phone",
    "fees",
    "minimum_age",
    "maximum_age",
    "contact_name",
    "contact_title",
    "terms",
    "wards",
    "publish",
]
LOCATION_FIELDS = ["name", "address_1", "city", "postcode", "latitude", "longitude"]
# Great Britain and Northern Ireland with their islands, in WGS84 decimal degrees.
LATITUDES = (Decimal("49.8"), Decimal("60.9"))
LONGITUDES = (Decimal("-8.7"), Decimal("1.8"))
LATITUDE_MESSAGE = "Enter the latitude in decimal degrees, between 49.8 and 60.9, like 52.486243"
LONGITUDE_MESSAGE = "Enter the longitude in decimal degrees, between -8.7 and 1.8, like -1.890401"
POSITION_WHOLE_MESSAGE = "Enter both the latitude and the longitude, or neither"
DAYS_REQUIRED = "Choose at least one day"
DAYS_INVALID = "Choose days from the list"
TIME_INVALID = "Enter a time on the 24-hour clock, like 09:30"
OPENS_REQUIRED = "Enter the time it opens, like 09:30"
CLOSES_REQUIRED = "Enter the time it closes, like 17:00"
TIME_ORDER_MESSAGE = "The closing time must be after the opening time"
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
AGE_MESSAGE = "Enter an age from 0 to 120"
AGE_ORDER_MESSAGE = "The oldest age must be the same as or more than the youngest"


def _age(checks: FieldChecks, field: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        age = int(value)
    except (TypeError, ValueError):
        checks.add(field, AGE_MESSAGE)
        return None
    if isinstance(value, bool) or str(age) != as_text(value) or not 0 <= age <= 120:
        checks.add(field, AGE_MESSAGE)
        return None
    return age


def service_values(data: dict[str, Any]) -> dict[str, Any]:
    """ServiceForm's rules, checked on whatever is given; the values to save."""
    checks = FieldChecks()
    values: dict[str, Any] = {
        "name": checks.text("name", data.get("name"), required="Enter the service's name", max_length=200),
        "description": checks.text("description", data.get("description"), required="Say what the service offers and who it is for", max_length=5000),
        "status": checks.choice("status", data.get("status") or ServiceStatus.ACTIVE, ServiceStatus.values),
        "url": checks.url("url", data.get("url"), invalid="Enter a web address starting https://"),
        "email": checks.email("email", data.get("email"), invalid="Enter an e-mail address like name@example.org"),
        "phone": checks.text("phone", data.get("phone"), max_length=30),
        "fees": checks.text("fees", data.get("fees"), max_length=500),
        "minimum_age": _age(checks, "minimum_age", data.get("minimum_age")),
        "maximum_age": _age(checks, "maximum_age", data.get("maximum_age")),
        "contact_name": checks.text("contact_name", data.get("contact_name"), max_length=200),
        "contact_title": checks.text("contact_title", data.get("contact_title"), max_length=200),
        "terms": checks.objects("terms", data.get("terms") or [], TaxonomyTerm, invalid="Choose the kinds of service from the list"),
        "wards": checks.objects("wards", data.get("wards") or [], Ward, invalid="Choose wards from the list"),
        "publish": data.get("publish") is True,
    }
    low, high = values["minimum_age"], values["maximum_age"]
    if low is not None and high is not None and high < low:
        checks.add("maximum_age", AGE_ORDER_MESSAGE)
    if data.get("publish") not in (None, True, False):
        checks.add("publish", "Say whether the organisation agrees to publish this service")
    checks.raise_if_any()
    return values


def _apply(service: Service, values: dict[str, Any], acting_user: Any) -> None:
    for field in SERVICE_FIELDS:
        if field not in ("terms", "wards"):
            setattr(service, field, values[field])
    if values["publish"] and service.publish_agreed_at is None:
        service.publish_agreed_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
        service.publish_agreed_at = timezone.now()
    if not values["publish"]:
        service.publish_agreed_by, service.publish_agreed_at = None, None


def _audit_snapshot(service: Service) -> dict[str, Any]:
    before = snapshot(service, [field for field in SERVICE_FIELDS if field not in ("terms", "wards")])
    if service.pk:
        before["terms"] = sorted(service.terms.values_list("name", flat=True))
        before["wards"] = sorted(service.wards.values_list("name", flat=True))
    return before


@transaction.atomic
def service_create(*, acting_user: Any, organisation: Any, **data: Any) -> Service:
    """Describe a new service of `organisation`."""
    require(can_manage_service, acting_user, organisation, message=MANAGE_MESSAGE)
    values = service_values(data)
    service = Service(organisation=organisation)
    _apply(service, values, acting_user)
    service.full_clean()
    service.save()
    service.terms.set(values["terms"])
    service.wards.set(values["wards"])
    changes = {key: [None, value] for key, value in _audit_snapshot(service).items() if value not in ("", None, [], False)}
    audit_event_record(
        actor=acting_user, action="service_create", obj=service, changes=changes, summary=f"Service {service.name} described", organisation_id=organisation.pk
    )
    return service


@transaction.atomic
def service_update(*, acting_user: Any, service: Service, expected_version: int | None = None, **data: Any) -> Service:
    """Change a service; one changed since the form was opened is refused (StaleEdit) with what changed."""
    require(can_manage_service, acting_user, service, message=MANAGE_MESSAGE)
    lock_for_edit(service, expected_version, {key: value for key, value in data.items() if key in SERVICE_FIELDS})
    values = service_values(data)
    before = _audit_snapshot(service)
    _apply(service, values, acting_user)
    service.full_clean()
    service.save()
    service.terms.set(values["terms"])
    service.wards.set(values["wards"])
    changes = diff(before, _audit_snapshot(service))
    if changes:
        version_advance(service)
        audit_event_record(
            actor=acting_user,
            action="service_update",
            obj=service,
            changes=changes,
            summary=f"Service {service.name} changed",
            organisation_id=service.organisation_id,
        )
    return service


def _degrees(checks: FieldChecks, field: str, value: Any, limits: tuple[Decimal, Decimal], message: str) -> Decimal | None:
    if value is None or as_text(value) == "":
        return None
    try:
        number = Decimal(as_text(value))
    except InvalidOperation:
        checks.add(field, message)
        return None
    if isinstance(value, bool) or not number.is_finite() or not limits[0] <= number <= limits[1]:
        checks.add(field, message)
        return None
    return number.quantize(Decimal("0.000001"))


def location_values(data: dict[str, Any]) -> dict[str, Any]:
    """LocationForm's rules."""
    checks = FieldChecks()
    values = {
        "name": checks.text("name", data.get("name"), required="Enter the name of the place, for example the hall or centre", max_length=200),
        "address_1": checks.text("address_1", data.get("address_1"), required="Enter the street address", max_length=300),
        "city": checks.text("city", data.get("city"), required="Enter the town or city", max_length=100),
        "postcode": as_text(data.get("postcode")),
    }
    if not values["postcode"]:
        checks.add("postcode", REQUIRED)
    elif not is_valid_postcode(values["postcode"]):
        checks.add("postcode", "Enter a real postcode, like AT1 1AA")
    else:
        values["postcode"] = normalise_postcode(values["postcode"])
    latitude = _degrees(checks, "latitude", data.get("latitude"), LATITUDES, LATITUDE_MESSAGE)
    longitude = _degrees(checks, "longitude", data.get("longitude"), LONGITUDES, LONGITUDE_MESSAGE)
    if not checks.failed("latitude") and not checks.failed("longitude") and (latitude is None) != (longitude is None):
        checks.add("longitude" if longitude is None else "latitude", POSITION_WHOLE_MESSAGE)
    checks.raise_if_any()
    return values | {"latitude": latitude, "longitude": longitude}


@transaction.atomic
def service_location_add(*, acting_user: Any, service: Service, **data: Any) -> ServiceLocation:
    """Add a place where the service is delivered."""
    require(can_manage_service, acting_user, service, message=MANAGE_MESSAGE)
    lock_for_edit(service, None)
    values = location_values(data)
    location = ServiceLocation(service=service, **values)
    location.full_clean()
    location.save()
    version_advance(service)
    audit_event_record(
        actor=acting_user,
        action="service_location_add",
        obj=service,
        changes={
            "location": [
                None,
                f"{location.name}, {location.postcode}" + (f" ({location.latitude}, {location.longitude})" if location.latitude is not None else ""),
            ]
        },
        summary=f"{location.name} added to {service.name}",
        organisation_id=service.organisation_id,
    )
    return location


@transaction.atomic
def service_location_remove(*, acting_user: Any, location: ServiceLocation) -> None:
    """Remove a place the service is no longer delivered at."""
    service = location.service
    require(can_manage_service, acting_user, service, message=MANAGE_MESSAGE)
    lock_for_edit(service, None)
    label = f"{location.name}, {location.postcode}"
    location.delete()
    version_advance(service)
    audit_event_record(
        actor=acting_user,
        action="service_location_remove",
        obj=service,
        changes={"location": [label, None]},
        summary=f"{label} removed from {service.name}",
        organisation_id=service.organisation_id,
    )


def clock_time(value: Any) -> datetime.time | None:
    """A time on the 24-hour clock ("09:30", "9.30") to the minute; None when it is not one (the form and the service share this)."""
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _TIME.match(as_text(value))
    return datetime.time(int(match.group(1)), int(match.group(2))) if match else None


def _time(checks: FieldChecks, field: str, value: Any, required: str) -> datetime.time | None:
    if value is None or as_text(value) == "":
        checks.add(field, required)
        return None
    found = clock_time(value)
    if found is None:
        checks.add(field, TIME_INVALID)
    return found


def schedule_values(data: dict[str, Any]) -> dict[str, Any]:
    """ScheduleForm's rules: one or more days of the week, and an opening time before the closing time."""
    checks = FieldChecks()
    raw_days = data.get("days")
    days: list[int] = []
    if raw_days in (None, "", []):
        checks.add("days", DAYS_REQUIRED)
    elif isinstance(raw_days, str | bytes) or not isinstance(raw_days, list | tuple | set):
        checks.add("days", DAYS_INVALID)
    else:
        for day in raw_days:
            if isinstance(day, bool) or as_text(day) not in {str(value) for value in Weekday.values}:
                checks.add("days", DAYS_INVALID)
                break
            days.append(int(as_text(day)))
    opens_at = _time(checks, "opens_at", data.get("opens_at"), OPENS_REQUIRED)
    closes_at = _time(checks, "closes_at", data.get("closes_at"), CLOSES_REQUIRED)
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        checks.add("closes_at", TIME_ORDER_MESSAGE)
    checks.raise_if_any()
    return {"days": sorted(set(days)), "opens_at": opens_at, "closes_at": closes_at}


def _schedule_not_recorded(service: Service, values: dict[str, Any]) -> None:
    """The same opening on a day that has it (the Add button pressed twice) is refused: it would be published twice."""
    found = service.schedules.filter(weekday__in=values["days"], opens_at=values["opens_at"], closes_at=values["closes_at"]).order_by("weekday")
    days = [Weekday(schedule.weekday).label for schedule in found]
    if days:
        times = f"{values['opens_at']:%H:%M} to {values['closes_at']:%H:%M}"
        raise ValidationError({"days": f"{' and '.join(days)} already {'opens' if len(days) == 1 else 'open'} from {times}"})


@transaction.atomic
def service_schedule_add(*, acting_user: Any, service: Service, **data: Any) -> list[ServiceSchedule]:
    """Record when the service runs: on each day chosen, from the opening to the closing time."""
    require(can_manage_service, acting_user, service, message=MANAGE_MESSAGE)
    lock_for_edit(service, None)
    values = schedule_values(data)
    _schedule_not_recorded(service, values)
    added = []
    for day in values["days"]:
        schedule = ServiceSchedule(service=service, weekday=day, opens_at=values["opens_at"], closes_at=values["closes_at"])
        schedule.full_clean()
        schedule.save()
        added.append(schedule)
    version_advance(service)
    labels = [str(schedule) for schedule in added]
    audit_event_record(
        actor=acting_user,
        action="service_schedule_add",
        obj=service,
        changes={"opening times": [None, labels]},
        summary=f"Opening times added to {service.name}: {'; '.join(labels)}",
        organisation_id=service.organisation_id,
    )
    return added


@transaction.atomic
def service_schedule_remove(*, acting_user: Any, schedule: ServiceSchedule) -> None:
    """Remove opening times the service no longer keeps."""
    service = schedule.service
    require(can_manage_service, acting_user, service, message=MANAGE_MESSAGE)
    lock_for_edit(service, None)
    label = str(schedule)
    schedule.delete()
    version_advance(service)
    audit_event_record(
        actor=acting_user,
        action="service_schedule_remove",
        obj=service,
        changes={"opening times": [label, None]},
        summary=f"Opening times removed from {service.name}: {label}",
        organisation_id=service.organisation_id,
    )
