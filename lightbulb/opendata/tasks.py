"""Background generation of the open-data files: after the data behind them changes, and once a day."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from lightbulb.opendata import generation

# Changes within this many seconds of each other are published together, by one generation.
SETTLE_SECONDS = 60
QUEUED_KEY = "opendata:generation-queued"


@task()
def generate_open_data() -> int:
    """Generate every open-data file; returns how many files were written."""
    return len(generation.files_generate())


def generation_enqueue() -> None:
    """The daily duty: regenerate every file in the background."""
    generate_open_data.enqueue()


def generation_after_change() -> None:
    """Data behind the files changed: mark them out of date and generate them once things settle.

    Many changes in a row (an import, a busy morning) give one generation a minute later, not one
    each. A backend that cannot wait (the tests' immediate one) leaves the files marked out of date
    for the daily duty or the next change.
    """
    generation.files_mark_stale()
    if not default_task_backend.supports_defer:
        return
    if not cache.add(QUEUED_KEY, True, timeout=SETTLE_SECONDS):
        return
    enqueue_later(timezone.now() + datetime.timedelta(seconds=SETTLE_SECONDS))


def enqueue_later(run_after: datetime.datetime) -> None:
    generate_open_data.using(run_after=run_after).enqueue()
