#!/usr/bin/env python
"""Downloading the whole register as CSV and XLSX through the background mechanism (core.exports), on PostgreSQL.

Creates its own database beside the one DATABASE_URL names (`h_exports_bench` unless --database
says otherwise), migrates it, fills it with --organisations organisations (each with a charity
number and an area of work, added with bulk inserts; 100,000 unless asked), then, in a fresh
process for each format, runs the worker's task `export_write` for an officer's download of the
register with no filter, as the worker would. It prints the wall time, the CPU time of the
writing process (which the shared machine's load does not inflate), the rate, the file's size
and the process's peak resident memory (ru_maxrss, Django and all): the rows are iterated in
chunks of 2,000 and the workbook is write-only, so memory stays flat whatever the number of rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/exports.py [--organisations 100000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # benchmarks/run.py: creating the database and setting Django up


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(count: int) -> None:
    """Organisations up to `count`, each with an identifier and an area of work, and an officer to ask for the download."""
    from django.core.management import call_command

    from lightbulb.accounts.models import User
    from lightbulb.core.roles import Role
    from lightbulb.organisations.models import AreaOfWork, Organisation, OrganisationIdentifier

    call_command("migrate", verbosity=0)
    User.objects.get_or_create(email="bench.officer@example.org", defaults={"role": Role.OFFICER, "full_name": "Bench Officer"})
    have = Organisation.objects.count()
    if have >= count:
        return
    started = time.perf_counter()
    area, _ = AreaOfWork.objects.get_or_create(name="Food")
    through = Organisation.areas_of_work.through
    for start in range(have, count, 5000):
        batch = Organisation.objects.bulk_create(
            [
                Organisation(name=f"Bench organisation {n:07d}", postcode="AT1 1AA", address=f"{n} High Street\nAnytown")
                for n in range(start, min(count, start + 5000))
            ]
        )
        OrganisationIdentifier.objects.bulk_create([OrganisationIdentifier(organisation=o, scheme="GB-CHC", value=str(2000000 + o.pk)) for o in batch])
        through.objects.bulk_create([through(organisation_id=o.pk, areaofwork_id=area.pk) for o in batch])
    print(f"Added {count - have:,} organisations in {time.perf_counter() - started:.0f} s", flush=True)


def measure(fmt: str) -> None:
    """In a fresh process: one officer's download of the whole register, written by the worker's task."""
    from lightbulb.accounts.models import User
    from lightbulb.core.exports import export_write
    from lightbulb.core.models import ExportJob

    officer = User.objects.get(email="bench.officer@example.org")
    job = ExportJob.objects.create(requested_by=officer, list_name="organisations", title="Organisations", query="", format=fmt)
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    export_write.call(job.pk)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    job.refresh_from_db()
    assert job.status == "done", job.error
    size = job.file.size
    rate = job.rows_done / seconds if seconds else 0
    print(
        f"{fmt.upper():<5} {job.rows_done:>9,} rows  {seconds:>6.1f} s ({cpu_seconds:.1f} s of this process's CPU)  {rate:>7,.0f} rows/s  "
        f"{size / 1e6:>5.1f} MB  peak memory {peak_mb():.0f} MB  (load average {load:.1f})",
        flush=True,
    )
    job.file.delete(save=False)


def main() -> None:
    if "--measure" in sys.argv:
        run.setup_django(sys.argv[sys.argv.index("--database-url") + 1])
        measure(sys.argv[sys.argv.index("--measure") + 1])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--database", default="h_exports_bench")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", run.DEFAULT_URL)
    if not base_url.startswith("postgres"):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL to a PostgreSQL server, e.g. " + run.DEFAULT_URL)
    run.prepare_database(base_url, args.database, drop=False)
    url = run.database_url(base_url, args.database)
    run.setup_django(url)
    fill(args.organisations)
    import subprocess

    media = tempfile.mkdtemp(prefix="lightbulb-bench-media-")
    for fmt in ("csv", "xlsx"):
        subprocess.run([sys.executable, __file__, "--measure", fmt, "--database-url", url], check=True, env=os.environ | {"MEDIA_ROOT": media})


if __name__ == "__main__":
    main()
