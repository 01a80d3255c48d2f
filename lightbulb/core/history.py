"""The History page every record has: who, when, before → after."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lightbulb.core.audit import audit_events_for

# Fields the system keeps for itself; a person reading the history has no use for them.
BOOKKEEPING_FIELDS = frozenset({"human_edited_fields", "name_key", "created_at", "updated_at", "version"})


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # not a model field, e.g. a count in an audit summary
        return None


def _label(model: type[models.Model], name: str) -> str:
    """A field's name as a person reads it: its verbose name, or the code name in words."""
    return str(getattr(_field(model, name), "verbose_name", name.replace("_", " ")))


def _shown(value: Any, field: Any = None) -> Any:
    """A value as a person reads it.

    A choice shows its label ("Under review", not "under_review"); lists (areas
    of work, wards) are a comma-separated list rather than Python's own notation.
    """
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(item.get("name", item) if isinstance(item, dict) else item) for item in value)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if choices and isinstance(value, (str, int)) and value in choices:
        return str(choices[value])
    return value


def _change(model: type[models.Model], name: str, before: Any, after: Any) -> dict[str, Any]:
    field = _field(model, name)
    return {"field": _label(model, name), "before": _shown(before, field), "after": _shown(after, field)}


def _field_changes(record: Any) -> list[dict[str, Any]]:
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    model = type(record.instance)
    return [_change(model, change.field, change.old, change.new) for change in delta.changes if change.field not in BOOKKEEPING_FIELDS]


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
                    "summary": "",
                    "changes": _field_changes(record),
                    "reason": record.history_change_reason or "",
                }
            )
    for event in audit_events_for(obj)[:200]:
        what = event.get_action_display()
        entries.append(
            {
                "when": event.occurred_at,
                "who": event.actor_label,
                "what": what,
                "summary": event.summary if event.summary != what else "",
                "changes": [_change(type(obj), key, value[0], value[1]) for key, value in event.changes.items() if isinstance(value, list) and len(value) == 2],
                "reason": "",
            }
        )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries


def render_history(request: HttpRequest, *, obj: models.Model, title: str, back_url: str) -> HttpResponse:
    return render(request, "core/history.html", {"obj": obj, "title": title, "back_url": back_url, "entries": history_entries(obj)})
