"""Signed-in pages kept ready between changes (PostgreSQL): a page is built once, then served as built until data changes.

Why: a busy page runs a dozen or more queries and most of its cost is building them; the same
officer asks for the same dashboard, search and organisation many times between two changes.

How a kept page stays right:

- **A data generation kept by PostgreSQL.** Every table but a few (`UNWATCHED`) has a statement
  trigger that adds one to `lightbulb_data_generation` once per writing transaction, in that
  transaction, whoever writes (a page, the worker, an import's `COPY`, a shell, raw SQL). The
  generation is the sum of 16 counter rows, so concurrent writers (an import holding its row until
  it commits) take different rows and never wait for each other (`FOR UPDATE SKIP LOCKED`).
- **A page and its generation come from one snapshot.** A page not kept is built inside a
  REPEATABLE READ transaction that first reads the generation: every query of the page sees the
  same committed data, and the generation says which. Visibility in PostgreSQL follows one order
  of commits, and each writing transaction adds at least one, so two snapshots with the same
  generation saw the same writes. A page is served again only while the generation read with it
  (in the same statement) is still the same: any commit since, anywhere, and it is built afresh.
- **Keyed by everything else a page depends on.** The session (its key and data, but the idle
  clock), the CSRF cookie, the path and query, the htmx and Accept headers, today's date in the
  council's time zone, and a fingerprint of the code and settings.
- **Only what is safe to serve again is kept.** A 200 HTML response with no cookie or header of
  its own, from a GET that wrote nothing (the trigger's flag in the transaction tells), changed no
  session, queued no message, and did not depend on the time of day (`depends_on_clock`). Pages
  with messages waiting are not served from it. Each request's CSP nonce is put into the kept
  page in place of the one it was built with.

Kept pages live in an UNLOGGED table, so nothing is kept in a process's memory (ENGINEERING.md §6)
and any web process serves what another built. Entries that can no longer be served, or are older
than `KEEP_MINUTES`, are deleted now and then and by a daily duty. `PAGE_CACHE=false` turns the whole thing off; SQLite never uses it. Decision record:
docs/adr/0007-kept-pages.md.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import json
import logging
import random
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from lightbulb.core.middleware import REFRESHED_KEY

logger = logging.getLogger(__name__)

GENERATION_TABLE = "lightbulb_data_generation"
CACHE_TABLE = "lightbulb_page_cache"
TRIGGER = "lightbulb_data_changed"
STRIPES = 16
# Written by reading pages or by this module itself, and shown by no page that could be kept:
# sessions reach a page only through the session's data, which is in the key; a home visit is read
# only by the first look at the home page in a session, which writes it and changes the session, so
# is never kept. Every session's first look at its home page would otherwise make every kept page,
# everyone's, stale.
UNWATCHED = (GENERATION_TABLE, CACHE_TABLE, "django_session", "django_migrations", "core_homevisit")
KEEP_MINUTES = 60
PER_SESSION = 100
# Pages over this size are built each time rather than kept.
LARGEST = 2_000_000
# About one store in PURGE_EVERY also deletes the entries no request can be served any more (built
# at an older generation) and those older than KEEP_MINUTES; the daily duty `kept_pages_purge` too.
PURGE_EVERY = 50
# Session data that changes without changing any page: IdleSessionMiddleware's clock.
IGNORED_SESSION_KEYS = frozenset({REFRESHED_KEY})
CLOCK_FLAG = "_lightbulb_page_depends_on_clock"
# A page that writes, built in a REPEATABLE READ snapshot, can fail where it would not in READ
# COMMITTED: a row changed since the snapshot (40001), a deadlock (40P01), or a row another request
# inserted since, which get_or_create would have found (23505). Such a build is run again plainly.
RETRIED = frozenset({"40001", "40P01", "23505"})

# The SQL names the tables and the trigger as the constants above do (no formatting into SQL).
_INSTALL = """
CREATE TABLE IF NOT EXISTS lightbulb_data_generation (stripe smallint PRIMARY KEY, n bigint NOT NULL DEFAULT 0);
INSERT INTO lightbulb_data_generation (stripe) SELECT generate_series(0, 15) ON CONFLICT DO NOTHING;
CREATE UNLOGGED TABLE IF NOT EXISTS lightbulb_page_cache (
    key text PRIMARY KEY,
    generation bigint NOT NULL,
    nonce text NOT NULL,
    content_type text NOT NULL,
    body bytea NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE lightbulb_page_cache ADD COLUMN IF NOT EXISTS owner text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS lightbulb_page_cache_owner ON lightbulb_page_cache (owner, stored_at);
CREATE INDEX IF NOT EXISTS lightbulb_page_cache_stored ON lightbulb_page_cache (stored_at);
-- A new release, or a database just restored from a dump, starts with no kept pages.
TRUNCATE lightbulb_page_cache;
CREATE OR REPLACE FUNCTION lightbulb_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Counted once per transaction: the flag names the transaction, so a session-wide SET cannot stop the count.
    IF current_setting('lightbulb.data_changed', true) IS DISTINCT FROM pg_current_xact_id()::text THEN
        UPDATE lightbulb_data_generation SET n = n + 1 WHERE stripe = (
            SELECT stripe FROM lightbulb_data_generation ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED
        );
        IF NOT FOUND THEN
            -- Every row is held by another writing transaction: wait for one.
            UPDATE lightbulb_data_generation SET n = n + 1 WHERE stripe = 0;
        END IF;
        PERFORM set_config('lightbulb.data_changed', pg_current_xact_id()::text, true);
    END IF;
    RETURN NULL;
END
$$;
-- Whatever search_path the writer has (a DBA's session, pg_restore's empty one).
ALTER FUNCTION lightbulb_data_changed() SET search_path FROM CURRENT;
"""

_UNWATCHED_WITH_TRIGGER = """
SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
WHERE s.nspname = current_schema() AND c.relname = ANY(%s)
  AND EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'lightbulb_data_changed')
