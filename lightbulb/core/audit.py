"""Writing and reading the audit trail.

Every service calls `audit_event_record` inside its own transaction, so an
event exists exactly when the change it describes was committed. The action is
one of `AuditAction`, named after the service that writes it.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from lightbulb.core.models import AuditAction, AuditEvent
from lightbulb.core.rules import SystemActor

__all__ = ["AuditAction", "audit_event_record", "audit_events_for", "audit_events_record_many", "diff", "snapshot"]


def _plain(value: Any) -> Any:
    """A JSON-safe, human-readable form of a field value."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` on `obj`, ready to compare."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose values differ, as {field: [before, after]}."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}


def _actor(actor: Any) -> tuple[Any, str]:
    """The signed-in user who acted (or None) and the label the trail shows."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = ""
    if user is not None:
        label = getattr(user, "display_name", "") or str(user)
    elif isinstance(actor, SystemActor):
        label = actor.label
    elif actor is not None and isinstance(actor, str):
        label = actor
    return user, label


def audit_event_record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    summary: str = "",
    organisation_id: int | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` to `obj`; `action` must be one of `AuditAction`."""
    if action not in AuditAction.values:
        raise ValueError(f"{action!r} is not an audit action: add it to AuditAction, named after the service that writes it")
    user, label = _actor(actor)
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label or "System",
        action=AuditAction(action),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        summary=summary[:500],
        changes=changes or {},
        organisation_id=organisation_id,
    )


def audit_events_record_many(*, actor: Any, action: AuditAction | str, entries: Iterable[tuple[models.Model, dict[str, Any], str, int | None]]) -> int:
    """`audit_event_record` for many objects at once (a bulk service): one entry per (object, changes, summary, organisation id), one statement."""
    if action not in AuditAction.values:
        raise ValueError(f"{action!r} is not an audit action: add it to AuditAction, named after the service that writes it")
    user, label = _actor(actor)
    events = [
        AuditEvent(
            actor=user,
            actor_label=label or "System",
            action=AuditAction(action),
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            summary=summary[:500],
            changes=changes or {},
            organisation_id=organisation_id,
        )
        for obj, changes, summary, organisation_id in entries
    ]
    return len(AuditEvent.objects.bulk_create(events, batch_size=1000))


def audit_events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")
