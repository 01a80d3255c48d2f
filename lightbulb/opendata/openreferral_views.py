"""Open Referral UK's read API at /openreferral/: public, JSON, paged as the profile's openapi.json describes.

Filters the profile lists: `search`, `taxonomy_term_id`, `taxonomy_id`, `minimum_age`,
`maximum_age`, and from the services' opening times `day` (MO … SU, or the day's name),
`start_time` (opening at or after) and `end_time` (closing by), which one and the same opening
must meet together; for places also `postcode` (services serving the postcode's ward) and
`proximity` (metres from the postcode's centre, or from Lightbulb's own `latitude` and
`longitude` parameters), which finds places whose position was given.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from uuid import UUID

from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from lightbulb.core.access import public
from lightbulb.directory import selectors as directory
from lightbulb.opendata import openreferral
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode
from lightbulb.places.selectors import ward_for_postcode

MAX_AGE = 5 * 60


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    if status == 200:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _bad(message: str) -> JsonResponse:
    return _json({"detail": message}, status=400)


def _not_found(what: str) -> JsonResponse:
    return _json({"detail": f"No such {what}"}, status=404)


def _number(request: HttpRequest, name: str) -> float | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    value = float(raw)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(name)
    return value


def _filters(request: HttpRequest) -> dict[str, Any]:
    """The filters asked for; ValueError naming the one that is not valid."""
    filters: dict[str, Any] = {"search": request.GET.get("search", "").strip()[:200]}
    for name, key in (("taxonomy_term_id", "taxonomy_term"), ("taxonomy_id", "taxonomy")):
        try:
            filters[key] = openreferral.parse_uuid(request.GET.get(name))
        except ValueError as error:
            raise ValueError(f"{name} must be a UUID") from error
    for name in ("minimum_age", "maximum_age"):
        try:
            filters[name] = _number(request, name)
        except ValueError as error:
            raise ValueError(f"{name} must be a number") from error
    raw_day = request.GET.get("day", "").strip()
    if raw_day:
        filters["day"] = directory.weekday_from_code(raw_day)
        if filters["day"] is None:
            raise ValueError("day must be a day of the week: MO, TU, WE, TH, FR, SA or SU (or its name, like Monday)")
    for name in ("start_time", "end_time"):
        filters[name] = _time(request, name)
    return filters


# HH:MM or HH:MM:SS on the 24-hour clock, with an optional Z or offset (the times are UK local time, as organisations give them).
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


def _time(request: HttpRequest, name: str) -> datetime.time | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    match = TIME.match(raw)
    if not match:
        raise ValueError(f"{name} must be a time on the 24-hour clock, like 09:30")
    return datetime.time(int(match.group(1)), int(match.group(2)))


MAX_PROXIMITY = 1_000_000  # metres: the whole of Great Britain from anywhere in it


def _near(request: HttpRequest, postcode_ward: Any) -> tuple[float, float, float] | None:
    """(latitude, longitude, metres) for the proximity filter; ValueError saying what is missing or wrong."""
    raw = request.GET.get("proximity", "").strip()
    if not raw:
        return None
    try:
        metres = float(raw)
    except ValueError as error:
        raise ValueError("proximity must be a distance in metres") from error
    if not 0 < metres <= MAX_PROXIMITY:
        raise ValueError(f"proximity must be a distance in metres, more than 0 and at most {MAX_PROXIMITY:,}")
    try:
        latitude, longitude = _number(request, "latitude"), _number(request, "longitude")
    except ValueError as error:
        raise ValueError("latitude and longitude must be numbers in decimal degrees") from error
    if latitude is not None and longitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError("latitude must be from -90 to 90 and longitude from -180 to 180")
        return latitude, longitude, metres
    centre = openreferral.boundary_centre(postcode_ward.boundary) if postcode_ward is not None else None
    if centre is None:
        raise ValueError("proximity needs a point: a postcode in a ward whose boundary is loaded, or latitude and longitude")
    return centre[0], centre[1], metres


def _key(raw: str) -> UUID | None:
    """The UUID in a path, or None when it is not one (answered as not found)."""
    try:
        return openreferral.parse_uuid(raw)
    except ValueError:
        return None


def _paging(request: HttpRequest) -> tuple[int, int]:
    return openreferral.page_numbers(request.GET.get("page"), request.GET.get("per_page"))


@public
@require_GET
def index(request: HttpRequest) -> JsonResponse:
    return _json({"version": "3.0", "profile": openreferral.PROFILE_URL, "openapi_url": openreferral.OPENAPI_URL})


@public
@require_GET
def services(request: HttpRequest) -> JsonResponse:
    try:
        page_number, per_page = _paging(request)
        filters = _filters(request)
    except ValueError as error:
        return _bad(str(error))
    queryset = directory.published_services_filtered(**filters)
    return _json(openreferral.page(queryset, page_number=page_number, per_page=per_page, item=openreferral.service_summary))


@public
@require_GET
def service(request: HttpRequest, id: str) -> JsonResponse:
    key = _key(id)
    found = directory.published_service(key) if key else None
    return _json(openreferral.service_full(found)) if found else _not_found("service")


def _postcode_ward(request: HttpRequest) -> tuple[bool, Any]:
    """(asked, ward) for the postcode filter; ValueError when the postcode is not one."""
    raw = request.GET.get("postcode", "").strip()
    if not raw:
        return False, None
    if not is_valid_postcode(raw):
        raise ValueError("postcode must be a UK postcode, like AT1 1AA")
    return True, ward_for_postcode(normalise_postcode(raw))


@public
@require_GET
def service_at_locations(request: HttpRequest) -> JsonResponse:
    try:
        page_number, per_page = _paging(request)
        filters = _filters(request)
        asked, ward = _postcode_ward(request)
        near = _near(request, ward)
    except ValueError as error:
        return _bad(str(error))
    services_queryset = directory.published_services_filtered(**filters)
    if near is not None:
        # Within a distance of the point: the postcode gave the point, not a ward to serve.
        queryset = directory.published_locations(services=services_queryset, near=near)
    else:
        if asked and ward is None:
            services_queryset = services_queryset.none()
        queryset = directory.published_locations(services=services_queryset, postcode_ward_id=ward.pk if ward else None)

    def item(place: Any) -> dict[str, Any]:
        return openreferral.service_at_location(place, with_service=True)

    return _json(openreferral.page(queryset, page_number=page_number, per_page=per_page, item=item))


@public
@require_GET
def service_at_location(request: HttpRequest, id: str) -> JsonResponse:
    key = _key(id)
    found = directory.published_location(key) if key else None
    return _json(openreferral.service_at_location(found, with_service=True)) if found else _not_found("service at location")


@public
@require_GET
def taxonomies(request: HttpRequest) -> JsonResponse:
    try:
        page_number, per_page = _paging(request)
    except ValueError as error:
        return _bad(str(error))
    return _json(openreferral.page(directory.taxonomies(), page_number=page_number, per_page=per_page, item=openreferral.taxonomy))


@public
@require_GET
def taxonomy(request: HttpRequest, id: str) -> JsonResponse:
    key = _key(id)
    found = directory.taxonomy_get(key) if key else None
    return _json(openreferral.taxonomy(found)) if found else _not_found("taxonomy")


@public
@require_GET
def taxonomy_terms(request: HttpRequest) -> JsonResponse:
    try:
        page_number, per_page = _paging(request)
    except ValueError as error:
        return _bad(str(error))
    return _json(openreferral.page(directory.taxonomy_terms(), page_number=page_number, per_page=per_page, item=openreferral.taxonomy_term))


@public
@require_GET
def taxonomy_term(request: HttpRequest, id: str) -> JsonResponse:
    key = _key(id)
    found = directory.taxonomy_term_get(key) if key else None
    return _json(openreferral.taxonomy_term(found)) if found else _not_found("taxonomy term")
