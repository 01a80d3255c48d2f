"""The scheduler starts each daily duty once a day, at the set time, however many schedulers run."""

from __future__ import annotations

import datetime
import threading
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections

from lightbulb.core import scheduler
from lightbulb.core.models import DutyRun
from lightbulb.core.registry import registry

LONDON = datetime.timezone(datetime.timedelta(hours=1))  # British Summer Time in June


@pytest.fixture
def counted(monkeypatch):
    """Replace the registered duties with one that counts its runs."""
    runs: list[str] = []
    monkeypatch.setattr(registry, "daily_duties", {"count": lambda: runs.append("ran")})
    return runs


@pytest.mark.django_db
def test_runs_once_a_day_even_when_called_twice(counted, settings):
    settings.DAILY_DUTIES_AT = "07:00"
    with time_machine.travel(datetime.datetime(2025, 6, 2, 7, 5, tzinfo=LONDON), tick=False):
        assert scheduler.run_due_duties() == ["count"]
        assert scheduler.run_due_duties() == []
    assert counted == ["ran"]
    assert DutyRun.objects.get().day == datetime.date(2025, 6, 2)
    with time_machine.travel(datetime.datetime(2025, 6, 3, 7, 0, tzinfo=LONDON), tick=False):
        assert scheduler.run_due_duties() == ["count"]
    assert counted == ["ran", "ran"]


@pytest.mark.django_db
def test_nothing_runs_before_the_time_of_day(counted, settings):
    settings.DAILY_DUTIES_AT = "07:00"
    with time_machine.travel(datetime.datetime(2025, 6, 2, 6, 59, tzinfo=LONDON), tick=False):
        assert scheduler.run_due_duties() == []
    assert counted == []
    assert not DutyRun.objects.exists()


@pytest.mark.django_db
def test_a_scheduler_started_late_catches_up_the_same_day(counted, settings):
    settings.DAILY_DUTIES_AT = "07:00"
    with time_machine.travel(datetime.datetime(2025, 6, 2, 23, 30, tzinfo=LONDON), tick=False):
        assert scheduler.run_due_duties() == ["count"]


@pytest.mark.django_db
def test_a_failing_duty_does_not_stop_the_others(monkeypatch, settings):
    settings.DAILY_DUTIES_AT = "00:00"
    runs = []

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(registry, "daily_duties", {"broken": broken, "fine": lambda: runs.append("fine")})
    assert scheduler.run_due_duties() == ["fine"]
    assert runs == ["fine"]


@pytest.mark.django_db
def test_once_command_and_run_daily_duties_command(counted, settings):
    settings.DAILY_DUTIES_AT = "00:00"
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    call_command("run_scheduler", "--once", stdout=out)
    assert counted == ["ran"]
    assert "Started: count" in out.getvalue()
    assert "nothing due" in out.getvalue()
    # An administrator may run everything now, whatever has run.
    call_command("run_daily_duties", stdout=out)
    assert counted == ["ran", "ran"]


@pytest.mark.django_db
def test_the_loop_checks_then_sleeps(counted, settings):
    settings.DAILY_DUTIES_AT = "00:00"
    sleeps = []
    scheduler.run_forever(interval=60, sleep=sleeps.append, cycles=3)
    assert counted == ["ran"]
    assert sleeps == [60, 60, 60]


@pytest.mark.parametrize("value", ["7am", "25:00", "", "07-00"])
def test_a_bad_time_setting_fails_at_start_up(settings, value):
    settings.DAILY_DUTIES_AT = value
    if value == "":
        assert scheduler.duties_time() == datetime.time(7, 0)
        return
    with pytest.raises(ImproperlyConfigured, match="DAILY_DUTIES_AT"):
        scheduler.duties_time()


@pytest.mark.django_db
def test_the_digest_is_registered():
    assert "digest" in registry.daily_duties


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two concurrent connections need a server database")
def test_two_schedulers_at_once_run_the_duty_once(counted, settings):
    settings.DAILY_DUTIES_AT = "00:00"
    barrier = threading.Barrier(2)
    results: list[list[str]] = []

    def one_scheduler():
        try:
            barrier.wait()
            results.append(scheduler.run_due_duties())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [[], ["count"]]
    assert counted == ["ran"]
    assert DutyRun.objects.count() == 1
