#!/usr/bin/env python
"""Mixed load on gunicorn with the worker running, beside the empty view's throughput in the same run (ENGINEERING.md §5).

Seeds the demo council (city scale by default) into a dedicated PostgreSQL database beside the one
DATABASE_URL names (`lightbulb_load` unless --database), starts gunicorn and `manage.py db_worker`
on 127.0.0.1 only (each web process keeping its database connection, `DB_CONN_MAX_AGE=60` as in
.env.example), signs the demo officer, councillor and portal user in (past two-factor
authentication), waits until the worker has finished what seeding queued, then runs locust headless for the same time with the same users:
against the empty view (`/healthz`, the ceiling), then the mix of journeys in
`benchmarks/locustfile.py` twice: first with no page kept (every organisation, agreement and ward
page built the first time it is asked for, as after a deployment or any change to the data), then
again with the pages the first pass kept. Prints requests/s, p50, p95 and errors for each; with
--soak, one 10-minute pass of the mix from no page kept, and the web and worker processes' memory
sampled through it, which should stay flat.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/load.py [--users 50] [--seconds 60] [--soak]

Targets: ≥ 150 requests/s, p95 ≤ 250 ms and no errors with 50 users; memory flat over a 10-minute soak.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent

from benchmarks.run import DEFAULT_URL, database_url, prepare_database, seed, seeded_at, setup_django  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="city", choices=["council", "city", "national"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", default="lightbulb_load", help="name of the load-test database (created if missing)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60, help="length of each pass (default 60)")
    parser.add_argument("--soak", action="store_true", help="a 10-minute pass sampling memory (unless --seconds says otherwise)")
    parser.add_argument(
        "--no-kept-pages", dest="kept_pages", action="store_false", help="build every page afresh (PAGE_CACHE=false), to see what kept pages save"
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8206")))
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers (default 2 × cores + 1)")
    return parser.parse_args()


def plan(sessions_per_role: int = 50) -> dict[str, Any]:
    """Signed-in browsers for people of each role and the records the journeys visit.

    Each simulated user is a person of their own with a browser of their own: their own account,
    session and CSRF cookie, as 50 people at 50 desks would have. (Sharing one session between a
    role's users would let each reuse the pages the others had just had built, which no two people
    do; one account for all would hide any page that differs by person.) The people are made once,
    beside the demo users, with the demo user's role (and, for the portal, membership).
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lightbulb.accounts.models import Membership, User
    from lightbulb.funding.models import Agreement
    from lightbulb.organisations.models import Organisation
    from lightbulb.places.models import Councillor, Ward

    # The first backend that can load a user from a session (axes' backend only guards sign-in).
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
    browsers: dict[str, list[dict[str, str]]] = {}
    for role in ("officer", "councillor", "vcs"):
        demo = User.objects.get(email=f"{role}@anytown.example")
        memberships = list(Membership.objects.filter(user=demo))
        browsers[role] = []
        for number in range(1, sessions_per_role + 1):
            user, created = User.objects.get_or_create(
                email=f"load-{role}-{number:02d}@anytown.example", defaults={"full_name": f"Load {role.title()} {number:02d}", "role": demo.role}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                for link in memberships:
                    Membership.objects.create(user=user, organisation_id=link.organisation_id, role=link.role)
                if role == "councillor":
                    # A councillor's account is a ward's councillor, as the demo councillor's is.
                    Councillor.objects.filter(pk=Councillor.objects.filter(user__isnull=True).order_by("pk").values("pk")[:1]).update(user=user)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None and user.needs_two_factor:
                device = TOTPDevice.objects.create(user=user, name="Load test", confirmed=True)
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = backend
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            if device is not None:
                store["otp_device_id"] = device.persistent_id
            store.create()
            # A browser also holds the CSRF cookie the first page gave it, and sends it back.
            csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
            browsers[role].append({"session": str(store.session_key), "csrf": csrf})
    membership = Membership.objects.filter(user__email="vcs@anytown.example").first()
    return {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "browsers": browsers,
        "organisations": list(Organisation.objects.filter(status="active").order_by("pk").values_list("pk", flat=True)[:500]),
        "agreements": list(Agreement.objects.order_by("pk").values_list("pk", flat=True)[:500]),
        "wards": list(Ward.objects.order_by("pk").values_list("pk", flat=True)[:200]),
        "portal_organisation": membership.organisation_id if membership else 0,
    }


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for(port: int, seconds: int = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer on 127.0.0.1:{port} within {seconds} s (see var/load/gunicorn.log)")


def worker_idle(url: str, seconds: int = 600) -> None:
    """Wait until the worker has no task waiting or running (seeding queues flag recomputes and an open-data build).

    Otherwise the first pass would measure the pages beside a busy worker, not the ceiling.
    """
    import psycopg

    deadline = time.monotonic() + seconds
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')").fetchone()
            if not waiting or not waiting[0]:
                return
            time.sleep(2)
    sys.exit(f"the worker still had tasks after {seconds} s (see var/load/worker.log)")


def tree(pids: list[int]) -> set[int]:
    """These processes and all their descendants (Linux /proc)."""
    found: set[int] = set()
    queue = list(pids)
    while queue:
        pid = queue.pop()
        if pid in found:
            continue
        found.add(pid)
        try:
            queue.extend(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes and their children, in MB (Linux /proc)."""
    total = 0
    for pid in tree(pids):
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            continue
    return total / 1_000_000


def cpu_seconds(groups: dict[str, list[int]]) -> dict[str, float]:
    """CPU time (user + system) used so far by each group's processes and their descendants, and by PostgreSQL's.

    Read at the start and the end of a pass, it shows where a request's cost goes on a machine that
    runs the load generator, the web processes and the database together.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    members = {name: tree(pids) for name, pids in groups.items()}
    totals = dict.fromkeys([*groups, "database"], 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        command, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        # Its own time and its ended children's (PostgreSQL's postmaster collects its ended backends').
        used = sum(int(field) for field in fields[11:15]) / ticks
        pid = int(entry.name)
        group = next((name for name, pids in members.items() if pid in pids), "database" if command.startswith("postgres") else None)
        if group is not None:
            totals[group] += used
    return totals


def locust(
    env: dict[str, str], args: argparse.Namespace, seconds: int, prefix: Path, *, empty: bool, samples: list[tuple[float, float]], pids: list[int]
) -> dict[str, Any]:
    """One headless pass; returns the aggregated figures from locust's CSV."""
    run_env = dict(env, LOAD_EMPTY="1" if empty else "")
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "-u",
        str(args.users),
        "-r",
        str(max(1, args.users // 5)),
        "-t",
        f"{seconds}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "5",
    ]
    groups = {"web": pids[:1], "worker": pids[1:]}
    before, generator_before = cpu_seconds(groups), resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(command, cwd=ROOT, env=run_env, stdout=subprocess.DEVNULL, stderr=(prefix.parent / f"{prefix.name}.log").open("wb"))
    started = time.monotonic()
    while process.poll() is None:
        time.sleep(5)
        samples.append((time.monotonic() - started, rss_mb(pids)))
    after, generator_after = cpu_seconds(groups), resource.getrusage(resource.RUSAGE_CHILDREN)
    used = {name: after[name] - before[name] for name in after}
    # locust has ended (and been waited for), so its time is in this process's children's.
    used["generator"] = (generator_after.ru_utime + generator_after.ru_stime) - (generator_before.ru_utime + generator_before.ru_stime)
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "pages": {name: row for name, row in rows.items() if name != "Aggregated"},
        "cpu_ms": {name: seconds * 1000 / max(1, int(total["Request Count"])) for name, seconds in used.items()},
    }


def report(ceiling: dict[str, Any], passes: dict[str, dict[str, Any]], args: argparse.Namespace, samples: list[tuple[float, float]]) -> None:
    print()
    kept = "kept pages on" if args.kept_pages else "every page built (--no-kept-pages)"
    print(
        f"Mixed load at {args.scale} scale: {args.users} users, {args.seconds} s a pass, gunicorn × {args.workers} workers and the db_worker on loopback, {kept}"
    )
    header = f"{'Pass':<28} {'Requests':>9} {'Req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'Errors':>7}"
    print(header)
    print("─" * len(header))
    everything = {"Empty view (ceiling)": ceiling, **passes}
    for label, result in everything.items():
        print(f"{label:<28} {result['requests']:>9} {result['rps']:>8.1f} {result['p50']:>8.0f} {result['p95']:>8.0f} {result['failures']:>7}")
        for name, row in sorted(result["pages"].items()) if result is not ceiling else ():
            print(
                f"  {name:<26} {int(row['Request Count']):>9} {float(row['Requests/s']):>8.1f} {float(row['50%']):>8.0f} {float(row['95%']):>8.0f} {int(row['Failure Count']):>7}"
            )
    print()
    print("CPU time per request, ms        generator      web   database   worker")
    for label, result in everything.items():
        cpu = result["cpu_ms"]
        print(f"{label:<28} {cpu['generator']:>11.1f} {cpu['web']:>8.1f} {cpu['database']:>10.1f} {cpu['worker']:>8.1f}")
    if samples:
        first, last = samples[0][1], samples[-1][1]
        peak = max(rss for _when, rss in samples)
        print(f"Memory of gunicorn and the worker: {first:.0f} MB at the start, {last:.0f} MB at the end, {peak:.0f} MB at most")
    print()
    print("Targets (ENGINEERING.md §5): ≥ 150 requests/s, p95 ≤ 250 ms, zero errors with 50 users; flat memory over a 10-minute soak.")


def main() -> None:
    args = parse_args()
    if args.soak and args.seconds == 60:
        args.seconds = 600
    base_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("The load test runs on PostgreSQL: set DATABASE_URL to a PostgreSQL server, e.g. " + DEFAULT_URL)
    prepare_database(base_url, args.database, drop=False)
    url = database_url(base_url, args.database)
    # The load test runs as a deployment does: with kept pages (docs/adr/0007-kept-pages.md).
    setup_django(url, kept_pages=args.kept_pages)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    state = seeded_at(args.scale)
    if state is False:
        connection.close()
        prepare_database(base_url, args.database, drop=True)
        call_command("migrate", verbosity=0)
    if state is not True:
        seed(args.scale, args.seed)
    load_plan = plan()
    connection.close()
    out = ROOT / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="false", LOAD_PLAN=json.dumps(load_plan))
    env["SITE_URL"] = f"http://127.0.0.1:{args.port}"
    # Each web process keeps its database connection, as .env.example has a deployment do.
    env.setdefault("DB_CONN_MAX_AGE", "60")
    gunicorn = start(
        [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--access-logfile", "-"],
        env,
        out / "gunicorn.log",
    )
    worker = start([sys.executable, "manage.py", "db_worker", "--queue-name", "*"], env, out / "worker.log")
    try:
        wait_for(args.port)
        worker_idle(url)
        pids = [gunicorn.pid, worker.pid]
        ceiling = locust(env, args, min(args.seconds, 60), out / "empty", empty=True, samples=[], pids=pids)
        samples: list[tuple[float, float]] = []
        first = "Mix, no page kept at first" if args.kept_pages else "Mix, every page built"
        passes = {first: locust(env, args, args.seconds, out / "mixed", empty=False, samples=samples, pids=pids)}
        if not args.soak and args.kept_pages:
            # The same people go on, with what the first pass kept: the state of a service between two changes.
            passes["Mix again, pages kept"] = locust(env, args, args.seconds, out / "mixed_kept", empty=False, samples=samples, pids=pids)
    finally:
        stop(gunicorn)
        stop(worker)
    report(ceiling, passes, args, samples if args.soak else samples[:1] + samples[-1:])


if __name__ == "__main__":
    main()
