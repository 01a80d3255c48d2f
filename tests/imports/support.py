"""Running an import in a test: a file through the runner as the system, and a workbook made in memory."""

from __future__ import annotations

import io

from openpyxl import Workbook

from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.models import ImportRun
from lightbulb.imports.runner import import_run_execute


def run_file(data: bytes, source: str = "suppliers", filename: str = "suppliers.csv") -> ImportRun:
    """Import `data` as `source` at once (no worker), as the system would."""
    actor = SystemActor(label="Test import")
    run = services.import_run_create(acting_user=actor, source=source, filename=filename, start=False)
    return import_run_execute(run=run, data=data, acting_user=actor)


def workbook(rows: list[list[object]]) -> bytes:
    """An XLSX file of one sheet holding `rows`."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
