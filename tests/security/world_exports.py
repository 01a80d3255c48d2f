"""Objects for the downloads' rows: a finished export of the ward list, asked for by the officer."""

from __future__ import annotations

from django.core.files.base import ContentFile

from lightbulb.core.models import ExportJob
from tests.security.world import BUILDERS


def _export_objects(world) -> None:
    job = ExportJob(requested_by=world.users["officer"], list_name="wards", title="Wards", format="csv", status="done", rows_total=1, rows_done=1)
    job.file.save("matrix-wards.csv", ContentFile(b"\xef\xbb\xbfWard\r\nMatrix\r\n"), save=False)
    job.save()
    world.extra["export_job"] = job


BUILDERS.append(_export_objects)
