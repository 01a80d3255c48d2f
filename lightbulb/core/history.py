"""The History page every record has: who, when, before → after."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lightbulb.core.audit import audit_events_for


def _field_changes(record: Any) -> list[dict[str, Any]]:
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    return [{"field": record.instance._meta.get_field(change.field).verbose_name, "before": change.old, "after": change.new} for change in delta.changes]


def history_entries(obj: models.Model) -> list[dict[str, Any]]:
    """Field history (django-simple-history) and audit events, newest first."""
    entries: list[dict[str, Any]] = []
    history = getattr(obj, "history", None)
    if history is not None:
        for record in history.select_related("history_user").order_by("-history_date")[:200]:
            entries.append(
                {
                    "when": record.history_date,
                    "who": getattr(record.history_user, "display_name", None) or "System",
                    "what": {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type],
                    "changes": _field_changes(record),
                    "reason": record.history_change_reason or "",
                }
            )
    for event in audit_events_for(obj)[:200]:
        entries.append(
            {
                "when": event.occurred_at,
                "who": event.actor_label,
                "what": event.summary or event.action.replace("_", " ").capitalize(),
                "changes": [
                    {"field": key, "before": value[0], "after": value[1]} for key, value in event.changes.items() if isinstance(value, list) and len(value) == 2
                ],
                "reason": "",
            }
        )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries


def render_history(request: HttpRequest, *, obj: models.Model, title: str, back_url: str) -> HttpResponse:
    return render(request, "core/history.html", {"obj": obj, "title": title, "back_url": back_url, "entries": history_entries(obj)})
