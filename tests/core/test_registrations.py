"""Registrations are made by AppConfig.ready(), in every process, without loading the URLconf.

A worker, the scheduler or a management command never resolves a URL before it
moves an agreement or sends the digest, so the life-cycle guards, the deadline
sources, the daily duties and the dashboard panels must not depend on
`config.urls` (or a module's urls.py) having been imported. The check runs in a
fresh interpreter: in the test process the URLconf is long loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from lightbulb.core.registry import registry
from django.urls import resolvers

def resolvers_built():
    # Django caches each URL resolver it builds (a private detail: 0 when it cannot tell).
    cached = getattr(resolvers, "_get_cached_resolver", None)
    return cached.cache_info().currsize if hasattr(cached, "cache_info") else 0

print(json.dumps({
    "guards": [guard.__name__ for guard in registry.guards_for("agreement")],
    "deadlines": sorted(registry.deadlines),
    "daily_duties": sorted(registry.daily_duties),
    "dashboard_panels": sorted(registry.dashboard_panels),
    "ward_sections": sorted(registry.ward_sections),
    "ward_columns": sorted(registry.ward_columns),
    "message_attachments": sorted(registry.message_attachments),
    "exports": sorted(registry.exports),
    "published_files": sorted(registry.published_files),
    "url_modules": sorted(name for name in sys.modules if name == "config.urls" or (name.startswith("lightbulb.") and name.endswith(".urls"))),
    "resolvers_built": resolvers_built(),
}))
"""


def _registrations_in_a_fresh_process() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_registration_is_made_by_django_setup_alone():
    found = _registrations_in_a_fresh_process()
    # The agreement life-cycle's guards: an award needs due diligence, an advance payment its tier's leave, and
    # decommissioning blocks a step while a notice is running.
    assert {"due_diligence_guard", "advance_payment_guard", "decommissioning_blockers"} <= set(found["guards"])
    assert {"returns", "payments", "reviews", "notices"} <= set(found["deadlines"])
    assert "digest" in found["daily_duties"]
    assert "clear_expired_sessions" in found["daily_duties"]
    # Open data's files are generated again every morning, besides after each change.
    assert "open_data_generate" in found["daily_duties"]
    # ... and list themselves for the API, which may not import open data.
    assert found["published_files"] == ["opendata"]
    assert {
        # core's own
        "deadlines",
        # funding's
        "funding_my_agreements",
        "funding_returns",
        "funding_payments",
        "funding_reviews",
        "funding_portal_returns",
        "portal_notices",
        # the register's
        "organisations_duplicates",
        "portal_claims",
        "portal_profile_changes",
        "portal_organisations",
    } <= set(found["dashboard_panels"])
    assert "organisations" in found["ward_sections"]
    assert "organisations" in found["ward_columns"]
    # The worker builds a notice's letter when it sends the notice's e-mail.
    assert "funding.notice_letter" in found["message_attachments"]
    # The worker writes every list's download, so it must know every list without the URLconf.
    assert {"wards", "localities", "organisations", "duplicates", "areas_of_work", "users", "import_runs", "tiers", "spend_by_year", "spend_by_ward"} <= set(
        found["exports"]
    )
    assert "exports_clear" in found["daily_duties"]
    # Nothing above needed the URLconf: no urls module was imported and no resolver was built.
    assert found["url_modules"] == []
    assert found["resolvers_built"] == 0
