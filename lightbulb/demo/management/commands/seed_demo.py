"""`manage.py seed_demo`: load the Anytown demo council (PRODUCT.md §4)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lightbulb.demo import generator


class Command(BaseCommand):
    help = "Load the deterministic Anytown demo council. The city and national scales are for benchmarks."

    def add_arguments(self, parser: ArgumentParser) -> None:
        # "tiny" is accepted for the test suite but not advertised.
        parser.add_argument("--scale", choices=list(generator.SCALES), default="council", metavar="{" + ",".join(generator.PUBLIC_SCALES) + "}")
        parser.add_argument("--seed", type=int, default=2026, help="The same seed always gives the same council (default 2026)")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the demo council is already loaded")

    def handle(self, *args: Any, scale: str, seed: int, if_empty: bool, **options: Any) -> None:
        if settings.PRODUCTION:
            # Invented people with a published password must never reach a council's real register.
            raise CommandError("seed_demo loads invented organisations and demo sign-ins: it refuses to run under production settings.")
        if generator.demo_council_exists():
            if if_empty:
                self.stdout.write("The Anytown demo council is already loaded: nothing to do.")
                return
            raise CommandError("The Anytown demo council is already loaded. Start from an empty database, or pass --if-empty.")
        started = time.monotonic()
        self.stdout.write(f"Loading the Anytown demo council at {scale} scale (seed {seed})…")
        ctx = generator.generate(scale, seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(ctx.wards):,} wards and {ctx.scale.organisations:,} organisations in {time.monotonic() - started:.1f} s. "
                "`manage.py demo_signins` lists the demo sign-ins."
            )
        )
