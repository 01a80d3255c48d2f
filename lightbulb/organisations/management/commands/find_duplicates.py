"""Find possible duplicate organisations now (the daily duty does it in the background), and say how long it took."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from lightbulb.organisations.duplicates import duplicate_candidates_refresh


class Command(BaseCommand):
    help = "Compare the whole register for possible duplicates and store them for the dashboard and review page."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        found = duplicate_candidates_refresh()
        self.stdout.write(f"{found:,} possible duplicate pairs found in {time.perf_counter() - started:.1f} s.")
