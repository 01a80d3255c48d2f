#!/usr/bin/env python
"""Officer page timings at a demo scale on PostgreSQL (ENGINEERING.md §5), beside an empty view's.

Seeds the demo council at the chosen scale (city by default) into a dedicated
database next to the one DATABASE_URL names (`lightbulb_bench` unless
--database says otherwise), then calls each page in this process through
Django's test client as a signed-in officer: the figures are server time, with
no network. The empty view (/healthz: one `SELECT 1`) is the ceiling the same
middleware stack allows on this machine in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/run.py [--scale city] [--requests 200]

Then it runs the benchmarks in FOLLOW_ON (open data and the API: `opendata.py`; listening and
cross-referencing, with one organisation's flags: `engagement.py`) at the same scale.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


@dataclass
class Page:
    label: str
    url_name: str
    query: str = ""
    needs: str = ""  # "organisation" or "ward": the object the URL takes
    # A search text read from the data ("identifier", "postcode", "theme"): replaces {} in the query.
    text_from: str = ""
    # The demo user who reads the page, when the officer may not (the concerns register is the investigator's).
    as_user: str = "officer@anytown.example"


PAGES = [
    Page("Empty view (ceiling)", "core:healthz"),
    Page("Search: common word", "organisations:list", "?q=community"),
    Page("Search: rare word", "organisations:list", "?q=cuthbert"),
    Page("Search: misspelt name", "organisations:list", "?q=comunity centre"),
    Page("Search: identifier", "organisations:list", "?q={}", text_from="identifier"),
    Page("Search: postcode", "organisations:list", "?q={}", text_from="postcode"),
    Page("Register, filtered", "organisations:list", "?legal_form=cio&sort=-updated"),
    Page("Register, last page", "organisations:list", "?page=200"),
    Page("Organisation page", "organisations:detail", needs="organisation"),
    Page("Ward list", "places:ward_list"),
    Page("Ward page", "places:ward_detail", needs="ward"),
    Page("Agreements", "funding:agreement_list"),
    Page("Agreements, filtered", "funding:agreement_list", "?status=live&sort=-amount"),
    Page("Returns", "funding:return_list"),
    Page("Payments", "funding:payment_list"),
    Page("Consultations", "compact:consultation_list"),
    Page("Import runs", "imports:run_list"),
    Page("Possible duplicates", "organisations:duplicates"),
    Page("Pick an organisation", "organisations:pick", "?q=comm"),
    Page("Engagement log", "engagement:engagement_list"),
    Page("Engagement log, filtered", "engagement:engagement_list", "?kind=forum&theme={}", text_from="theme"),
    Page("Engagement log, search", "engagement:engagement_list", "?q=hall+hire"),
    Page("Dashboard", "core:home"),
    # Every other list page an officer (or, for concerns, the investigator) uses, with its usual filter and sort.
    Page("My agreements", "funding:agreement_list", "?mine=on&sort=end"),
    Page("My returns, overdue", "funding:return_list", "?mine=on&overdue=on"),
    Page("Payments, held", "funding:payment_list", "?status=held"),
    Page("Other funders' grants", "grants:grant_list"),
    Page("Grants to match", "grants:grant_list", "?status=proposed"),
    Page("Services directory", "directory:service_list"),
    Page("Services, searched", "directory:service_list", "?q=advice"),
    Page("Open flags", "engagement:flag_list"),
    Page("Flags, by rule", "engagement:flag_list", "?rule=dependency&sort=organisation"),
    Page("Surveys", "engagement:survey_list"),
    Page("Councillors", "places:councillor_list"),
    Page("Localities", "places:locality_list"),
    Page("Areas of work", "organisations:areas"),
    Page("The Compact", "compact:compact"),
    Page("Risk register", "concerns:risk_list"),
    Page("Concerns", "concerns:list", as_user="investigator@anytown.example"),
]


@dataclass
class Result:
    page: Page
    url: str = ""
    requests: int = 0
    p50: float = 0.0
    p95: float = 0.0
    queries: int | None = None
    problem: str = ""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="city", choices=["council", "city", "national"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--database", default="lightbulb_bench", help="name of the benchmark database (created if missing)")
    parser.add_argument("--reseed", action="store_true", help="drop the benchmark database and seed it again")
    return parser.parse_args()


def database_url(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def prepare_database(base_url: str, name: str, *, drop: bool) -> None:
    """Create the benchmark database beside the one DATABASE_URL names (dropping it first when asked)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(base_url, autocommit=True) as connection:
        if drop:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str, *, kept_pages: bool = False) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    # No debug query log and no debug pages: closer to production.
    os.environ["DEBUG"] = "false"
    # The pages are timed as built, not as served again from the kept pages (docs/adr/0007): a kept
    # page costs the same four queries whatever the page, and would hide what each page costs.
    os.environ["PAGE_CACHE"] = "true" if kept_pages else "false"
    import django

    django.setup()


