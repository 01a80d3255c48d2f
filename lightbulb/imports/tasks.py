"""Background tasks: an import runs in the worker (`manage.py db_worker`), not in the web request."""

from __future__ import annotations

from django_tasks import task


@task()
def import_run_task(run_id: int) -> None:
    from lightbulb.imports.runner import import_run_execute

    import_run_execute(run_id=run_id)
