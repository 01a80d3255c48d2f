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
- **Shared between readers of the same rights when the page shows nothing personal.** A page is
  built with the signed-in person behind a `_Reader` that records what the page reads of them. If
  it read only their rights (`RIGHTS`: role, active, staff, two-factor state), it is kept under a
  key of those values in place of the session, so every officer is served the page one officer had
  built. Anything else read (their id, name, e-mail address, memberships, an equality test) keeps
  it for that session only. The header's name (`account_name`) and every CSRF token are put in
  slots when the page is built and filled for each reader when it is served, so no reader's token
  or name is ever in a kept page.
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
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.messages import get_messages
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH, get_token
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.html import escape
from markupsafe import Markup

from lightbulb.core import visits
from lightbulb.core.middleware import REFRESHED_KEY

logger = logging.getLogger(__name__)
# The inverse of get_token's masking, to find the tokens a page was built with.
_unmask_cipher_token = csrf._unmask_cipher_token  # type: ignore[attr-defined]

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
# What a shared page may read of the person it is built for: their rights, nothing that says who
# they are. Each is in the shared key (a callable, such as django-otp's is_verified, by its result).
RIGHTS = ("is_authenticated", "is_anonymous", "is_active", "role", "is_staff", "is_superuser", "needs_two_factor", "is_verified")
# Session data that says who is signed in and how, not what a page shows, left out of the shared
# key. The home page's "since your last visit" is personal: the home page shows the person's name,
# so it is never shared.
SIGN_IN_SESSION_KEYS = frozenset({SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY, "otp_device_id", visits.SESSION_KEY}) | IGNORED_SESSION_KEYS
SHARED_OWNER = "shared"
SLOT_ATTRIBUTE = "_lightbulb_kept_slots"
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)
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
ALTER TABLE lightbulb_page_cache ADD COLUMN IF NOT EXISTS slots text NOT NULL DEFAULT '{}';
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

_LOOKUP = """
SELECT body, content_type, nonce, slots FROM lightbulb_page_cache
WHERE key = ANY(%s) AND generation = (SELECT sum(n) FROM lightbulb_data_generation) LIMIT 1
"""
_STORE = """
INSERT INTO lightbulb_page_cache (key, owner, generation, nonce, slots, content_type, body) VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (key) DO UPDATE SET generation = EXCLUDED.generation, nonce = EXCLUDED.nonce, slots = EXCLUDED.slots,
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


def _headers(request: HttpRequest) -> str:
    return json.dumps(sorted((name.lower(), value) for name, value in request.headers.items() if name.lower().startswith("hx-") or name.lower() == "accept"))


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _session_data(request: HttpRequest, left_out: frozenset[str]) -> str:
    return json.dumps({name: value for name, value in request.session.items() if name not in left_out}, sort_keys=True, default=str)


def _keys(request: HttpRequest) -> tuple[str, str] | None:
    """This session's key for the page and the key of the page shared by readers of the same rights."""
    session = getattr(request, "session", None)
    csrf = request.META.get("CSRF_COOKIE", "")
    if session is None or not session.session_key or not csrf:
        # A response that will set a new session or CSRF cookie is never kept.
        return None
    user = _unwrapped(getattr(request, "user", None))
    common = [fingerprint(), request.get_full_path(), _headers(request), timezone.localdate().isoformat()]
    own = _digest(
        [
            *common,
            session.session_key,
            _session_data(request, IGNORED_SESSION_KEYS),
            csrf,
            # The person as loaded for this request: a role, name or password changed since a page was
            # built (in a snapshot taken after the change, from the record loaded before it) is a new key.
            _person(user),
        ]
    )
    shared = _digest([*common, SHARED_OWNER, _session_data(request, SIGN_IN_SESSION_KEYS), _rights(user)])
    return own, shared


def _unwrapped(user: Any) -> Any:
    """The person behind Django's and django-otp's lazy wrappers: each field read through both cost more than the lookup."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def _person(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    fields = {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}
    verified = getattr(user, "is_verified", None)
    fields["two_factor_verified"] = bool(verified()) if callable(verified) else None
    return json.dumps(fields, sort_keys=True, default=str)


def _rights(user: Any) -> str:
    """The person's rights as loaded for this request: all a shared page may depend on."""
    values: dict[str, Any] = {}
    for name in RIGHTS:
        value = getattr(user, name, None)
        values[name] = bool(value()) if callable(value) else value
    return json.dumps(values, sort_keys=True, default=str)


