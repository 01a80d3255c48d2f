"""One migrated test database for the whole suite, copied into each test database instead of migrating it again.

Applying every migration takes most of a minute of one core (Django renders the historical
models again for each operation), and `make test` would do it once per pytest worker in each of
its SQLite and PostgreSQL stages. The first test database to be migrated is kept, named after a
fingerprint of everything migrations depend on (every migration file, the installed apps,
Django's version), and every later test database starts as a copy of it:

- on SQLite, a file under `var/test-databases/`, copied into each in-memory test database with
  SQLite's own backup;
- on PostgreSQL, a database on the server (`lightbulb_tpl_<fingerprint>`), from which each test
  database is made with `CREATE DATABASE … TEMPLATE`, PostgreSQL's own copy.

A changed migration changes the fingerprint, so a stale copy is never used, and copies of older
fingerprints are removed when a new one is kept. A copy that cannot be made (another process
holding the template, say) falls back to migrating as written. The migrations themselves are
still proved on PostgreSQL from nothing: the first run after any change migrates, and the
deployment stage (tests/deployment) runs `manage.py migrate` on a new database every time.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from lightbulb.core import page_cache

TEMPLATES = Path(settings.BASE_DIR) / "var" / "test-databases"
POSTGRES_PREFIX = "lightbulb_tpl_"


def fingerprint() -> str:
    """A digest of what the migrated schema and rows depend on."""
    digest = hashlib.sha256()
    digest.update(django.get_version().encode())
    for config in apps.get_app_configs():
        digest.update(config.name.encode())
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    # What migrate's post_migrate adds beside the migrations: the kept pages' tables and triggers.
    digest.update(Path(page_cache.__file__).read_bytes())
    return digest.hexdigest()[:16]


def template_path() -> Path:
    return TEMPLATES / f"sqlite-{fingerprint()}.sqlite3"


def _save(connection: Any, path: Path) -> None:
    """Write the migrated database to `path` whole or not at all (another worker may be writing it too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(partial, path)
    for older in path.parent.glob("sqlite-*.sqlite3"):
        if older != path:  # made before a migration changed: never used again
            older.unlink(missing_ok=True)


def _postgres_template() -> str:
    return f"{POSTGRES_PREFIX}{fingerprint()}"


def _postgres_clone(connection: Any, template: str) -> bool:
    """Remake the (new, empty) test database as a copy of `template`; False if there is none or it cannot be copied now."""
    quote, name = connection.ops.quote_name, connection.settings_dict["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if cursor.fetchone() is None:
            return False
        cursor.execute(f"DROP DATABASE {quote(name)}")
        try:
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        except DatabaseError:  # the template is in use or was just removed: an empty database, migrated as written
            cursor.execute(f"CREATE DATABASE {quote(name)}")
            return False
    return True


def _postgres_save(connection: Any, template: str) -> None:
    """Keep the migrated test database as `template`, whole or not at all, and remove templates of older fingerprints."""
    quote, name = connection.ops.quote_name, connection.settings_dict["NAME"]
    partial = f"{template}_{os.getpid()}"
    connection.close()
    with connection._nodb_cursor() as cursor:
        try:
            cursor.execute(f"CREATE DATABASE {quote(partial)} TEMPLATE {quote(name)}")
            cursor.execute(f"ALTER DATABASE {quote(partial)} RENAME TO {quote(template)}")
        except DatabaseError:  # another worker kept it first
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(partial)}")
            return
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s", [f"{POSTGRES_PREFIX}%", template])
        for (older,) in cursor.fetchall():
            try:
                cursor.execute(f"DROP DATABASE {quote(older)}")
            except DatabaseError:  # still being copied by a run of an older checkout; the next new fingerprint removes it
                continue


def _from_postgres_template(call_command: Callable[..., Any], connection: Any, *args: Any, **kwargs: Any) -> Any:
    template = _postgres_template()
    if _postgres_clone(connection, template):
        page_cache.install(connection)  # as migrate's post_migrate would (idempotent)
        return None
    result = call_command("migrate", *args, **kwargs)
    _postgres_save(connection, template)
    return result


def _from_sqlite_template(call_command: Callable[..., Any], connection: Any, *args: Any, **kwargs: Any) -> Any:
    path = template_path()
    connection.ensure_connection()
    if path.exists():
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        return None
    result = call_command("migrate", *args, **kwargs)
    _save(connection, path)
    return result


def migrate_from_template(call_command: Callable[..., Any]) -> Callable[..., Any]:
    """`call_command` as Django's test database creation uses it, with `migrate` served from the kept copy."""

    def wrapped(name: str, *args: Any, **kwargs: Any) -> Any:
        connection = connections[kwargs.get("database", DEFAULT_DB_ALIAS)]
        # Only the migration that makes a test database (Django asks it with run_syncdb); a test's own migrate runs as written.
        if name != "migrate" or not kwargs.get("run_syncdb"):
            return call_command(name, *args, **kwargs)
        if connection.vendor == "postgresql":
            return _from_postgres_template(call_command, connection, *args, **kwargs)
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            return _from_sqlite_template(call_command, connection, *args, **kwargs)
        return call_command(name, *args, **kwargs)

    return wrapped


def install() -> None:
    """Serve Django's test database migrations from the kept copy (tests/conftest.py calls this once)."""
    from django.core import management

    # Django's test database creation imports call_command from django.core.management when it runs.
    if not getattr(management.call_command, "from_template", False):
        wrapped = migrate_from_template(management.call_command)
        wrapped.from_template = True  # type: ignore[attr-defined]
        management.call_command = wrapped  # type: ignore[assignment]
