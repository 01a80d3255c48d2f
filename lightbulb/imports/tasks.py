"""Background tasks: an import runs in the worker (`manage.py db_worker`), not in the web request."""

from __future__ import annotations

from django_tasks import task

from lightbulb.core.rules import SystemActor

SWEEP_ACTOR = SystemActor(label="Import runner")


@task()
def import_run_task(run_id: int) -> None:
    from lightbulb.imports.runner import import_run_execute
    from lightbulb.imports.services import import_runs_sweep

    # A worker that was killed or restarted left its run 'running': the next import it picks up says so first.
    import_runs_sweep(acting_user=SWEEP_ACTOR)
    import_run_execute(run_id=run_id)


@task()
def sweep_abandoned_runs() -> int:
    from lightbulb.imports.services import import_runs_sweep

    return import_runs_sweep(acting_user=SWEEP_ACTOR)


def sweep_daily_enqueue() -> None:
    """The daily duty: runs whose worker died are marked failed (nothing they did was kept)."""
    sweep_abandoned_runs.enqueue()
