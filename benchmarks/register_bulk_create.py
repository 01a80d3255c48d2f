#!/usr/bin/env python
"""A plain Django loader of the register's JSON extract, for comparison only (run by charity_register.py in its own process).

What a register import commonly looks like: ijson streams the array, each object becomes a model
instance with the least conversion the columns need (texts never null, dates cut to the day), and
`bulk_create` writes 10,000 at a time in one transaction. It writes to a scratch table shaped like
imports_charityrecord (`bench_bulk_create`), never the product's; no checks, no month-on-month
comparison. Prints `BENCH seconds peak_MB cpu_seconds rows`.

    DATABASE_URL=… DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python benchmarks/register_bulk_create.py extract.json
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

import ijson  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402

BATCH = 10_000
TEXTS = (
    "charity_name",
    "charity_type",
    "charity_registration_status",
    "charity_reporting_status",
    "charity_contact_postcode",
    "charity_company_registration_number",
    "charity_activities",
)
DATES = ("date_of_registration", "date_of_removal", "latest_acc_fin_period_end_date", "date_of_extract")
OTHERS = (
    "registered_charity_number",
    "linked_charity_number",
    "latest_income",
    "latest_expenditure",
    "charity_is_cio",
    "cio_is_dissolved",
    "charity_insolvent",
    "charity_in_administration",
)


class BenchCharity(models.Model):
    registered_charity_number = models.IntegerField()
    linked_charity_number = models.IntegerField(default=0)
    charity_name = models.CharField(max_length=300)
    charity_type = models.CharField(max_length=100, blank=True)
    charity_registration_status = models.CharField(max_length=50, blank=True)
    date_of_registration = models.DateField(null=True)
    date_of_removal = models.DateField(null=True)
    charity_reporting_status = models.CharField(max_length=100, blank=True)
    latest_acc_fin_period_end_date = models.DateField(null=True)
    latest_income = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    latest_expenditure = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    charity_contact_postcode = models.CharField(max_length=10, blank=True)
    charity_company_registration_number = models.CharField(max_length=20, blank=True)
    charity_is_cio = models.BooleanField(null=True)
    cio_is_dissolved = models.BooleanField(null=True)
    charity_insolvent = models.BooleanField(null=True)
    charity_in_administration = models.BooleanField(null=True)
    charity_activities = models.TextField(blank=True)
    date_of_extract = models.DateField(null=True)
    row_hash = models.CharField(max_length=32, default="")

    class Meta:
        app_label = "bench"
        db_table = "bench_bulk_create"
        managed = False

    def __str__(self) -> str:
        return str(self.registered_charity_number)


def instance(row: dict[str, object]) -> BenchCharity:
    values = {name: row.get(name) for name in OTHERS}
    values.update({name: row.get(name) or "" for name in TEXTS})
    values.update({name: str(row[name])[:10] if row.get(name) else None for name in DATES})
    return BenchCharity(**values)


def load(path: Path) -> int:
    count = 0
    with transaction.atomic(), path.open("rb") as handle:
        if handle.read(3) != b"\xef\xbb\xbf":
            handle.seek(0)
        batch: list[BenchCharity] = []
        for row in ijson.items(handle, "item", use_float=True):
            batch.append(instance(row))
            if len(batch) >= BATCH:
                BenchCharity.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        BenchCharity.objects.bulk_create(batch)
        count += len(batch)
    return count


def main() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bulk_create")
        cursor.execute("CREATE TABLE bench_bulk_create (LIKE imports_charityrecord INCLUDING ALL)")
    started, cpu = time.perf_counter(), time.process_time()
    rows = load(Path(sys.argv[1]))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bulk_create")
    print(f"BENCH {elapsed:.3f} {peak:.1f} {cpu:.3f} {rows}")


if __name__ == "__main__":
    main()