def seeded_at(scale_name: str) -> bool | None:
    """True if the demo council is there at this scale, False if at another, None if absent."""
    from lightbulb.demo import generator
    from lightbulb.places.models import Ward

    if not generator.demo_council_exists():
        return None
    return Ward.objects.count() == generator.SCALES[scale_name].wards


def seed(scale: str, seed_value: int) -> float:
    from django.core.management import call_command
    from django.db import connection

    from lightbulb.demo import generator

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    print(f"Seeding the {scale} scale (seed {seed_value})…", flush=True)
    generator.generate(scale, seed_value)
    with connection.cursor() as cursor:
        # Planner statistics and the visibility map for the fresh tables, as autovacuum would give them
        # on a running server (index-only scans need the map; a server may run with autovacuum off).
        cursor.execute("VACUUM (ANALYZE)")
    seconds = time.perf_counter() - started
    print(f"Seeded in {seconds:.0f} s.", flush=True)
    return seconds


def officer_client(email: str = "officer@anytown.example") -> Any:
    """A test client signed in as the demo officer (or another demo user with an authenticator), past two-factor authentication."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lightbulb.accounts.models import User

    officer = User.objects.get(email=email)
    client = Client()
    client.force_login(officer)
    device = TOTPDevice.objects.filter(user=officer, confirmed=True).first()
    assert device is not None, f"the demo user {email} has no confirmed authenticator"
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def page_url(page: Page) -> str | None:
    """The page's address, or None when the route does not exist (yet)."""
    from django.urls import NoReverseMatch, reverse

    from lightbulb.places.models import Ward

    kwargs: dict[str, Any] = {}
    if page.needs == "organisation":
        kwargs["pk"] = busiest_organisation()
    elif page.needs == "ward":
        ward = Ward.objects.order_by("pk").first()
        kwargs["pk"] = ward.pk if ward else 0
    try:
        return reverse(page.url_name, kwargs=kwargs) + page.query.format(search_text(page.text_from)).replace(" ", "+")
    except NoReverseMatch:
        return None


def busiest_organisation() -> int:
    """The organisation with the most agreements (hundreds at national scale), else a well-filled record."""
    from django.db.models import Count

    from lightbulb.funding.models import Agreement
    from lightbulb.organisations.models import Organisation

    busiest = Agreement.objects.order_by().values("organisation").annotate(n=Count("pk")).order_by("-n", "organisation").first()
    if busiest:
        return int(busiest["organisation"])
    organisation = Organisation.objects.filter(status="active", contacts__isnull=False, identifiers__isnull=False).order_by("pk").first()
    return organisation.pk if organisation else 0


def search_text(kind: str) -> str:
    """A charity number typed with spaces ('1 123 456'), a postcode typed in lower case without its space, or a theme's number."""
    from lightbulb.engagement.models import Theme
    from lightbulb.organisations.models import Organisation, OrganisationIdentifier

    if kind == "identifier":
        value = OrganisationIdentifier.objects.filter(scheme="GB-CHC").order_by("pk").values_list("value", flat=True).first() or "1234567"
        return f"{value[:1]} {value[1:4]} {value[4:]}"
    if kind == "postcode":
        postcode = Organisation.objects.exclude(postcode="").order_by("pk").values_list("postcode", flat=True).first() or "AT1 1AA"
        return postcode.replace(" ", "").lower()
    if kind == "theme":
        return str(Theme.objects.order_by("pk").values_list("pk", flat=True).first() or "")
    return ""


