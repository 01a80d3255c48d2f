"""Objects for the imports routes: a run waiting for its columns to be confirmed."""

from __future__ import annotations

from tests.security.world import BUILDERS, World


def _import_objects(world: World) -> None:
    from django.core.files.base import ContentFile

    from lightbulb.imports.models import ImportRun

    run = ImportRun(source="wards", filename="wards.csv", status=ImportRun.Status.MAPPING)
    run.upload.save("wards.csv", ContentFile(b"Ward Code,Ward Name\nE05000001,Riverside\n"), save=False)
    run.save()
    world.extra["mapping_run"] = run


BUILDERS.append(_import_objects)
