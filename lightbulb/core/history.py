"""The History page every record has: who, when, before → after."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lightbulb.core.audit import audit_events_for

# Fields the system keeps for itself; a person reading the history has no use for them.
BOOKKEEPING_FIELDS = frozenset({"human_edited_fields", "name_key", "created_at", "updated_at"})


def _label(model: type[models.Model], name: str) -> str:
    """A field's name as a person reads it: its verbose name, or the code name in words."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # not a model field, e.g. a count in an audit summary
        return name.replace("_", " ")
    return str(getattr(field, "verbose_name", name.replace("_", " ")))


def _shown(value: Any) -> Any:
    """Lists (areas of work, wards) as a comma-separated list rather than Python's own notation."""
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(item.get("name", item) if isinstance(item, dict) else item) for item in value)
    return value


def _field_changes(record: Any) -> list[dict[str, Any]]:
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    model = type(record.instance)
    return [
        {"field": _label(model, change.field), "before": _shown(change.old), "after": _shown(change.new)}
        for change in delta.changes
        if change.field not in BOOKKEEPING_FIELDS
    ]


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
                    {"field": _label(type(obj), key), "before": _shown(value[0]), "after": _shown(value[1])}
                    for key, value in event.changes.items()
                    if isinstance(value, list) and len(value) == 2
                ],
                "reason": "",
            }
        )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries


def render_history(request: HttpRequest, *, obj: models.Model, title: str, back_url: str) -> HttpResponse:
    return render(request, "core/history.html", {"obj": obj, "title": title, "back_url": back_url, "entries": history_entries(obj)})
