"""How the web processes use PostgreSQL: without parallel query (`pages_without_parallel_query`, called by config/wsgi.py)."""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.backends.signals import connection_created

DISPATCH_UID = "lightbulb-pages-without-parallel-query"


def _parallel_off(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")


def pages_without_parallel_query() -> None:
    """Turn PostgreSQL's parallel query off on this process's connections, now and later: a web process's.

    A page's queries read a few rows along an index. At national scale the planner sometimes misjudges
    a filter (an officer's overdue returns: 45,000 expected, 36 there) and starts two parallel workers,
    whose start-up cost 7 ms of a 1 ms query; and on a few cores shared by many requests, a worker only
    takes a core from another request. The background worker keeps parallel query for its whole-table
    jobs (duplicate detection, flags, open data), as do management commands.
    """
    connection_created.connect(_parallel_off, dispatch_uid=DISPATCH_UID)
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _parallel_off(sender=type(connection), connection=connection)
