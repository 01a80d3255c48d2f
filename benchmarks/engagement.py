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

import run  # benchmarks/run.py: the database, seeding and page measuring this shares


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


def show(label: str, value: str, target: str) -> None:
    print(f"{label:<26} {value:<64} {target}", flush=True)


def flag_figures() -> None:
    from lightbulb.engagement.flags.engine import flags_refresh

    started = time.perf_counter()
    counts = flags_refresh(None)
    full = time.perf_counter() - started
    show("All flags recomputed", f"{full:,.1f} s ({counts['raised']:,} raised, {counts['changed']:,} changed, {counts['resolved']:,} resolved)", "≤ 60 s")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organisation = run.busiest_organisation()
    with CaptureQueriesContext(connection) as captured:
        flags_refresh({organisation})
    one, one_worst = timed(lambda: flags_refresh({organisation}), 50)
    show("One organisation's flags", f"median {one:.1f} ms, worst {one_worst:.1f} ms, {len(captured.captured_queries)} queries (the busiest)", "≤ 50 ms")


def pdf_figures() -> None:
    import logging

    from lightbulb.engagement.pdf import pack_pdf

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    ward = busiest_ward()
    pdf, pdf_worst = timed(lambda: pack_pdf(ward), 5)
    show("Ward briefing PDF", f"median {pdf / 1000:.2f} s, worst {pdf_worst / 1000:.2f} s ({ward.name})", "≤ 1.5 s")


def page_figures(requests: int) -> None:
    client = councillor_client()
    for label, url_name, target in (
        ("Empty view (ceiling)", "core:healthz", "the stack's ceiling in this run"),
        ("Ward page (councillor)", "places:ward_detail", "p95 ≤ 150 ms"),
    ):
        result = run.measure_safely(client, run.Page(label, url_name, needs="ward" if "ward" in url_name else ""), requests)
        value = result.problem or f"p50 {result.p50:.1f} ms, p95 {result.p95:.1f} ms, {result.queries} queries"
        show(label, value, target)


def main() -> None:
    args = run.parse_args()
    base_url = os.environ.get("DATABASE_URL", run.DEFAULT_URL)
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL to a PostgreSQL server, e.g. " + run.DEFAULT_URL)
    run.prepare_database(base_url, args.database, drop=args.reseed)
    run.setup_django(run.database_url(base_url, args.database))
    from django.core.management import call_command
    from django.db import connection

    from lightbulb.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    state = run.seeded_at(args.scale)
    if state is False:
        # Another scale is loaded: start the dedicated database again.
        connection.close()
        run.prepare_database(base_url, args.database, drop=True)
        call_command("migrate", verbosity=0)
    if state is not True:
        run.seed(args.scale, args.seed)
    print()
    print(f"Listening and cross-referencing at {args.scale} scale: {Organisation.objects.count():,} organisations (PostgreSQL, in process)")
    flag_figures()
    pdf_figures()
    page_figures(args.requests)


if __name__ == "__main__":
    main()
