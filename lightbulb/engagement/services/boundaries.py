"""Loading ward boundaries from a GeoJSON FeatureCollection keyed by ward code."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lightbulb.core.audit import audit_event_record
from lightbulb.core.rules import require
from lightbulb.engagement.geo import MAX_FILE_BYTES, BoundaryError, checked_geometry
from lightbulb.places.models import Ward
from lightbulb.places.rules import can_manage_places

CODE_PROPERTIES = ("gss_code", "code", "WD25CD", "WD24CD", "WD23CD", "WD22CD", "WD21CD", "WD20CD", "WD19CD", "wd_code")
MAX_ERRORS_SHOWN = 10
TOO_BIG = f"The file must be {MAX_FILE_BYTES // 1024 // 1024} MB or smaller"


def _code(feature: dict[str, Any]) -> str:
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return ""
    for name in CODE_PROPERTIES:
        if isinstance(properties.get(name), str) and properties[name].strip():
            return str(properties[name]).strip().upper()
    return next((str(value).strip().upper() for key, value in properties.items() if str(key).upper().endswith("CD") and isinstance(value, str)), "")


def _features(content: bytes) -> list[Any]:
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError({"file": [TOO_BIG]})
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError({"file": ["The file is not GeoJSON: it could not be read as JSON"]}) from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise ValidationError({"file": ["The file must be a GeoJSON FeatureCollection"]})
    return data["features"]


def _shapes(features: list[Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Each ward code's checked shape; every problem, by feature, in words."""
    shapes: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for number, feature in enumerate(features, start=1):
        code = _code(feature) if isinstance(feature, dict) else ""
        if not code:
            errors.append(f"Feature {number} has no ward code (a property such as WD24CD or gss_code)")
            continue
        try:
            shapes[code] = checked_geometry(feature.get("geometry"))
        except BoundaryError as error:
            errors.append(f"Feature {number} ({code}): {error}")
    return shapes, errors


@transaction.atomic
def ward_boundaries_import(*, acting_user: Any, content: bytes) -> dict[str, Any]:
    """Store each matched ward's simplified boundary; refuse the whole file if any shape is wrong."""
    require(can_manage_places, acting_user, message="Only council officers and administrators load ward boundaries.")
    shapes, errors = _shapes(_features(content))
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN] + ([f"and {len(errors) - MAX_ERRORS_SHOWN} more problems"] if len(errors) > MAX_ERRORS_SHOWN else [])
        raise ValidationError({"file": shown})
    wards = {ward.gss_code: ward for ward in Ward.objects.select_for_update().filter(gss_code__in=list(shapes))}
    for code, ward in wards.items():
        ward.boundary = shapes[code]
        ward.save(update_fields=["boundary", "updated_at"])
        audit_event_record(actor=acting_user, action="ward_boundaries_import", obj=ward, summary=f"Boundary of {ward.name} loaded from a file")
    return {"updated": len(wards), "unknown": sorted(set(shapes) - set(wards))}