class _Reader:
    """The signed-in person as a page being built sees them, noting what it reads that is not a right.

    Behaves as the user (isinstance, attributes, predicates) but records every attribute read
    outside `RIGHTS`, and any comparison, hash, text or change of it: a page that did any of these
    may show something of this person, and is kept for their session only.
    """

    __slots__ = ("_lb_personal", "_lb_user")

    def __init__(self, user: Any) -> None:
        object.__setattr__(self, "_lb_user", user)
        object.__setattr__(self, "_lb_personal", [])

    def _lb_note(self, what: str) -> Any:
        object.__getattribute__(self, "_lb_personal").append(what)
        return object.__getattribute__(self, "_lb_user")

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance(request.user, User) holds as before
        return object.__getattribute__(self, "_lb_user").__class__  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        user = object.__getattribute__(self, "_lb_user")
        if name not in RIGHTS:
            object.__getattribute__(self, "_lb_personal").append(name)
        return getattr(user, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._lb_note(f"set {name}"), name, value)

    def __eq__(self, other: object) -> bool:
        return bool(self._lb_note("==") == other)

    def __ne__(self, other: object) -> bool:
        return bool(self._lb_note("!=") != other)

    def __hash__(self) -> int:
        return hash(self._lb_note("hash"))

    def __str__(self) -> str:
        return str(self._lb_note("str"))

    def __repr__(self) -> str:
        return repr(self._lb_note("repr"))

    def __delattr__(self, name: str) -> None:
        delattr(self._lb_note(f"del {name}"), name)

    # object's own ways to the whole person (found on the class, so __getattr__ never sees them).
    def __getstate__(self) -> Any:
        return self._lb_note("getstate").__getstate__()

    def __reduce__(self) -> Any:
        return self._lb_note("reduce").__reduce__()

    def __reduce_ex__(self, protocol: Any) -> Any:
        return self._lb_note("reduce").__reduce_ex__(protocol)

    def __copy__(self) -> Any:
        return copy.copy(self._lb_note("copy"))

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return copy.deepcopy(self._lb_note("copy"), memo)


def _personal_reads(reader: _Reader) -> list[str]:
    return list(object.__getattribute__(reader, "_lb_personal"))


def account_name(request: HttpRequest) -> str:
    """The signed-in person's name for the page's header: a slot filled for each reader when the page is being kept."""
    slots = getattr(request, SLOT_ATTRIBUTE, None)
    if slots is not None:
        return Markup(slots["name"])  # noqa: S704 - the slot is this module's own random letters
    return str(request.user.display_name)  # type: ignore[union-attr]


def _nonce(request: HttpRequest) -> str:
    return str(getattr(request, "csp_nonce", "") or "")


def _fill(request: HttpRequest, body: bytes, nonce: str, slots: dict[str, str]) -> bytes:
    """A kept body with this request's CSP nonce, CSRF token and name in its slots."""
    current = _nonce(request)
    if nonce and current:
        body = body.replace(nonce.encode(), current.encode())
    if slots.get("csrf") and slots["csrf"].encode() in body:
        body = body.replace(slots["csrf"].encode(), get_token(request).encode())
    if slots.get("name") and slots["name"].encode() in body:
        user: Any = request.user
        body = body.replace(slots["name"].encode(), str(escape(user.display_name)).encode())
    return body


def _serve(request: HttpRequest, keys: tuple[str, str]) -> HttpResponse | None:
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP, [list(keys)])
        row = cursor.fetchone()
    if row is None:
        return None
    body, content_type, nonce, slots = bytes(row[0]), row[1], row[2], json.loads(row[3] or "{}")
    return HttpResponse(_fill(request, body, nonce, slots), content_type=content_type)


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


def _store(request: HttpRequest, key: str, page: _Page) -> None:
    if len(page.body) > LARGEST:
        return
    # Shared or not, a page counts against the session that had it built: varying a query string
    # cannot fill the disk, whoever may then be served the page.
    owner = _owner(request)
    with connection.cursor() as cursor:
        cursor.execute(_STORE, [key, owner, page.built_at, page.nonce, json.dumps(page.slots), page.content_type, page.body])
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


