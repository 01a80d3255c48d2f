"""`manage.py run_scheduler`: start the daily duties once a day at settings.DAILY_DUTIES_AT."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lightbulb.core import scheduler


class Command(BaseCommand):
    help = "Run the daily duties (digests, date-driven checks) once a day at DAILY_DUTIES_AT local time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Start the duties that are due now, then exit (for cron).")
        parser.add_argument("--interval", type=int, default=scheduler.CHECK_EVERY_SECONDS, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            started = scheduler.run_due_duties()
            self.stdout.write("Started: " + (", ".join(started) if started else "nothing due"))
            return
        at = scheduler.duties_time()
        self.stdout.write(f"Scheduler running: daily duties at {at:%H:%M} local time. Press Ctrl-C to stop.")
        try:
            scheduler.run_forever(interval=max(1, options["interval"]))
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")
