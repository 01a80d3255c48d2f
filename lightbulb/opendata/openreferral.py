"""The directory in Open Referral UK (HSDS 3.0 UK profile): services, where they are delivered, and the taxonomy.

Only what organisations agreed to publish (see `lightbulb.directory.selectors.published_services`).
Every identifier is a UUID: services, places and taxonomy terms carry their own; organisations,
addresses, contacts, service areas and attributes get stable name-based UUIDs (UUID 5) made from
the site's address and the record, so they never change between requests nor reveal a database key.
Empty optional fields are left out, as the profile's schemas allow no null.
"""

from __future__ import annotations

import itertools
import math
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from django.conf import settings

from lightbulb.directory.selectors import day_code

PROFILE_URL = "https://github.com/openreferral/uk-profile"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
IDENTIFIER_TYPES = {
    "GB-CHC": "Charity number",
    "GB-COH": "Company number",
    "GB-SC": "Scottish charity number",
    "GB-NIC": "Northern Ireland charity number",
    "GB-MPR": "Mutuals register number",
}


def stable_id(*parts: Any) -> str:
    """A UUID that is always the same for the same record on this site."""
    return str(uuid5(NAMESPACE_URL, f"{settings.SITE_URL}/openreferral/" + "/".join(str(part) for part in parts)))


def _optional(data: dict[str, Any], **values: Any) -> dict[str, Any]:
    data.update({key: value for key, value in values.items() if value not in (None, "")})
    return data


def organisation_id(organisation: Any) -> str:
    return stable_id("organisation", organisation.pk)


def organization(organisation: Any) -> dict[str, Any]:
    org_id = organisation_id(organisation)
    data = {"id": org_id, "name": organisation.name, "description": organisation.description or organisation.name}
    _optional(data, email=organisation.email, website=organisation.website)
    identifiers = [
        {
            "id": stable_id("identifier", identifier.pk),
            "organization_id": org_id,
            "identifier_scheme": identifier.scheme,
            "identifier_type": IDENTIFIER_TYPES.get(identifier.scheme, identifier.scheme),
            "identifier": identifier.value,
        }
        for identifier in organisation.identifiers.all()
    ]
    if identifiers:
        data["organization_identifiers"] = identifiers
    return data


def taxonomy(item: Any) -> dict[str, Any]:
    return _optional({"id": str(item.uuid), "name": item.name, "description": item.description}, uri=item.uri, version=item.taxonomy_version)


def taxonomy_term(term: Any) -> dict[str, Any]:
    data = {"id": str(term.uuid), "name": term.name, "description": term.description}
    return _optional(
        data, parent_id=str(term.parent.uuid) if term.parent_id else None, taxonomy=term.taxonomy.name, taxonomy_id=str(term.taxonomy.uuid), term=term.code
    )


def _service_core(service: Any) -> dict[str, Any]:
    data = {"id": str(service.uuid), "organization_id": organisation_id(service.organisation), "name": service.name}
    _optional(data, description=service.description, url=service.url, email=service.email, fees=service.fees)
    data["status"] = service.status
    _optional(data, minimum_age=service.minimum_age, maximum_age=service.maximum_age)
    data["last_modified"] = service.updated_at.isoformat()
    return data


def location(place: Any) -> dict[str, Any]:
    location_id = str(place.uuid)
    address = {
        "id": stable_id("address", place.uuid),
        "location_id": location_id,
        "address_1": place.address_1,
        "city": place.city,
        "state_province": place.city,
        "postal_code": place.postcode,
        "country": "GB",
        "address_type": "physical",
    }
    data: dict[str, Any] = {"id": location_id, "location_type": "physical", "name": place.name}
    if place.latitude is not None and place.longitude is not None:
        data["latitude"], data["longitude"] = float(place.latitude), float(place.longitude)
    data["addresses"] = [address]
    return data


