"""A worker killed in the middle of an import leaves nothing half-written, and its run is marked failed by the sweep."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.models import CharityRecord, ImportRun
from lightbulb.imports.runner import import_run_execute

ROOT = Path(__file__).resolve().parents[2]
ACTOR = SystemActor(label="Test import")
WORKER = (
    "import sys, django; django.setup();"
    "from pathlib import Path; from lightbulb.core.rules import SystemActor; from lightbulb.imports.runner import import_run_execute;"
    "import_run_execute(run_id=int(sys.argv[1]), path=Path(sys.argv[2]), acting_user=SystemActor(label='Worker'))"
)


def _extract(path: Path, count: int, *, income: float) -> None:
    with path.open("w") as handle:
        handle.write("[")
        for number in range(1, count + 1):
            row = {"registered_charity_number": 1_000_000 + number, "linked_charity_number": 0, "charity_name": f"CHARITY {number}"}
            handle.write(("," if number > 1 else "") + json.dumps({**row, "latest_income": income, "date_of_registration": "2019-05-15T00:00:00"}))
        handle.write("]")


def _database_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_half_written_and_the_sweep_marks_its_run(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("The worker runs in another process, which needs a database server both can reach (PostgreSQL)")
    first = tmp_path / "november.json"
    _extract(first, 3, income=100.0)
    earlier = services.import_run_create(acting_user=ACTOR, source="charity-register", filename=first.name, start=False)
    import_run_execute(run=earlier, path=first, acting_user=ACTOR)
    before = list(CharityRecord.objects.order_by("pk").values())
    # Next month: every charity's income changed and many more charities, big enough to be killed while it is read.
    second = tmp_path / "december.json"
    _extract(second, 300_000, income=200.0)
    run = services.import_run_create(acting_user=ACTOR, source="charity-register", filename=second.name, start=False)
    environment = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(run.pk), str(second)], cwd=ROOT, env=environment)
    try:
        # The progress bar moving is the sign the worker is in the middle of reading the file.
        moving = _wait(lambda: ImportRun.objects.filter(pk=run.pk, rows_done__gt=0).exists(), 60)
        assert moving, "the worker never reported progress"
    finally:
        worker.kill()
        worker.wait()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING, "the worker finished before it was killed"
    assert 0 < run.rows_done < 300_000 and run.rows_total > run.rows_done
    assert list(CharityRecord.objects.order_by("pk").values()) == before
    # The killed worker's connection is gone once the server notices; the sweep then marks its run.
    assert _wait(lambda: services.import_runs_sweep(acting_user=ACTOR) == 1, 30)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.log == services.ABANDONED_SUMMARY
    assert (run.created, run.updated, run.unchanged) == (0, 0, 0)
    assert list(CharityRecord.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_the_sweep_leaves_finished_runs_and_a_live_worker_alone(settings):
    finished = ImportRun.objects.create(source="wards", status=ImportRun.Status.SUCCEEDED)
    quiet = ImportRun.objects.create(source="wards", status=ImportRun.Status.RUNNING, heartbeat_at=timezone.now() - datetime.timedelta(hours=2))
    services.import_run_mark_running(acting_user=ACTOR, run=(live := ImportRun.objects.create(source="wards")))
    # On PostgreSQL a live worker holds its run's lock; elsewhere it has reported in recently.
    assert services.import_runs_sweep(acting_user=ACTOR) == 1
    quiet.refresh_from_db()
    live.refresh_from_db()
    finished.refresh_from_db()
    assert quiet.status == ImportRun.Status.FAILED and quiet.log == services.ABANDONED_SUMMARY
    assert live.status == ImportRun.Status.RUNNING
    assert finished.status == ImportRun.Status.SUCCEEDED
