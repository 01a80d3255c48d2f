"""The list of import runs: its queries do not grow with the runs it lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.imports.models import ImportRun
from tests.factories import UserFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db

STATUSES = [ImportRun.Status.SUCCEEDED, ImportRun.Status.FAILED, ImportRun.Status.RUNNING, ImportRun.Status.QUEUED, ImportRun.Status.MAPPING]


def _runs(count: int, start: int) -> None:
    """Runs by different people, from known and unknown sources, each with rows it could not use."""
    for number in range(start, start + count):
        ImportRun.objects.create(
            source="ons-postcodes" if number % 3 else "no-longer-known",
            filename=f"lookup-{number}.csv",
            started_by=UserFactory() if number % 2 else None,
            status=STATUSES[number % len(STATUSES)],
            dry_run=number % 4 == 0,
            created=number,
            updated=1,
            rejected=2,
            rejected_rows=[{"row": row, "reason": "No such postcode", "data": {"pcds": f"ZZ{row} 9ZZ"}} for row in (2, 3)],
            log=f"Run {number}\nChecked every row",
        )


def test_the_run_list_queries_do_not_grow_with_the_runs(client_for):
    client = client_for("officer")
    _runs(2, 0)

    assert_queries_independent_of_size(client, reverse("imports:run_list"), lambda: _runs(28, 2))

    assert ImportRun.objects.count() == 30
    assert "30 imports" in visible_text(client.get(reverse("imports:run_list")).content)
