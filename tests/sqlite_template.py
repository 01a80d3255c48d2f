"""One migrated SQLite database for the whole suite, copied into each test database instead of migrating it again.

Applying every migration takes most of a minute of one core (Django renders the historical
models again for each operation), and `make test` would do it once per pytest worker on SQLite
in two stages. The first test database to be migrated is saved under `var/test-databases/`,
named after a fingerprint of everything migrations depend on (every migration file, the
installed apps, Django's version), and every later in-memory test database starts as a copy of
it, made with SQLite's own backup. A changed migration changes the fingerprint, so a stale copy
is never used; PostgreSQL always migrates (its stage is also where the migrations themselves are
proved on the production engine).
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
from django.db import DEFAULT_DB_ALIAS, connections

TEMPLATES = Path(settings.BASE_DIR) / "var" / "test-databases"


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


def migrate_from_template(call_command: Callable[..., Any]) -> Callable[..., Any]:
    """`call_command` as Django's test database creation uses it, with `migrate` served from the saved copy on SQLite."""

    def wrapped(name: str, *args: Any, **kwargs: Any) -> Any:
        connection = connections[kwargs.get("database", DEFAULT_DB_ALIAS)]
        # Only the migration that makes a test database (Django asks it with run_syncdb); a test's own migrate runs as written.
        if name != "migrate" or not kwargs.get("run_syncdb") or connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return call_command(name, *args, **kwargs)
        path = template_path()
        connection.ensure_connection()
        if path.exists():
            with sqlite3.connect(path) as source:
                source.backup(connection.connection)
            return None
        result = call_command(name, *args, **kwargs)
        _save(connection, path)
        return result

    return wrapped


def install() -> None:
    """Serve Django's test database migrations from the saved copy (tests/conftest.py calls this once)."""
    from django.core import management

    # Django's test database creation imports call_command from django.core.management when it runs.
    if not getattr(management.call_command, "from_template", False):
        wrapped = migrate_from_template(management.call_command)
        wrapped.from_template = True  # type: ignore[attr-defined]
        management.call_command = wrapped  # type: ignore[assignment]
