"""Ward boundaries from the GeoJSON files ONS publishes: each feature is a row, matched to a ward by its GSS code.

ONS publishes one file for every ward in the country, so a feature for a ward that is not the
council's is counted and skipped, not rejected; the council's wards' shapes are checked and
simplified for the web (`geo.checked_geometry`), and a feature without a ward code or with a
shape that cannot be a ward boundary is a rejected row, numbered by its place in the file. The
file is read a feature at a time (ijson), so a national file never sits in memory as objects whole.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import ijson
from django.core.exceptions import ValidationError

from lightbulb.engagement.geo import BoundaryError, checked_geometry, feature_ward_code
from lightbulb.engagement.services import boundaries as boundary_services
from lightbulb.imports.base import ApplyResult, Column, Importer
from lightbulb.imports.normalise import BOM, UnreadableFile
from lightbulb.places import selectors as places_selectors

NOT_A_COLLECTION = (
    'The file must be a GeoJSON FeatureCollection (an object with "type": "FeatureCollection" and a list of "features"), '
    "such as the ward boundaries ONS publishes."
)
HEADERS = ["Ward code", "Ward name", "Shape"]
_SCALARS = {"string", "number", "boolean", "null", "start_array"}


def _not_json(exc: Exception) -> UnreadableFile:
    if isinstance(exc, UnicodeDecodeError):
        return UnreadableFile("The file's text is not UTF-8, as GeoJSON must be.")
    return UnreadableFile(f"The file is not GeoJSON: it could not be read as JSON ({str(exc)[:120]}). It may be cut short or damaged.")


def _check_collection(data: bytes) -> None:
    """Refuse anything but a FeatureCollection with a list of features, reading no further than its top-level keys need."""
    kind: str | None = None
    has_features = False
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(data)):
            if prefix == "" and event in _SCALARS:
                raise UnreadableFile(NOT_A_COLLECTION)
            if prefix == "type" and event == "string":
                kind = value
                if kind != "FeatureCollection":
                    raise UnreadableFile(NOT_A_COLLECTION)
            elif prefix == "features" and event == "start_array":
                has_features = True
            if kind and has_features:
                return
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise _not_json(exc) from exc
    raise UnreadableFile(NOT_A_COLLECTION)


def _name(feature: dict[str, Any]) -> str:
    """The ward's name as the file gives it (WD24NM and the like), for the report of a rejected feature."""
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        return ""
    found = properties.get("name") or next((value for key, value in properties.items() if str(key).upper().endswith("NM")), "")
    return found if isinstance(found, str) else ""


def _shape_type(feature: dict[str, Any]) -> str:
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    return kind if isinstance(kind, str) else "(none)"


class WardBoundaries(Importer):
    name = "ward-boundaries"
    label = "Ward boundaries (GeoJSON)"
    source_label = "Office for National Statistics ward boundaries (Open Geography Portal), as GeoJSON in longitude and latitude"
    licence = "Source: Office for National Statistics licensed under the Open Government Licence v3.0; contains OS data © Crown copyright and database right"
    description = (
        "A GeoJSON FeatureCollection in longitude and latitude (WGS 84), such as ONS's Wards (BGC or BSC) boundaries: each feature is "
        "matched to a ward by its code (WD24CD, gss_code…); features for wards outside the council are skipped."
    )
    formats = ("json",)
    columns = {
        "code": Column("Ward code", ("gss_code", "code", "wd24cd", "wd_code")),
        "name": Column("Ward name", ("name", "wd24nm"), required=False),
        "geometry": Column("Shape", ("geometry",)),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.note_headings = False
        self.known: set[str] = set()
        self.outside = 0
        self.matched = 0
        self.seen: set[str] = set()

    def prepare(self) -> None:
        self.known = set(places_selectors.ward_codes())

    def read(self, data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, Any], list[str]]], int]:
        """The file's features as rows: (feature number, the feature's code, name and geometry, its values for the report)."""
        if data.startswith(BOM):
            self.notes.once("The byte-order mark at the start of the file was removed")
            data = data[len(BOM) :]
        _check_collection(data)
        self.notes.once("The file was read as a GeoJSON FeatureCollection")
        return HEADERS, self._features(data), data.count(b'"Feature"')

    def _features(self, data: bytes) -> Iterator[tuple[int, dict[str, Any], list[str]]]:
        number = 0
        try:
            for number, item in enumerate(ijson.items(io.BytesIO(data), "features.item", use_float=True), start=1):
                feature = item if isinstance(item, dict) else {}
                code = feature_ward_code(feature)
                values = {"feature": number, "code": code, "geometry": feature.get("geometry")}
                yield number, values, [code, _name(feature), _shape_type(feature)]
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise _not_json(exc) from exc
        self._finish(number)

    def _finish(self, features: int) -> None:
        """Once every feature is read: say how many were skipped, and refuse a file with none of the council's wards."""
        if not features:
            raise UnreadableFile("The FeatureCollection has no features.")
        if self.outside:
            self.notes.once(f"Features for wards outside the council's: {self.outside:,} (skipped)")
        if not self.matched:
            held = "No wards are held yet: import the ward list first." if not self.known else "Check that the file covers the council's area."
            raise UnreadableFile(f"None of the file's {features:,} features is for one of the council's wards. {held}")

    def parse_row(self, row: dict[str, Any]) -> dict[str, Any]:
        number, code = row["feature"], row["code"]
        if not code:
            raise ValidationError(f"Feature {number:,} has no ward code (a property such as WD24CD or gss_code)")
        if code not in self.known:
            self.outside += 1
            return {"code": code, "geometry": None}
        self.matched += 1
        try:
            geometry = checked_geometry(row["geometry"])
        except BoundaryError as error:
            raise ValidationError(f"Feature {number:,} ({code[:20]}): {error}") from error
        if code in self.seen:
            self.notes.add("Wards with more than one feature (the last was used)", code)
        self.seen.add(code)
        return {"code": code, "geometry": geometry}

    def apply(self, rows: list[dict[str, Any]], run: Any) -> ApplyResult:
        shapes = {row["code"]: row["geometry"] for row in rows if row["geometry"] is not None}
        if not shapes:
            return ApplyResult()
        stored = boundary_services.ward_boundaries_upsert(acting_user=self.acting_user, shapes=shapes)
        return ApplyResult(updated=stored.updated, unchanged=stored.unchanged, changes=stored.changes[:1000])
