#!/usr/bin/env python
"""Open data and the API at scale on PostgreSQL (ENGINEERING.md §5).

Uses `run.py`'s dedicated database and seeding (`lightbulb_bench` unless --database says
otherwise), tops the council's own grants up to --grants (unless asked: 1,000,000 at national
scale, which seeds 500,000 agreements; 100,000 at city scale; 10,000 for a council; the rest are
added as closed grants named BENCH-…, with one SQL statement), then measures:

- the 360Giving JSON package of every grant, streamed to a file: target ≤ 60 s for 1,000,000, flat memory (≤ 200 MB);
- the 360Giving CSV of the same grants: the same targets;
- an API page of 100 organisations (`/api/v1/organisations?limit=100`, with a token): target p95 ≤ 150 ms.

Each file is written by a fresh process, so its peak memory is the file's own; it prints the wall
time, the CPU time of the writing process (which the shared machine's load does not inflate), the
rate, and from it the time for 1,000,000 grants when fewer are measured.

Memory is the writing process's peak resident size (ru_maxrss), Django and all: a file built in
memory would add hundreds of megabytes; a streamed one adds next to nothing.

`make bench` runs this after the officer pages (`run.py`), at the same scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/opendata.py [--scale city] [--grants 100000] [--requests 200]
"""

from __future__ import annotations

import math
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # benchmarks/run.py: the database and seeding this shares


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def top_up_grants(target: int) -> int:
    """Add closed grants until the council has `target` published grants; returns how many it has."""
    from django.db import connection

    from lightbulb.funding.selectors import publishing

    have = publishing.published_count(kinds=publishing.GRANT_KINDS)
    missing = target - have
    if missing <= 0:
        return have
    print(f"Adding {missing:,} grants to the {have:,} seeded…", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO funding_agreement (reference, title, kind, organisation_id, accountable_officer_id, department, budget_line, purpose,
                amount, start_date, end_date, procurement_route, risk_level, payment_basis, reporting_every_months, status, recipient_is_vcse,
                recipient_is_sme, recipient_registration_number, full_cost_recovery, long_term_need, version, created_at, updated_at, archive_reason)
            SELECT 'BENCH-' || n, 'Benchmark grant ' || n, 'grant', orgs[1 + n %% array_length(orgs, 1)], officer, 'Communities', 'CC-BENCH',
                'Running community activities, grant ' || n, 500 + n %% 50000, date '2020-04-01' + (n %% 1500)::int, date '2021-03-31' + (n %% 1500)::int,
                'direct_grant', 'low', 'arrears', 3, 'closed', true, true, '', false, false, 1, now(), now(), ''
            FROM generate_series((SELECT count(*) FROM funding_agreement WHERE reference LIKE 'BENCH-%%') + 1,
                                 (SELECT count(*) FROM funding_agreement WHERE reference LIKE 'BENCH-%%') + %s) AS n,
                 (SELECT array_agg(id) AS orgs FROM (SELECT id FROM organisations_organisation ORDER BY id LIMIT 20000) AS o) AS a,
                 (SELECT id AS officer FROM accounts_user WHERE role = 'officer' ORDER BY id LIMIT 1) AS u
            """,
            [missing],
        )
        cursor.execute("ANALYZE funding_agreement")
    print(f"Added in {time.perf_counter() - started:.0f} s.", flush=True)
    return publishing.published_count(kinds=publishing.GRANT_KINDS)


def time_file(label: str, write: Any) -> None:
    """Write one file to /dev/null's like (a temporary file), timed; print rows, wall and CPU time, rate and peak memory."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="") as out:
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        rows = write(out)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        size = out.tell()
    rate = rows / seconds if seconds else 0
    million = 1_000_000 / rate if rate else 0
    print(
        f"{label:<28} {rows:>10,} rows  {seconds:>6.1f} s ({cpu_seconds:.1f} s of this process's CPU)  {rate:>8,.0f} grants/s  "
        f"→ 1,000,000 in {million:,.0f} s  {size / 1e6:>5.0f} MB written  peak memory {peak_mb():.0f} MB  (load average {load:.1f})",
        flush=True,
    )


def measure_file(which: str) -> None:
    """In a fresh process (so its peak memory is the file's alone, not the seeding's): write one file."""
    from lightbulb.opendata import threesixty

    if which == "json":
        time_file("360Giving JSON", threesixty.write_json)
    else:
        time_file("360Giving CSV", threesixty.write_csv)


def measure_in_child(which: str, url: str) -> None:
    import subprocess

    subprocess.run([sys.executable, __file__, "--measure", which, "--database-url", url], check=True)


def api_page(requests: int) -> None:
    from django.test import Client

    from lightbulb.accounts.models import User
    from lightbulb.api import services

    admin = User.objects.filter(role="admin").order_by("pk").first()
    _token, raw = services.api_token_issue(acting_user=admin, name="Benchmark", scopes=["register"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    url = "/api/v1/organisations?limit=100"
    # Far above the timed requests, so the rate limit never answers instead.
    from django.conf import settings

    settings.API_RATE_PER_MINUTE = 10**9
    for _ in range(5):
        assert client.get(url).status_code == 200
    timings = []
    cursor = None
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""))
        timings.append((time.perf_counter() - started) * 1000)
        cursor = response.json()["next_cursor"]
    timings.sort()
    p95 = timings[max(math.ceil(len(timings) * 0.95) - 1, 0)]  # nearest rank, as run.py
    print(f"{'API page of 100 organisations':<28} p50 {statistics.median(timings):.1f} ms  p95 {p95:.1f} ms over {requests} requests (target p95 ≤ 150 ms)")


DEFAULT_GRANTS = {"council": 10_000, "city": 100_000, "national": 1_000_000}


def main() -> None:
    if "--measure" in sys.argv:
        # A child started by measure_in_child: the database is ready.
        run.setup_django(sys.argv[sys.argv.index("--database-url") + 1])
        measure_file(sys.argv[sys.argv.index("--measure") + 1])
        return
    sys_args = sys.argv[1:]
    grants = None
    if "--grants" in sys_args:
        index = sys_args.index("--grants")
        grants = int(sys_args[index + 1])
        del sys.argv[index + 1 : index + 3]  # run.parse_args() reads the rest
    args = run.parse_args()
    grants = grants or DEFAULT_GRANTS[args.scale]
    base_url = os.environ.get("DATABASE_URL", run.DEFAULT_URL)
    if not base_url.startswith("postgres"):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL to a PostgreSQL server, e.g. " + run.DEFAULT_URL)
    run.prepare_database(base_url, args.database, drop=args.reseed)
    url = run.database_url(base_url, args.database)
    run.setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    state = run.seeded_at(args.scale)
    if state is not True:
        if state is False:
            run.prepare_database(base_url, args.database, drop=True)
            run.setup_django(url)
        run.seed(args.scale, args.seed)
    count = top_up_grants(grants)
    print(
        f"Open data at {args.scale} scale with {count:,} published grants (PostgreSQL, each file written by a fresh process); "
        "targets: 1,000,000 grants ≤ 60 s and ≤ 200 MB each",
        flush=True,
    )
    measure_in_child("json", url)
    measure_in_child("csv", url)
    api_page(args.requests)


if __name__ == "__main__":
    main()