def schedule(item: Any, service_id: str) -> dict[str, Any]:
    """Opening times as a weekly RFC 5545 rule, in UK local time as the organisation gave them."""
    opens, closes = item.opens_at.strftime("%H:%M"), item.closes_at.strftime("%H:%M")
    return {
        "id": str(item.uuid),
        "service_id": service_id,
        "freq": "WEEKLY",
        "byday": day_code(item.weekday),
        "opens_at": opens,
        "closes_at": closes,
        "description": f"{item.get_weekday_display()}s, {opens} to {closes}",
    }


def service_at_location(place: Any, *, with_service: bool = False) -> dict[str, Any]:
    data = {"id": str(place.link_uuid), "service_id": str(place.service.uuid), "location_id": str(place.uuid), "location": location(place)}
    if with_service:
        data["service"] = service_summary(place.service)
    return data


def service_summary(service: Any) -> dict[str, Any]:
    """A service's one-to-one fields, as the paged list gives them."""
    return _service_core(service) | {"organization": organization(service.organisation)}


def service_full(service: Any) -> dict[str, Any]:
    """A service with everything that hangs off it."""
    data = service_summary(service)
    service_id = data["id"]
    data["service_areas"] = [
        {
            "id": stable_id("service-area", service.uuid, ward.gss_code),
            "service_id": service_id,
            "name": ward.name,
            "extent": ward.gss_code,
            "extent_type": "text",
        }
        for ward in service.wards.all()
    ]
    data["schedules"] = [schedule(item, service_id) for item in service.schedules.all()]
    data["service_at_locations"] = [
        {"id": str(place.link_uuid), "service_id": service_id, "location_id": str(place.uuid), "location": location(place)} for place in service.locations.all()
    ]
    contacts = []
    if service.contact_name:
        contacts.append(
            _optional({"id": stable_id("contact", service.uuid), "service_id": service_id, "name": service.contact_name}, title=service.contact_title)
        )
    data["contacts"] = contacts
    data["attributes"] = [
        {
            "id": stable_id("attribute", service.uuid, term.uuid),
            "link_id": service_id,
            "link_type": "service",
            "taxonomy_term_id": str(term.uuid),
            "taxonomy_term": taxonomy_term(term),
        }
        for term in service.terms.all()
    ]
    return data


class PageError(ValueError):
    """A paging parameter that is not a whole number of at least 1."""


def page_numbers(raw_page: str | None, raw_size: str | None, *, default_size: int = 50, max_size: int = 500) -> tuple[int, int]:
    try:
        page = int(raw_page) if raw_page not in (None, "") else 1
        size = int(raw_size) if raw_size not in (None, "") else default_size
    except ValueError as error:
        raise PageError("page and per_page must be whole numbers") from error
    if page < 1 or size < 1:
        raise PageError("page and per_page must be 1 or more")
    return page, min(size, max_size)


def page(queryset: Any, *, page_number: int, per_page: int, item: Any) -> dict[str, Any]:
    """One page of `queryset` in the profile's paging fields, which agree with each other and the contents."""
    total = queryset.count()
    total_pages = max(math.ceil(total / per_page), 1)
    start = (page_number - 1) * per_page
    contents = [item(row) for row in queryset[start : start + per_page]] if start < total else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def boundary_centre(boundary: Any) -> tuple[float, float] | None:
    """(latitude, longitude) of the centre of a GeoJSON Polygon or MultiPolygon in WGS84: the area-weighted centroid of its outer rings."""
    if not isinstance(boundary, dict) or boundary.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    polygons = [boundary.get("coordinates")] if boundary["type"] == "Polygon" else boundary.get("coordinates")
    total = x_sum = y_sum = 0.0
    for polygon in polygons or []:
        ring = polygon[0] if polygon else []
        for start, end in itertools.pairwise(ring):
            (x1, y1), (x2, y2) = start[:2], end[:2]
            cross = x1 * y2 - x2 * y1
            total += cross
            x_sum += (x1 + x2) * cross
            y_sum += (y1 + y2) * cross
    if total == 0:
        return None
    return y_sum / (3 * total), x_sum / (3 * total)


def parse_uuid(raw: str | None) -> UUID | None:
    """A UUID from a query parameter (None when absent); ValueError when it is not one."""
    if raw in (None, ""):
        return None
    return UUID(str(raw))
