#!/usr/bin/env python
"""Listening and cross-referencing timings at a demo scale on PostgreSQL (ENGINEERING.md §5), beside an empty view's.

Uses `run.py`'s dedicated database and seeding (`lightbulb_bench` unless --database says
otherwise), then measures in this process, beside the empty view's p95 (the ceiling of the
same middleware stack on this machine in the same run):

- every organisation's flags recomputed set-based (the nightly duty): target ≤ 60 s for 400,000;
- one organisation's flags (after its records change): target ≤ 50 ms;
- the ward page as a councillor reads it: target p95 ≤ 150 ms;
- one ward's briefing pack PDF: target ≤ 1.5 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/engagement.py [--scale city] [--requests 200]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (benchmarks/run.py: the database, seeding and page measuring it shares)


def timed(call: Callable[[], Any], times: int) -> tuple[float, float]:
    """Median and worst wall time of `call`, in milliseconds."""
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def councillor_client() -> Any:
    from django.test import Client

    from lightbulb.accounts.models import User

    client = Client()
    client.force_login(User.objects.filter(role="councillor").order_by("pk").first())
    return client


def busiest_ward() -> Any:
    from django.db.models import Count

    from lightbulb.places.models import Ward

    return Ward.objects.annotate(n=Count("organisations_based")).order_by("-n", "pk").first()


def figures(requests: int) -> list[tuple[str, str, str]]:
    from lightbulb.engagement.flags.engine import flags_refresh
    from lightbulb.engagement.pdf import pack_pdf

    started = time.perf_counter()
    counts = flags_refresh(None)
    full = time.perf_counter() - started
    organisation = run.busiest_organisation()
    one, one_worst = timed(lambda: flags_refresh({organisation}), 20)
    ward = busiest_ward()
    pdf, pdf_worst = timed(lambda: pack_pdf(ward), 5)
    client = councillor_client()
    ceiling = run.measure(client, run.Page("Empty view (ceiling)", "core:healthz"), requests)
    page = run.measure(client, run.Page("Ward page", "places:ward_detail", needs="ward"), requests)
    return [
        ("Empty view (ceiling)", f"p50 {ceiling.p50:.1f} ms, p95 {ceiling.p95:.1f} ms", "the stack's ceiling in this run"),
        ("Ward page (councillor)", f"p50 {page.p50:.1f} ms, p95 {page.p95:.1f} ms, {page.queries} queries", "p95 ≤ 150 ms"),
        ("All flags recomputed", f"{full:,.1f} s ({counts['raised']:,} raised, {counts['changed']:,} changed, {counts['resolved']:,} resolved)", "≤ 60 s"),
        ("One organisation's flags", f"median {one:.1f} ms, worst {one_worst:.1f} ms", "≤ 50 ms"),
        ("Ward briefing PDF", f"median {pdf / 1000:.2f} s, worst {pdf_worst / 1000:.2f} s ({ward.name})", "≤ 1.5 s"),
    ]


def main() -> None:
    args = run.parse_args()
    base_url = os.environ.get("DATABASE_URL", run.DEFAULT_URL)
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL to a PostgreSQL server, e.g. " + run.DEFAULT_URL)
    run.prepare_database(base_url, args.database, drop=args.reseed)
    run.setup_django(run.database_url(base_url, args.database))
    from django.core.management import call_command

    from lightbulb.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    if run.seeded_at(args.scale) is not True:
        run.prepare_database(base_url, args.database, drop=True)
        call_command("migrate", verbosity=0)
        run.seed(args.scale, args.seed)
    print()
    print(f"Listening and cross-referencing at {args.scale} scale: {Organisation.objects.count():,} organisations (PostgreSQL, in process)")
    for label, value, target in figures(args.requests):
        print(f"{label:<26} {value:<64} {target}")


if __name__ == "__main__":
    main()
