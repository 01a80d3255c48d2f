"""Two reports at the same moment get different references, and the access log's chain stays whole (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from lightbulb.concerns.chain import access_log_verify
from lightbulb.concerns.models import Concern
from lightbulb.concerns.services import concern_report_public

REPORT = {"category": "fraud", "subject_name": "Riverside Food Bank", "description": "Invoices for sessions that never ran", "anonymous": True}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reports_at_the_same_moment_get_their_own_reference_and_a_whole_chain():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    concern_report_public(answers=REPORT)  # the settings row exists before the race
    barrier = threading.Barrier(3)
    errors: list[str] = []

    def report() -> None:
        try:
            barrier.wait(timeout=10)
            concern_report_public(answers=REPORT)
        except Exception as error:  # noqa: BLE001 - reported to the main thread's assertion
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    references = list(Concern.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 4
    report = access_log_verify()
    assert report.intact and report.entries == 4
