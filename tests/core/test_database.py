"""A web process's connections to PostgreSQL never start parallel query workers (lightbulb.core.database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from lightbulb.core import database

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")]


def workers_per_gather() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return cursor.fetchone()[0]


@pytest.fixture
def pages_setting() -> Iterator[None]:
    yield
    connection_created.disconnect(dispatch_uid=database.DISPATCH_UID)
    with connection.cursor() as cursor:
        cursor.execute("RESET max_parallel_workers_per_gather")


def test_the_open_connection_and_every_later_one_turn_parallel_query_off(pages_setting: None) -> None:
    connection.ensure_connection()
    assert workers_per_gather() != "0"
    database.pages_without_parallel_query()
    assert workers_per_gather() == "0"
    connection.close()
    connection.ensure_connection()
    assert workers_per_gather() == "0"


def test_other_processes_keep_parallel_query() -> None:
    connection.close()
    connection.ensure_connection()
    assert workers_per_gather() != "0"
