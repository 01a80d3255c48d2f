"""Ward boundaries as an import: ONS's GeoJSON, a feature a row, the council's wards' shapes checked and simplified."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.models import ImportRun
from lightbulb.imports.runner import import_run_execute
from lightbulb.places.models import Ward
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db

SOURCE = "ward-boundaries"
# A square with one point a hair off its top edge, which simplifying takes away.
SQUARE = [[-1.50, 52.60], [-1.48, 52.60], [-1.48, 52.61], [-1.49, 52.6100001], [-1.50, 52.61], [-1.50, 52.60]]
OTHER = [[-1.40, 52.60], [-1.38, 52.60], [-1.38, 52.61], [-1.40, 52.61], [-1.40, 52.60]]


def feature(code: str | None, coordinates=None, geometry_type: str = "Polygon", name: str = "A ward") -> dict:
    properties = {"FID": 1, "WD24NM": name, "LAD24CD": "E06000001", "BNG_E": 430000}
    if code is not None:
        properties["WD24CD"] = code
    return {"type": "Feature", "properties": properties, "geometry": {"type": geometry_type, "coordinates": [coordinates or SQUARE]}}


def collection(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "name": "Wards_December_2024_Boundaries_UK_BGC", "features": list(features)}).encode()


def run_file(data: bytes, *, user=None, **options) -> ImportRun:
    actor = user or SystemActor(label="Test import")
    run = services.import_run_create(acting_user=actor, source=SOURCE, filename="wards-2024.geojson", start=False, **options)
    return import_run_execute(run=run, data=data, acting_user=actor)


@pytest.fixture
def wards():
    return WardFactory(gss_code="E05000201", name="Riverside"), WardFactory(gss_code="E05000202", name="Hilltop")


GOOD = collection(feature("E05000201", name="Riverside"), feature("E05999999", OTHER, name="Elsewhere"))


def test_a_good_file_loads_the_councils_wards_and_skips_the_others(wards, users):
    riverside, hilltop = wards
    run = run_file(GOOD, user=users[Role.OFFICER])
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert (run.created, run.updated, run.unchanged, run.rejected) == (0, 1, 0, 0)
    assert "Features for wards outside the council's: 1 (skipped)" in run.notes
    assert run.changes == [{"record": "Riverside (E05000201)", "changes": {"boundary": ["", "1 polygon, 5 points"]}}]
    riverside.refresh_from_db()
    hilltop.refresh_from_db()
    ring = riverside.boundary["coordinates"][0][0]
    assert riverside.boundary["type"] == "MultiPolygon" and len(ring) == 5  # the near-straight point simplified away
    assert hilltop.boundary is None  # a ward not in the file keeps what it had
    event = AuditEvent.objects.get(action="ward_boundaries_upsert")
    assert event.summary == "Boundary of Riverside loaded from a file"


def test_the_command_line_loads_a_geojson_file(wards, tmp_path):
    path = tmp_path / "Wards_December_2024_Boundaries_UK_BGC.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD)
    out = io.StringIO()
    call_command("import_file", SOURCE, str(path), stdout=out)
    assert "Finished: 0 added, 1 changed, 0 unchanged, 0 rejected." in out.getvalue()
    assert "Normalised: Features for wards outside the council's: 1 (skipped)" in out.getvalue()
    assert Ward.objects.get(gss_code="E05000201").boundary["type"] == "MultiPolygon"
    assert ImportRun.objects.get().filename == path.name


def test_the_same_file_again_writes_nothing(wards):
    run_file(GOOD)
    history = Ward.history.count()
    events = AuditEvent.objects.count()
    again = run_file(GOOD)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 1, 0), again.log
    assert again.changes == []
    assert Ward.history.count() == history and AuditEvent.objects.count() == events + 2  # only the run's own start and finish


def test_a_bad_shape_and_a_feature_without_a_code_are_rejected_rows_with_their_numbers(wards):
    data = collection(
        feature("E05000201"),
        feature(None),
        feature("E05000202", SQUARE[:-1]),
        feature("E05000202", geometry_type="LineString"),
        feature("E05000202", [[430000, 290000], [431000, 290000], [431000, 291000], [430000, 290000]]),
        feature("E05999999", SQUARE[:-1]),  # not the council's: skipped, its shape not checked
    )
    run = run_file(data)
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert (run.updated, run.unchanged, run.rejected) == (1, 0, 4)
    assert [(row["row"], row["reason"]) for row in run.rejected_rows] == [
        (2, "Feature 2 has no ward code (a property such as WD24CD or gss_code)"),
        (3, "Feature 3 (E05000202): a ring does not close (its last point must be its first)"),
        (4, "Feature 4 (E05000202): the shape must be a Polygon or MultiPolygon"),
        (5, "Feature 5 (E05000202): a point is outside longitude and latitude (is the file in British National Grid? Save it as WGS 84)"),
    ]
    assert run.rejected_rows[1]["data"] == {"Ward code": "E05000202", "Ward name": "A ward", "Shape": "Polygon"}
    assert Ward.objects.get(gss_code="E05000202").boundary is None


def test_strict_mode_refuses_the_whole_file(wards):
    run = run_file(collection(feature("E05000201"), feature("E05000202", SQUARE[:-1])), strict=True)
    assert run.status == ImportRun.Status.FAILED
    assert "Strict mode: 1 row could not be used, so the whole file was refused." in run.log
    assert not Ward.objects.exclude(boundary=None).exists()


def test_a_dry_run_writes_nothing(wards):
    run = run_file(GOOD, dry_run=True)
    assert run.status == ImportRun.Status.SUCCEEDED, run.log
    assert run.updated == 1 and "Dry run, nothing was changed" in run.log
    assert not Ward.objects.exclude(boundary=None).exists()
    assert not AuditEvent.objects.filter(action="ward_boundaries_upsert").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (json.dumps({"type": "Feature", "geometry": None}).encode(), "The file must be a GeoJSON FeatureCollection"),
        (json.dumps([{"WD24CD": "E05000201"}]).encode(), "The file must be a GeoJSON FeatureCollection"),
        (json.dumps({"type": "FeatureCollection", "features": {}}).encode(), "The file must be a GeoJSON FeatureCollection"),
        (json.dumps({"features": [feature("E05000201")], "type": "Topology"}).encode(), "The file must be a GeoJSON FeatureCollection"),
        (b"WD24CD,WD24NM\nE05000201,Riverside\n", "The file is not GeoJSON: it could not be read as JSON"),
        (GOOD[: len(GOOD) // 2], "The file is not GeoJSON: it could not be read as JSON"),
        (collection(), "The FeatureCollection has no features."),
        (collection(feature("E05999999")), "None of the file's 1 features is for one of the council's wards. Check that the file covers the council's area."),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused_clearly(wards, data, message):
    run = run_file(data)
    assert run.status == ImportRun.Status.FAILED
    assert message in run.log.split("\n", 1)[0] and "Nothing was changed." in run.log
    assert not Ward.objects.exclude(boundary=None).exists()


def test_a_refused_file_fails_on_the_command_line(wards, tmp_path):
    path = tmp_path / "wards.geojson"
    path.write_bytes(json.dumps({"type": "Feature"}).encode())
    with pytest.raises(CommandError, match="The import failed"):
        call_command("import_file", SOURCE, str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="takes no --column"):
        call_command("import_file", SOURCE, str(path), "--column", "Code=code", stdout=io.StringIO())


def test_the_features_in_the_file_are_the_progress_total(wards):
    run = run_file(GOOD)
    assert run.rows_total == run.rows_done == 2


@pytest.mark.parametrize("who", ["councillor", "investigator", "vcs", "staff"])
def test_only_those_who_run_imports_load_boundaries(users, wards, who):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_run_create(acting_user=users[who], source=SOURCE, filename="w.geojson", start=False)


def test_the_boundary_page_posts_the_files_of_this_source():
    from lightbulb.engagement.views.wards import BOUNDARIES_SOURCE
    from lightbulb.imports.sources import get_source
    from lightbulb.imports.sources.boundaries import WardBoundaries

    assert get_source(BOUNDARIES_SOURCE) is WardBoundaries