@dataclass
class _Page:
    """A page as built for keeping: its body with slots for the reader's CSRF token and name."""

    body: bytes
    content_type: str
    built_at: int
    nonce: str
    slots: dict[str, str]
    # What the page read of its reader beyond their rights: if anything, it is not shared.
    personal: list[str]


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


def _build_with_slots(view: View, request: HttpRequest, args: Any, kwargs: Any) -> tuple[HttpResponse, _Page | None, bool]:
    """Build the page for a reader whose CSRF token and name go in slots and whose reads are noted.

    Returns the response for this request (its slots filled), the page to keep (None if it may not
    be: the view changed the CSRF cookie) and whether the build wrote.
    """
    csrf = request.META["CSRF_COOKIE"]
    needs_update = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    # Tokens are rendered from a stand-in secret, so none carries this reader's; each is a slot.
    stand_in = "".join(secrets.choice(CSRF_ALLOWED_CHARS) for _ in range(CSRF_SECRET_LENGTH))
    slots = {"csrf": f"lb-kept-csrf-{secrets.token_hex(16)}", "name": f"lb-kept-name-{secrets.token_hex(16)}"}
    user = request.user
    reader = _Reader(user)
    request.META["CSRF_COOKIE"] = stand_in
    setattr(request, SLOT_ATTRIBUTE, slots)
    request.user = reader  # type: ignore[assignment]
    try:
        response, built_at, wrote = _build(view, request, args, kwargs)
    finally:
        request.user = user
        delattr(request, SLOT_ATTRIBUTE)
        changed = request.META.get("CSRF_COOKIE") != stand_in
        if not changed:
            request.META["CSRF_COOKIE"] = csrf
            if needs_update is None:
                request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
            else:
                request.META["CSRF_COOKIE_NEEDS_UPDATE"] = needs_update
    if changed or response.streaming:
        # The view set a CSRF cookie of its own (or streams): served as it is, never kept.
        return response, None, wrote
    body = _TOKEN.sub(lambda match: slots["csrf"].encode() if _unmask_cipher_token(match.group().decode()) == stand_in else match.group(), response.content)
    page = _Page(body, response.get("Content-Type", ""), built_at, _nonce(request), slots, _personal_reads(reader))
    response.content = _fill(request, body, "", slots)
    return response, page, wrote


def _build_and_keep(view: View, request: HttpRequest, keys: tuple[str, str], args: Any, kwargs: Any) -> HttpResponse:
    """Build the page and keep it: shared if it read nothing of its reader but their rights, else for the session."""
    csrf = request.META.get("CSRF_COOKIE", "")
    before = _Undo(request)
    try:
        response, page, wrote = _build_with_slots(view, request, args, kwargs)
    except (OperationalError, IntegrityError) as error:
        if getattr(error.__cause__, "sqlstate", None) not in RETRIED:
            raise
        # The page wrote to a row another transaction changed since the snapshot (a first visit's
        # record, say): everything it did was rolled back, so it is built again as any page is.
        before.restore()
        return view(request, *args, **kwargs)
    if page is not None and _keepable(request, response, csrf, wrote):
        own, shared = keys
        try:
            _store(request, own if page.personal else shared, page)
        except DatabaseError:
            logger.exception("A built page could not be kept")
    return response


def kept_page(view: View) -> View:
    """Serve this GET view's page as last built while no data has changed since (see the module's docstring).

    Goes inside the view's permission decorator, so who may see the page is checked on every request.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or not enabled() or connection.in_atomic_block or _messages_waiting(request):
            return view(request, *args, **kwargs)
        keys = _keys(request)
        if keys is None:
            return view(request, *args, **kwargs)
        try:
            kept = _serve(request, keys)
        except DatabaseError:
            # The kept pages are a saving, never a reason to fail: the page is built as without them.
            logger.exception("Kept pages could not be read; building the page")
            return view(request, *args, **kwargs)
        if kept is not None:
            return kept
        return _build_and_keep(view, request, keys, args, kwargs)

    return wrapper
