"""`manage.py run_daily_duties`: start every daily duty now (for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lightbulb.core import scheduler


class Command(BaseCommand):
    help = "Start every daily duty now, whatever the time, and record today's run."

    def handle(self, *args: Any, **options: Any) -> None:
        started = scheduler.run_all_duties_now()
        self.stdout.write("Started: " + (", ".join(started) if started else "nothing"))
