"""Background tasks of the register: finding possible duplicates over the whole register."""

from __future__ import annotations

from django_tasks import task


@task()
def find_duplicates() -> int:
    """Compare the whole register and store the possible duplicates the dashboard and review page show."""
    from lightbulb.organisations.duplicates import duplicate_candidates_refresh

    return duplicate_candidates_refresh()


def duplicates_enqueue() -> None:
    """The daily duty: hand duplicate detection to the background worker."""
    find_duplicates.enqueue()