def measure(client: Any, page: Page, count: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(page)
    url = page_url(page)
    if url is None:
        result.problem = "missing (no such route yet)"
        return result
    result.url = url
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        result.problem = f"answered {response.status_code}"
        return result
    result.queries = len(captured.captured_queries)
    for _ in range(5):  # warm caches (templates, content types)
        client.get(url)
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    result.requests = count
    result.p50 = statistics.median(timings)
    result.p95 = timings[max(0, math.ceil(0.95 * len(timings)) - 1)]  # nearest rank
    return result


def measure_safely(client: Any, page: Page, count: int) -> Result:
    """A page that fails is reported in the table; the other pages are still measured."""
    try:
        return measure(client, page, count)
    except Exception as exc:  # noqa: BLE001 - any failure is a finding to print, not a reason to stop
        return Result(page, problem=f"failed: {exc.__class__.__name__}: {str(exc)[:80]}")


def print_table(results: list[Result], scale: str, figures: list[tuple[str, str, str]]) -> None:
    from lightbulb.funding.models import Agreement
    from lightbulb.grants.models import Grant
    from lightbulb.organisations.models import Organisation
    from lightbulb.places.models import Ward

    ceiling = results[0]
    print()
    print(
        f"Officer pages at {scale} scale: {Ward.objects.count():,} wards, {Organisation.objects.count():,} organisations, "
        f"{Agreement.objects.count() + Grant.objects.count():,} grants and agreements (PostgreSQL, server time in process)"
    )
    header = f"{'Page':<22} {'URL':<40} {'Requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'Queries':>8} {'p95 vs empty':>13}"
    print(header)
    print("─" * len(header))
    for result in results:
        if result.problem:
            print(f"{result.page.label:<22} {result.url or '–':<40} {result.problem}")
            continue
        ratio = f"{result.p95 / ceiling.p95:.1f}×" if ceiling.p95 and not ceiling.problem else "–"
        print(f"{result.page.label:<22} {result.url:<40} {result.requests:>8} {result.p50:>8.1f} {result.p95:>8.1f} {result.queries:>8} {ratio:>13}")
    for label, value, target in figures:
        print(f"{label:<22} {value:<40} {target}")
    print()
    print("Target (ENGINEERING.md §5): officer pages p95 ≤ 150 ms at national scale; query count independent of data size.")


def background_figures() -> list[tuple[str, str, str]]:
    """Jobs the pages read the results of, timed once: finding duplicate candidates over the whole register."""
    try:
        from lightbulb.organisations import duplicates
    except ImportError:
        return []
    started = time.perf_counter()
    pairs = duplicates.duplicate_candidates_refresh()
    seconds = time.perf_counter() - started
    return [("Duplicate detection", f"{seconds:,.1f} s, {pairs:,} pairs", "≤ 60 s over the whole register (background job)")]


# The other benchmarks `make bench` runs after the pages, at the same scale, in the same database.
FOLLOW_ON = ["opendata.py", "engagement.py"]


def run_follow_on(base_url: str, args: argparse.Namespace) -> None:
    import subprocess

    for script in FOLLOW_ON:
        print(flush=True)
        command = [sys.executable, str(Path(__file__).resolve().parent / script), "--scale", args.scale, "--seed", str(args.seed)]
        command += ["--database", args.database, "--requests", str(args.requests)]
        done = subprocess.run(command, env=os.environ | {"DATABASE_URL": base_url}, check=False)
        if done.returncode:
            print(f"{script} failed (exit status {done.returncode})", flush=True)


def main() -> None:
    args = parse_args()
    base_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL to a PostgreSQL server, e.g. " + DEFAULT_URL)
    prepare_database(base_url, args.database, drop=args.reseed)
    setup_django(database_url(base_url, args.database))
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    state = seeded_at(args.scale)
    if state is False:
        # Another scale is loaded: start the dedicated database again.
        connection.close()
        prepare_database(base_url, args.database, drop=True)
    figures: list[tuple[str, str, str]] = []
    if state is not True:
        seconds = seed(args.scale, args.seed)
        figures.append(("Seeding", f"{seconds:,.0f} s", "≤ 600 s at national scale (COPY)"))
    figures += background_figures()
    clients = {email: officer_client(email) for email in sorted({page.as_user for page in PAGES})}
    # As config/wsgi.py has a web process do: pages' queries never start parallel workers.
    from lightbulb.core.database import pages_without_parallel_query

    pages_without_parallel_query()
    # As config/wsgi.py does in each web process: what exists now (seeding's leftovers included) is kept out of the
    # collector's full collections, which would otherwise land in some pages' p95.
    gc.collect()
    gc.freeze()
    results = [measure_safely(clients[page.as_user], page, args.requests) for page in PAGES]
    print_table(results, args.scale, figures)
    run_follow_on(base_url, args)


if __name__ == "__main__":
    main()
