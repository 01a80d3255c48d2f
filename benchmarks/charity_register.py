#!/usr/bin/env python
"""The Charity Commission register extract import at national scale, beside PostgreSQL's COPY ceiling (ENGINEERING.md §5).

Generates its own extract in the register's shape (seeded: about 45% removed charities, 5%
linked subsidiaries, many nulls, dates as 2019-05-15T00:00:00), into a dedicated database
(`lightbulb_bench_register` next to the one DATABASE_URL names, unless --database says
otherwise), then measures in one run:

1. the ceiling: `COPY` of the same rows, from tab-separated text, into a table of the same shape;
2. a plain Django loader of the same extract for comparison (register_bulk_create.py: ijson, model
   instances, `bulk_create` in 10,000-row batches, into a scratch table of the same shape);
3. the import end to end (`manage.py import_file charity-register`: parse, check, stage, upsert,
   enrich the organisations already on the register), in its own process for its peak memory;
4. the next month's extract with nothing changed but `date_of_extract`: it must write nothing;
5. the month after, with one charity in fifty reporting a new income: staged, compared and updated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/charity_register.py [--rows 400000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
WORDS = "community food bank trust youth centre arts hall village friends church school parish care carers advice age music sports club".split()
FIELDS = [
    "date_of_extract",
    "organisation_number",
    "registered_charity_number",
    "linked_charity_number",
    "charity_name",
    "charity_type",
    "charity_registration_status",
    "date_of_registration",
    "date_of_removal",
    "charity_reporting_status",
    "latest_acc_fin_period_end_date",
    "latest_income",
    "latest_expenditure",
    "charity_contact_postcode",
    "charity_company_registration_number",
    "charity_is_cio",
    "cio_is_dissolved",
    "charity_insolvent",
    "charity_in_administration",
    "charity_activities",
]


def _date(rng: random.Random, start: int, end: int) -> str:
    return f"{rng.randint(start, end)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00"


def charity_rows(count: int, seed: int, extract_date: str) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    number = 200000
    while len(rows) < count:
        number += rng.randint(1, 3)
        removed = rng.random() < 0.45
        income = None if rng.random() < 0.2 else round(rng.lognormvariate(10, 2), 2)
        main = {
            "date_of_extract": extract_date,
            "organisation_number": len(rows) + 1,
            "registered_charity_number": number,
            "linked_charity_number": 0,
            "charity_name": " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))).upper(),
            "charity_type": rng.choice(["Trust", "CIO", "Charitable company", "Other", None]),
            "charity_registration_status": "Removed" if removed else "Registered",
            "date_of_registration": _date(rng, 1962, 2025),
            "date_of_removal": _date(rng, 1990, 2025) if removed else None,
            "charity_reporting_status": None if removed else rng.choice(["Submission Received", "Submission Overdue", "Double Default"]),
            "latest_acc_fin_period_end_date": None if removed else _date(rng, 2020, 2025),
            "latest_income": income,
            "latest_expenditure": None if income is None else round(income * rng.uniform(0.6, 1.2), 2),
            "charity_contact_postcode": None
            if rng.random() < 0.3
            else f"AT{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}",
            "charity_company_registration_number": f"{rng.randint(1, 99999999):08d}" if rng.random() < 0.2 else None,
            "charity_is_cio": rng.random() < 0.25,
            "cio_is_dissolved": False,
            "charity_insolvent": rng.random() < 0.001,
            "charity_in_administration": rng.random() < 0.001,
            "charity_activities": None if rng.random() < 0.3 else "The charity provides " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30))),
        }
        rows.append(main)
        if rng.random() < 0.05 and len(rows) < count:
            rows.append(
                {
                    **main,
                    "organisation_number": len(rows) + 1,
                    "linked_charity_number": rng.randint(1, 20),
                    "charity_name": main["charity_name"] + " SUBSIDIARY",
                }
            )
    return rows


def _tsv_value(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def copy_ceiling(url: str, tsv: Path, rows: int) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_copy")
        connection.execute("CREATE TABLE bench_copy (LIKE imports_charityrecord INCLUDING ALL)")
        columns = "registered_charity_number, linked_charity_number, charity_name, charity_type, charity_registration_status, date_of_registration, date_of_removal, charity_reporting_status, latest_acc_fin_period_end_date, latest_income, latest_expenditure, charity_contact_postcode, charity_company_registration_number, charity_is_cio, cio_is_dissolved, charity_insolvent, charity_in_administration, charity_activities, date_of_extract, row_hash, raw_hash"
        started = time.perf_counter()
        with connection.cursor() as cursor, cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN") as copy, tsv.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE bench_copy")
    return rows / elapsed


def write_files(rows: list[dict[str, object]], directory: Path, name: str) -> tuple[Path, Path]:
    path = directory / f"{name}.json"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("\ufeff[")
        for index, row in enumerate(rows):
            handle.write(("," if index else "") + json.dumps(row))
        handle.write("]")
    tsv = directory / f"{name}.tsv"
    order = [f for f in FIELDS if f not in ("date_of_extract", "organisation_number")]
    with tsv.open("w", encoding="utf-8") as handle:
        for row in rows:
            values = [row[f] for f in order]
            # linked 0 for main charities; the name NOT NULL text; blank texts as ''.
            cells = [
                _tsv_value(
                    v
                    if v is not None
                    or f
                    not in ("charity_type", "charity_reporting_status", "charity_contact_postcode", "charity_company_registration_number", "charity_activities")
                    else ""
                )
                for f, v in zip(order, values, strict=True)
            ]
            handle.write("\t".join([*cells, _tsv_value(str(row["date_of_extract"])[:10]), "0" * 32, "0" * 40]) + "\n")
    return path, tsv


def timed_import(url: str, path: Path) -> tuple[float, float, str, float]:
    """Seconds, peak memory (MB), the summary line of `manage.py import_file` and the CPU seconds its own process used, in its own process."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    # The peak is the process's own high-water mark (VmHWM): ru_maxrss would also count the memory of this
    # process (which holds the generated rows) that the child inherited when it was forked.
    code = (
        "import re, sys, time, django; django.setup();"
        "from django.core.management import call_command;"
        "started, cpu = time.perf_counter(), time.process_time();"
        "call_command('import_file', 'charity-register', sys.argv[1]);"
        "elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu;"
        "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024;"
        "print(f'BENCH {elapsed:.3f} {peak:.1f} {cpu:.3f}')"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    bench = next(line for line in done.stdout.splitlines() if line.startswith("BENCH "))
    _, seconds, memory, cpu = bench.split()
    summary = done.stdout.splitlines()[0]
    return float(seconds), float(memory), summary, float(cpu)


def timed_bulk_create(url: str, path: Path) -> tuple[float, float, float]:
    """Seconds, peak memory (MB) and CPU seconds of the plain bulk_create loader, in its own process."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "register_bulk_create.py"), str(path)], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    _, seconds, memory, cpu, _rows = next(line for line in done.stdout.splitlines() if line.startswith("BENCH ")).split()
    return float(seconds), float(memory), float(cpu)


def seed_register(url: str, linked: int, rows: list[dict[str, object]]) -> None:
    """Organisations already on the register holding some of the extract's charity numbers (the enrichment's work)."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    numbers = [row["registered_charity_number"] for row in rows if row["linked_charity_number"] == 0][:: max(1, len(rows) // max(1, linked))][:linked]
    code = (
        "import sys, django; django.setup();"
        "from lightbulb.organisations.models import Organisation, OrganisationIdentifier;"
        "numbers = [int(n) for n in sys.argv[1].split(',') if n];"
        "orgs = Organisation.objects.bulk_create([Organisation(name=f'Local charity {n}', name_key=f'local charity {n}') for n in numbers]);"
        "OrganisationIdentifier.objects.bulk_create([OrganisationIdentifier(organisation=o, scheme='GB-CHC', value=str(n), source='Council') for o, n in zip(orgs, numbers)])"
    )
    subprocess.run([sys.executable, "-c", code, ",".join(str(n) for n in numbers)], env=env, cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--linked", type=int, default=300, help="Organisations on the register holding one of the extract's charity numbers")
    parser.add_argument("--database", default="lightbulb_bench_register")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL") or DEFAULT_URL
    url = database_url(base, args.database)
    recreate_database(base, args.database)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as directory:
        rows = charity_rows(args.rows, args.seed, "2026-11-01T00:00:00")
        first, tsv = write_files(rows, Path(directory), "november")
        next_month = [{**row, "date_of_extract": "2026-12-01T00:00:00"} for row in rows]
        second, _ = write_files(next_month, Path(directory), "december")
        # The month after: one charity in fifty reports a new income (through the staging table and its update).
        changed = [
            {**row, "date_of_extract": "2027-01-01T00:00:00", "latest_income": (row["latest_income"] or 0) + 1} if index % 50 == 0 else row
            for index, row in enumerate(next_month)
        ]
        third, _ = write_files(changed, Path(directory), "january")
        del next_month, changed
        seed_register(url, args.linked, rows)
        count = len(rows)
        size = first.stat().st_size
        del rows
        ceiling = copy_ceiling(url, tsv, count)
        plain, plain_memory, plain_cpu = timed_bulk_create(url, first)
        seconds, memory, summary, cpu = timed_import(url, first)
        again, again_memory, again_summary, again_cpu = timed_import(url, second)
        moved, moved_memory, moved_summary, moved_cpu = timed_import(url, third)
    rate = count / seconds
    print(f"Charity register extract: {count:,} rows ({size / 1024 / 1024:,.0f} MB of JSON), {args.linked} organisations on the register")
    # CPU s: what the importing process itself used (parsing and checking in Python); the database's work is not in it.
    print(f"{'Measure':<44}{'rows/s':>12}{'× COPY':>9}{'seconds':>10}{'CPU s':>8}{'peak MB':>10}")
    print(f"{'COPY from TSV (ceiling)':<44}{ceiling:>12,.0f}{1:>9.2f}{count / ceiling:>10.1f}{'':>8}{'':>10}")
    print(
        f"{'Plain bulk_create loader (10,000 a batch)':<44}{count / plain:>12,.0f}{count / plain / ceiling:>9.2f}{plain:>10.1f}{plain_cpu:>8.1f}{plain_memory:>10.0f}"
    )
    print(f"{'Import end to end (JSON)':<44}{rate:>12,.0f}{rate / ceiling:>9.2f}{seconds:>10.1f}{cpu:>8.1f}{memory:>10.0f}")
    print(f"{'Unchanged re-import (next month)':<44}{count / again:>12,.0f}{count / again / ceiling:>9.2f}{again:>10.1f}{again_cpu:>8.1f}{again_memory:>10.0f}")
    print(f"{'The month after (2% changed)':<44}{count / moved:>12,.0f}{count / moved / ceiling:>9.2f}{moved:>10.1f}{moved_cpu:>8.1f}{moved_memory:>10.0f}")
    print(
        f"Targets: import ≥ 0.3 × COPY: {'yes' if rate / ceiling >= 0.3 else 'no'}; ≥ 40,000 rows/s: {'yes' if rate >= 40_000 else 'no'}; "
        f"≥ 10 × bulk_create: {'yes' if seconds * 10 <= plain else 'no'} ({plain / seconds:.1f} ×); "
        f"unchanged ≥ 100,000 rows/s: {'yes' if count / again >= 100_000 else 'no'}; peak ≤ 300 MB: {'yes' if max(memory, again_memory, moved_memory) <= 300 else 'no'}"
    )
    print(f"First run: {summary}")
    print(f"Next month: {again_summary}")
    print(f"The month after: {moved_summary}")


if __name__ == "__main__":
    main()
