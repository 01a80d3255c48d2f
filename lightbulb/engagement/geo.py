"""Ward boundaries: reading a feature's ward code, checking and simplifying GeoJSON on import, and drawing a ward as inline SVG.

No tiles and nothing fetched: the map is the ward's outline drawn on the server, so it works
offline, passes the strict CSP and prints in the briefing pack.
"""

from __future__ import annotations

import math
from typing import Any

Point = tuple[float, float]
MAX_POINTS = 5_000
# About 5 metres at English latitudes: invisible at ward scale, and a tenth of the points.
TOLERANCE = 0.00005


# The feature property holding the ward's GSS code, by preference: ONS names it after the boundary year (WD24CD).
CODE_PROPERTIES = ("gss_code", "code", "WD25CD", "WD24CD", "WD23CD", "WD22CD", "WD21CD", "WD20CD", "WD19CD", "wd_code")
# How the GSS codes of wards start in England, Wales, Scotland and Northern Ireland.
WARD_CODE_PREFIXES = ("E05", "W05", "S13", "N08")


class BoundaryError(ValueError):
    """A shape that cannot be a ward boundary, with the reason in words."""


def feature_ward_code(feature: Any) -> str:
    """The ward code a GeoJSON feature names (upper case), or "" if it names none."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict):
        return ""
    for name in CODE_PROPERTIES:
        if isinstance(properties.get(name), str) and properties[name].strip():
            return str(properties[name]).strip().upper()
    # Another year's WDnnCD, or a council's own name for it: a ward's code, not the local authority's (LAD24CD) beside it.
    found = (str(value).strip().upper() for key, value in properties.items() if str(key).upper().endswith("CD") and isinstance(value, str))
    return next((code for code in found if code.startswith(WARD_CODE_PREFIXES)), "")


def _distance_to_segment(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def simplify(points: list[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Douglas–Peucker, without recursion (a long coastline must not overflow the stack)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for position in range(first + 1, last):
            distance = _distance_to_segment(points[position], points[first], points[last])
            if distance > worst:
                worst, index = distance, position
        if index != -1 and worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _point(raw: Any) -> Point:
    numbers = isinstance(raw, list | tuple) and len(raw) >= 2 and all(isinstance(value, int | float) and not isinstance(value, bool) for value in raw[:2])
    if not numbers:
        raise BoundaryError("a point is not a pair of numbers")
    x, y = float(raw[0]), float(raw[1])
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise BoundaryError("a point is outside longitude and latitude (is the file in British National Grid? Save it as WGS 84)")
    return x, y


def _ring(raw: Any) -> list[Point]:
    if not isinstance(raw, list) or len(raw) < 4:
        raise BoundaryError("a ring needs at least 4 points")
    ring = [_point(point) for point in raw]
    if ring[0] != ring[-1]:
        raise BoundaryError("a ring does not close (its last point must be its first)")
    simplified = simplify(ring)
    if len(simplified) < 4:
        simplified = [ring[0], ring[len(ring) // 3], ring[2 * len(ring) // 3], ring[0]]
    return simplified


def _polygon(polygon: Any) -> list[list[list[float]]]:
    if not isinstance(polygon, list) or not polygon:
        raise BoundaryError("a polygon has no rings")
    return [[list(point) for point in _ring(ring)] for ring in polygon]


def checked_geometry(geometry: Any) -> dict[str, Any]:
    """A Polygon or MultiPolygon in longitude and latitude, simplified; BoundaryError says what is wrong."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise BoundaryError("the shape must be a Polygon or MultiPolygon")
    polygons = [geometry.get("coordinates")] if geometry["type"] == "Polygon" else geometry.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        raise BoundaryError("the shape has no coordinates")
    result = [_polygon(polygon) for polygon in polygons]
    if sum(len(ring) for polygon in result for ring in polygon) > MAX_POINTS:
        raise BoundaryError(f"the shape has more than {MAX_POINTS:,} points even simplified")
    return {"type": "MultiPolygon", "coordinates": result}


def svg_paths(geometry: dict[str, Any] | None, *, width: int = 400, height: int = 300, pad: int = 10) -> dict[str, Any] | None:
    """The ward drawn to fit `width` × `height`: SVG path data and the view box, or None without a boundary."""
    if not geometry or not geometry.get("coordinates"):
        return None
    points = [point for polygon in geometry["coordinates"] for ring in polygon for point in ring]
    xs, ys = [point[0] for point in points], [point[1] for point in points]
    # Longitude shrinks with latitude: scale x by cos(latitude) so the shape is not stretched.
    squeeze = math.cos(math.radians((min(ys) + max(ys)) / 2))
    span_x, span_y = max((max(xs) - min(xs)) * squeeze, 1e-9), max(max(ys) - min(ys), 1e-9)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)

    def place(point: list[float]) -> str:
        x = pad + (point[0] - min(xs)) * squeeze * scale
        y = pad + (max(ys) - point[1]) * scale
        return f"{x:.1f},{y:.1f}"

    paths = " ".join("M" + " L".join(place(point) for point in ring) + " Z" for polygon in geometry["coordinates"] for ring in polygon)
    return {"d": paths, "width": width, "height": height}
