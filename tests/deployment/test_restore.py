"""docs/deployment.md's backup and restore steps, run as written: the restored service serves the same data.

A fresh PostgreSQL database gets the migrations and a small demo council; the guide's `pg_dump`
command dumps it; the guide's restore commands drop the database, recreate it and load the dump;
then every table holds the same rows as before, and gunicorn with production settings serves the
restored data.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.deployment.test_production_deploy import (
    COLLECTSTATIC,
    GUNICORN,
    ROOT,
    VENV_BIN,
    fresh_database,
    production_environment,
    run,
    running,
    wait_until_serving,
)
from tests.deployment.tools import Browser, free_port

pytestmark = pytest.mark.deployment

GUIDE = ROOT / "docs" / "deployment.md"


def _guide_block(heading: str) -> list[str]:
    """The commands of the first ```sh block under `heading` in the guide."""
    section = GUIDE.read_text().split(f"## {heading}\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, f"docs/deployment.md has no commands under '{heading}'"
    return [line for line in block.group(1).splitlines() if line.strip()]


def _shell(command: str, env: dict[str, str], cwd: Path) -> None:
    command = command.replace(".venv/bin/python manage.py", f"{VENV_BIN}/python {ROOT}/manage.py")
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"


def _table_fingerprints(database_url: str) -> dict[str, str]:
    """Each table's row count and a digest of its rows in a fixed order."""
    fingerprints: dict[str, str] = {}
    with psycopg.connect(database_url) as connection:
        tables = [row[0] for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            rows = connection.execute(f'SELECT t::text FROM "{table}" t ORDER BY 1').fetchall()
            digest = hashlib.sha256("\n".join(row[0] for row in rows).encode()).hexdigest()
            fingerprints[table] = f"{len(rows)}:{digest}"
    return fingerprints


def test_a_dump_restored_as_the_guide_says_serves_the_same_data(tmp_path):
    with fresh_database() as database_url:
        seeding = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG", "LC_ALL", "TZ")}
        seeding |= {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": database_url}
        _shell(".venv/bin/python manage.py migrate --noinput", seeding, ROOT)
        _shell(".venv/bin/python manage.py seed_demo --scale tiny --seed 7", seeding, ROOT)
        before = _table_fingerprints(database_url)
        assert int(before["organisations_organisation"].split(":")[0]) > 0

        parts = urlsplit(database_url)
        restoring = seeding | {
            "DATABASE_URL": database_url,
            "DATABASE_NAME": parts.path.lstrip("/"),
            "MAINTENANCE_URL": parts._replace(path="/postgres").geturl(),
        }
        for command in _guide_block("Backups"):
            _shell(command, restoring, tmp_path)
        assert (tmp_path / "lightbulb.dump").stat().st_size > 0
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("DELETE FROM organisations_organisation_areas_of_work")  # damage, so the restore must put it back
        for command in _guide_block("Restoring"):
            _shell(command, restoring, tmp_path)

        assert _table_fingerprints(database_url) == before

        port = free_port()
        env = production_environment(database_url=database_url, port=port, mail_port=free_port(), tmp=tmp_path)
        run(COLLECTSTATIC, env)
        with running([GUNICORN], env, tmp_path, port) as logs:
            wait_until_serving(port, logs)
            with psycopg.connect(database_url) as connection:
                titles = [row[0] for row in connection.execute("SELECT title FROM compact_consultation")]
            answer = Browser(port).get("/compact/public/consultations/")
            assert answer.status == 200, answer.text[:500]
            page = html.unescape(answer.text)
            assert any(title in page for title in titles), "the restored consultations are listed"