"""

_UNTRIGGERED_TABLES = """
SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND c.relname <> ALL(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'lightbulb_data_changed')
"""

_LOOKUP = "SELECT body, content_type, nonce FROM lightbulb_page_cache WHERE key = %s AND generation = (SELECT sum(n) FROM lightbulb_data_generation)"
_STORE = """
INSERT INTO lightbulb_page_cache (key, owner, generation, nonce, content_type, body) VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (key) DO UPDATE SET generation = EXCLUDED.generation, nonce = EXCLUDED.nonce,
    content_type = EXCLUDED.content_type, body = EXCLUDED.body, stored_at = now()
WHERE lightbulb_page_cache.generation <= EXCLUDED.generation
"""
# A session keeps its PER_SESSION latest pages: varying a query string cannot fill the disk.
_TRIM = """
DELETE FROM lightbulb_page_cache WHERE owner = %s AND key IN (
    SELECT key FROM lightbulb_page_cache WHERE owner = %s ORDER BY stored_at DESC OFFSET %s
)
"""
_WROTE = "SELECT current_setting('lightbulb.data_changed', true) = pg_current_xact_id_if_assigned()::text"

_GENERATION = "SELECT sum(n) FROM lightbulb_data_generation"
_PURGE = "DELETE FROM lightbulb_page_cache WHERE generation < (SELECT sum(n) FROM lightbulb_data_generation) OR stored_at < now() - make_interval(mins => %s)"

View = Callable[..., HttpResponse]


def install(using: Any = None) -> list[str]:
    """Create the generation, the cache table and the trigger on every watched table that lacks it.

    Run after every `migrate` (post_migrate, see CoreConfig.ready), so a table a later migration
    adds is watched from then on. Returns the tables given the trigger.
    """
    target = connection if using is None else using
    if target.vendor != "postgresql":
        return []
    with target.cursor() as cursor:
        cursor.execute(_INSTALL)
        cursor.execute(_UNWATCHED_WITH_TRIGGER, [list(UNWATCHED)])
        for (table,) in cursor.fetchall():  # a table no longer watched
            cursor.execute(f"DROP TRIGGER {TRIGGER} ON {table}")
        cursor.execute(_UNTRIGGERED_TABLES, [list(UNWATCHED)])
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
            )
    return tables


def after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    install(connections[using])


def generation() -> int:
    """The data generation this connection sees now (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(_GENERATION)
        row = cursor.fetchone()
    return int(row[0] or 0)


def depends_on_clock(request: HttpRequest) -> None:
    """Say that this page shows something that changes with the time of day, not only the date: it is not kept."""
    setattr(request, CLOCK_FLAG, True)


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False)) and connection.vendor == "postgresql"


_fingerprint: str | None = None


