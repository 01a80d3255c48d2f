"""The administrator's home: imports that failed recently."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from lightbulb.core import page_cache
from lightbulb.core.rules import allowed, is_admin
from lightbulb.imports.models import ImportRun
from lightbulb.imports.rules import can_run_imports

DAYS = 30
SHOWN = 5


def failed_imports_panel(request: HttpRequest) -> dict[str, Any] | None:
    # Administrators keep the imports working; officers who run one see it on its own page.
    if not (allowed(is_admin, request.user) and allowed(can_run_imports, request.user)):
        return None
    page_cache.depends_on_clock(request)  # a failure leaves the window at a time of day
    since = timezone.now() - datetime.timedelta(days=DAYS)
    failed = ImportRun.objects.filter(status=ImportRun.Status.FAILED, created_at__gte=since).order_by("-created_at")
    return {
        "title": "Imports that failed",
        "template": "imports/panel_failed.html",
        "order": 14,
        "runs": list(failed[:SHOWN]),
        "count": failed.count(),
        "days": DAYS,
    }
