"""Storing ward boundaries: each ward's checked, simplified shape, written only when it differs.

The file is read by the ward boundaries import (lightbulb/imports/sources/boundaries.py), which
checks and simplifies each feature's shape with `geo.checked_geometry` and hands the council's
wards' shapes here, so a boundary file runs in the background with a dry run, strict mode and a
report of every rejected feature, like any other import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lightbulb.core.audit import audit_event_record
from lightbulb.core.rules import require
from lightbulb.places.models import Ward
from lightbulb.places.rules import can_manage_places

PLACES_MESSAGE = "Only council officers and administrators load ward boundaries."


@dataclass
class BoundariesStored:
    updated: int = 0
    unchanged: int = 0
    # Codes given that are not the council's wards: nothing is written for them.
    unknown: list[str] = field(default_factory=list)
    # [{"record": "Riverside (E05000201)", "changes": {"boundary": [before, after]}}], as an import run reports them.
    changes: list[dict[str, Any]] = field(default_factory=list)


def boundary_description(shape: Mapping[str, Any] | None) -> str:
    """A boundary in words for a before → after: how many polygons and points, not the coordinates."""
    if not shape or not isinstance(shape.get("coordinates"), list):
        return ""
    polygons = shape["coordinates"]
    points = sum(len(ring) for polygon in polygons for ring in polygon)
    return f"{len(polygons):,} polygon{'' if len(polygons) == 1 else 's'}, {points:,} points"


def _checked(shapes: Mapping[str, Any]) -> None:
    """Each shape as `geo.checked_geometry` leaves it: a MultiPolygon with coordinates."""
    for code, shape in shapes.items():
        if not isinstance(shape, dict) or shape.get("type") != "MultiPolygon" or not isinstance(shape.get("coordinates"), list):
            raise ValidationError(f"The boundary for {str(code)[:20]} is not a checked MultiPolygon")


@transaction.atomic
def ward_boundaries_upsert(*, acting_user: Any, shapes: Mapping[str, dict[str, Any]]) -> BoundariesStored:
    """Store each ward's boundary from `shapes` (ward code → checked shape); a boundary equal to the stored one is not written.

    A ward not in `shapes` keeps its boundary; a code that is not one of the council's wards is listed in `unknown`.
    """
    require(can_manage_places, acting_user, message=PLACES_MESSAGE)
    _checked(shapes)
    result = BoundariesStored()
    wards = {ward.gss_code: ward for ward in Ward.objects.select_for_update().filter(gss_code__in=list(shapes)).order_by("gss_code")}
    result.unknown = sorted(set(shapes) - set(wards))
    for code, ward in wards.items():
        shape = shapes[code]
        if ward.boundary == shape:
            result.unchanged += 1
            continue
        before, after = boundary_description(ward.boundary), boundary_description(shape)
        ward.boundary = shape
        ward.save(update_fields=["boundary", "updated_at"])
        audit_event_record(
            actor=acting_user,
            action="ward_boundaries_upsert",
            obj=ward,
            changes={"boundary": [before or None, after]},
            summary=f"Boundary of {ward.name} loaded from a file",
        )
        result.updated += 1
        result.changes.append({"record": f"{ward.name} ({code})", "changes": {"boundary": [before, after]}})
    return result
