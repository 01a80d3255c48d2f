"""Core's own panels on the home page: the service's health for administrators, and what the
service offers council staff. Other modules add theirs through `registry.dashboard_panels`."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lightbulb.core import page_cache
from lightbulb.core.models import DutyRun
from lightbulb.core.rules import allowed, is_admin, is_council_staff

FAILED_TASKS_DAYS = 7
# A task waiting longer than this suggests no worker is running.
QUEUE_WAIT_WARNING = datetime.timedelta(minutes=15)


def _duties() -> dict[str, Any]:
    last = DutyRun.objects.order_by("-started_at").first()
    if last is None:
        return {"last": None, "late": True}
    today = timezone.localdate()
    return {"last": last.started_at, "names": DutyRun.objects.filter(day=last.day).count(), "late": last.day < today - datetime.timedelta(days=1)}


def _tasks() -> dict[str, Any]:
    now = timezone.now()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__isnull=True) | DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__lte=now
    )
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, enqueued_at__gte=now - datetime.timedelta(days=FAILED_TASKS_DAYS))
    return {
        "queued": waiting.count(),
        "running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        "failed": failed.count(),
        "failed_names": sorted({row.rsplit(".", 1)[-1].replace("_", " ") for row in failed.values_list("task_path", flat=True)})[:5],
        "stuck": oldest is not None and now - oldest > QUEUE_WAIT_WARNING,
        "oldest": oldest,
    }


def service_health_panel(request: HttpRequest) -> dict[str, Any] | None:
    """For administrators: did the daily duties run, and is the background worker keeping up?"""
    if not allowed(is_admin, request.user):
        return None
    page_cache.depends_on_clock(request)  # how long the oldest task has waited
    return {
        "title": "The service's health",
        "template": "core/panel_health.html",
        "order": 10,
        "duties": _duties(),
        "tasks": _tasks(),
        "failed_days": FAILED_TASKS_DAYS,
    }


def staff_panel(request: HttpRequest) -> dict[str, Any] | None:
    """For council staff: what the service offers them today."""
    if not allowed(is_council_staff, request.user):
        return None
    return {"title": "What Lightbulb offers you", "template": "core/panel_staff.html", "order": 10}