def fingerprint() -> str:
    """The code and settings that build pages: a deployment of other code or settings builds its own pages.

    From the files' contents, not their times, so every server of one release agrees.
    """
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256()
        project = Path(__file__).resolve().parent.parent.parent
        for folder in ("lightbulb", "config"):
            for path in sorted((project / folder).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".map"):
                    digest.update(str(path.relative_to(project)).encode())
                    digest.update(path.read_bytes())
        # The installed packages (GOV.UK Frontend's templates, Django, Jinja2 and the rest) by version.
        packages = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions())
        digest.update("\n".join(packages).encode())
        values = {name: getattr(settings, name) for name in sorted(dir(settings)) if name.isupper()}
        try:
            described = json.dumps(values, sort_keys=True, default=lambda value: type(value).__name__)
        except TypeError:  # a setting keyed by something other than strings
            described = repr(values)  # may differ between processes: fewer pages shared, none wrong
        digest.update(described.encode())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def _key(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    csrf = request.META.get("CSRF_COOKIE", "")
    if session is None or not session.session_key or not csrf:
        # A response that will set a new session or CSRF cookie is never kept.
        return None
    data = {name: value for name, value in session.items() if name not in IGNORED_SESSION_KEYS}
    user: Any = getattr(request, "user", None)
    headers = sorted((name.lower(), value) for name, value in request.headers.items() if name.lower().startswith("hx-") or name.lower() == "accept")
    parts = [
        fingerprint(),
        session.session_key,
        json.dumps(data, sort_keys=True, default=str),
        csrf,
        request.get_full_path(),
        json.dumps(headers),
        timezone.localdate().isoformat(),
        # The person as loaded for this request: a role, name or password changed since a page was
        # built (in a snapshot taken after the change, from the record loaded before it) is a new key.
        _person(user),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _person(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    fields = {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}
    verified = getattr(user, "is_verified", None)
    fields["two_factor_verified"] = bool(verified()) if callable(verified) else None
    return json.dumps(fields, sort_keys=True, default=str)


def _nonce(request: HttpRequest) -> str:
    return str(getattr(request, "csp_nonce", "") or "")


def _serve(request: HttpRequest, key: str) -> HttpResponse | None:
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    body, content_type, nonce = bytes(row[0]), row[1], row[2]
    current = _nonce(request)
    if nonce and current:
        body = body.replace(nonce.encode(), current.encode())
    return HttpResponse(body, content_type=content_type)


def _messages_waiting(request: HttpRequest) -> bool:
    return hasattr(request, "_messages") and len(get_messages(request)) > 0


def _keepable(request: HttpRequest, response: HttpResponse, csrf: str, wrote: bool) -> bool:
    own_headers = {name.lower() for name in response.headers} - {"content-type"}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not own_headers
        and response.get("Content-Type", "").startswith("text/html")
        and not wrote
        and not getattr(request, CLOCK_FLAG, False)
        and not request.session.modified
        and request.META.get("CSRF_COOKIE", "") == csrf
        and not _messages_waiting(request)
    )


def _owner(request: HttpRequest) -> str:
    return hashlib.sha256(str(request.session.session_key).encode()).hexdigest()


def _store(request: HttpRequest, key: str, built_at: int, nonce: str, response: HttpResponse) -> None:
    if len(response.content) > LARGEST:
        return
    owner = _owner(request)
    with connection.cursor() as cursor:
        cursor.execute(_STORE, [key, owner, built_at, nonce, response["Content-Type"], response.content])
        cursor.execute(_TRIM, [owner, owner, PER_SESSION])
    if random.randrange(PURGE_EVERY) == 0:  # noqa: S311 - spreading a chore, not security
        purge()


def purge() -> int:
    """Delete the kept pages no request can be served (built before the latest change) or older than KEEP_MINUTES."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_PURGE, [KEEP_MINUTES])
        return int(cursor.rowcount)


class _Undo:
    """The session and queued messages as they were before a build, to put back if it is rolled back."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.session = copy.deepcopy(dict(request.session.items()))
        self.modified = request.session.modified
        storage = getattr(request, "_messages", None)
        self.queued = len(getattr(storage, "_queued_messages", []))

    def restore(self) -> None:
        session = self.request.session
        session.clear()
        session.update(self.session)
        session.modified = self.modified
        queued = getattr(getattr(self.request, "_messages", None), "_queued_messages", None)
        if queued is not None:
            del queued[self.queued :]


def _build(view: View, request: HttpRequest, args: Any, kwargs: Any) -> tuple[HttpResponse, int, bool]:
    """The page, the generation it shows and whether building it wrote anything, from one snapshot."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        built_at = generation()  # the snapshot's first read: the count and the page see the same commits
        response = view(request, *args, **kwargs)
        render = getattr(response, "render", None)
        if callable(render) and not getattr(response, "is_rendered", True):
            render()  # a TemplateResponse's queries belong to the same snapshot
        with connection.cursor() as cursor:
            cursor.execute(_WROTE)
            wrote = bool(cursor.fetchone()[0])
    return response, built_at, wrote


def kept_page(view: View) -> View:
    """Serve this GET view's page as last built while no data has changed since (see the module's docstring).

    Goes inside the view's permission decorator, so who may see the page is checked on every request.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or not enabled() or connection.in_atomic_block or _messages_waiting(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        try:
            kept = _serve(request, key)
        except DatabaseError:
            # The kept pages are a saving, never a reason to fail: the page is built as without them.
            logger.exception("Kept pages could not be read; building the page")
            return view(request, *args, **kwargs)
        if kept is not None:
            return kept
        csrf = request.META.get("CSRF_COOKIE", "")
        nonce = _nonce(request)
        before = _Undo(request)
        try:
            response, built_at, wrote = _build(view, request, args, kwargs)
        except (OperationalError, IntegrityError) as error:
            if getattr(error.__cause__, "sqlstate", None) not in RETRIED:
                raise
            # The page wrote to a row another transaction changed since the snapshot (a first visit's
            # record, say): everything it did was rolled back, so it is built again as any page is.
            before.restore()
            return view(request, *args, **kwargs)
        if _keepable(request, response, csrf, wrote):
            try:
                _store(request, key, built_at, nonce, response)
            except DatabaseError:
                logger.exception("A built page could not be kept")
        return response

    return wrapper
