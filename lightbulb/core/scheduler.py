"""Daily duties, run once a day at a set time, whatever the number of schedulers.

Modules register their date-driven duties in `registry.daily_duties` (a duty
usually just enqueues a background task, so the scheduler itself stays quick).
`manage.py run_scheduler` wakes every minute or so and, once the local time
has passed `settings.DAILY_DUTIES_AT`, starts each duty that has not yet run
today. The claim is an insert into `DutyRun` with a unique (name, day): a
second scheduler (another server, or a restart) loses the insert and skips it.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from lightbulb.core.models import DutyRun
from lightbulb.core.registry import registry

logger = logging.getLogger(__name__)

DEFAULT_AT = "07:00"
CHECK_EVERY_SECONDS = 60


def duties_time() -> datetime.time:
    """The local time of day the duties run, from settings.DAILY_DUTIES_AT ("HH:MM")."""
    raw = str(getattr(settings, "DAILY_DUTIES_AT", DEFAULT_AT) or DEFAULT_AT)
    try:
        return datetime.datetime.strptime(raw.strip(), "%H:%M").time()
    except ValueError as exc:
        raise ImproperlyConfigured(f"DAILY_DUTIES_AT must be a time such as 07:00, not {raw!r}") from exc


def duty_claim(*, name: str, day: datetime.date) -> bool:
    """Record that `name` runs on `day`; False if it already has (here or in another process)."""
    try:
        with transaction.atomic():
            DutyRun.objects.create(name=name, day=day)
    except IntegrityError:
        return False
    return True


def _run(name: str, duty: Callable[[], object]) -> bool:
    try:
        duty()
    except Exception:  # one failing duty must not stop the others
        logger.exception("Daily duty %s failed", name)
        return False
    logger.info("Daily duty %s started", name)
    return True


def run_due_duties(*, now: datetime.datetime | None = None, ignore_time: bool = False) -> list[str]:
    """Start every duty not yet run today, if the time of day has come. Returns the names started."""
    local = timezone.localtime(now or timezone.now())
    if not ignore_time and local.time() < duties_time():
        return []
    started = []
    for name, duty in list(registry.daily_duties.items()):
        if duty_claim(name=name, day=local.date()) and _run(name, duty):
            started.append(name)
    return started


def run_all_duties_now() -> list[str]:
    """Start every duty now (for cron or an administrator), recording the day so a scheduler does not repeat it."""
    day = timezone.localdate()
    started = []
    for name, duty in list(registry.daily_duties.items()):
        duty_claim(name=name, day=day)
        if _run(name, duty):
            started.append(name)
    return started


def run_forever(*, interval: int = CHECK_EVERY_SECONDS, sleep: Callable[[float], None] = time.sleep, cycles: int | None = None) -> None:
    """Check for due duties every `interval` seconds (`cycles` bounds the loop for tests)."""
    duties_time()  # fail at start-up on a bad setting, not at 7 in the morning
    done = 0
    while cycles is None or done < cycles:
        run_due_duties()
        done += 1
        sleep(interval)
