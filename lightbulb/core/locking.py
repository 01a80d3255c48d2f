"""No lost work: a save begun from an older copy of a record is refused, not written over.

Two officers open the same record; the first saves; the second's save would silently undo the
first's. Each shared record people edit carries a `version` (`version_field()`), which goes up by
one with each saved change. The edit form carries the version it was opened at in a hidden field
(`core.forms.VersionedForm`) and the view passes it to the update service as `expected_version`.
The service, inside its transaction and before it checks or writes anything:

    lock_for_edit(record, expected_version, submitted)   # locks the row; StaleEdit if it moved on
    ...checks, full_clean(), save()...
    version_advance(record)                                # only when something changed

`StaleEdit` is a ValidationError without a field: the view shows it in the error summary with
`add_service_errors`, keeps the officer's own input in the bound form, and moves its hidden version
on to the current one, so saving again (after reading what changed) goes through. A service called
without `expected_version` (an import, the shell, the API) still locks the row and advances the version.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

__all__ = ["StaleEdit", "lock_for_edit", "stale_edit_message", "version_advance", "version_field"]

# A current value longer than this is cut short in the message: the page below shows the field anyway.
_SHOWN_LENGTH = 80


def version_field() -> models.PositiveIntegerField:  # type: ignore[type-arg]  # the stubs make the field generic
    """The `version` of a record people edit: 1 when created, one more with each saved change."""
    return models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one each time the record is changed; a change begun from an older version is refused.",
    )


class StaleEdit(ValidationError):
    """The record was changed by someone else after this person opened it; nothing was written."""

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message, code="stale_edit")
        self.current_version = current_version


def lock_for_edit(record: models.Model, expected_version: int | None, submitted: Mapping[str, Any] | None = None) -> None:
    """Lock `record`'s row; refuse with StaleEdit when it is no longer at `expected_version`.

    `submitted` is what the person sent, by field name: the message lists the fields whose
    current value differs from it. Without `expected_version` nothing is refused. Either way
    `record.version` is brought up to the locked row's, so `version_advance` counts on from it.
    """
    current = type(record)._base_manager.select_for_update().get(pk=record.pk)
    current_version: int = current.version  # type: ignore[attr-defined]
    if expected_version is not None and expected_version != current_version:
        raise StaleEdit(stale_edit_message(current, submitted or {}), current_version=current_version)
    record.version = current_version  # type: ignore[attr-defined]


def version_advance(record: models.Model) -> None:
    """Count one more saved change on `record` (after `lock_for_edit`, once something really changed)."""
    type(record)._base_manager.filter(pk=record.pk).update(version=models.F("version") + 1)
    record.version += 1  # type: ignore[attr-defined]


def stale_edit_message(current: models.Model, submitted: Mapping[str, Any]) -> str:
    """'This record was changed by someone else since you opened it: Title is now 'X'. …'"""
    changed = [f"{_label(field)} is now {_words(current, field)}" for field in _fields(current, submitted) if not _same(current, field, submitted[field.name])]
    opening = "This record was changed by someone else since you opened it"
    if changed:
        opening = f"{opening}: {'; '.join(changed)}"
    return f"{opening}. Your changes have not been saved: they are below, so check them against the record and save again."


def _fields(current: models.Model, submitted: Mapping[str, Any]) -> list[Any]:
    """The model fields among the submitted names (anything else, such as a reason, is left out)."""
    fields = []
    for name in submitted:
        try:
            fields.append(current._meta.get_field(name))
        except FieldDoesNotExist:
            continue
    return fields


def _is_many(field: Any) -> bool:
    return bool(field.many_to_many or field.one_to_many)


def _label(field: Any) -> str:
    label = str(getattr(field, "verbose_name", "") or field.related_model._meta.verbose_name_plural)
    return label[:1].upper() + label[1:]


def _key(value: Any) -> str:
    """A value reduced to what a person would call the same: a record by its id, text without spacing differences."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, str):
        return " ".join(value.split())
    return str(value)


def _same(current: models.Model, field: Any, value: Any) -> bool:
    try:
        return _same_value(current, field, value)
    except (TypeError, ValueError):  # something no form sends (the service's own checks say so when it is saved)
        return False


def _same_value(current: models.Model, field: Any, value: Any) -> bool:
    if _is_many(field):
        stored = {str(pk) for pk in getattr(current, field.name).values_list("pk", flat=True)}
        return stored == {_key(item) for item in value or ()}
    if field.is_relation:
        return _key(getattr(current, field.attname)) == _key(value)
    stored_value = getattr(current, field.name)
    if isinstance(stored_value, decimal.Decimal) and value not in (None, ""):
        try:
            return bool(stored_value == decimal.Decimal(str(value)))
        except decimal.InvalidOperation:
            return False
    return _key(stored_value) == _key(value)


def _words(current: models.Model, field: Any) -> str:
    """The stored value as a person reads it, quoted; 'blank' when there is none."""
    if _is_many(field):
        return _quoted(", ".join(sorted(str(item) for item in getattr(current, field.name).all())))
    if field.choices:
        value = getattr(current, field.name)
        return _quoted("" if value in (None, "") else str(getattr(current, f"get_{field.name}_display")()))
    return _quoted(_text(getattr(current, field.name)))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, decimal.Decimal):
        return f"{value:,}"
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(str(item) for item in value)
    return "" if value is None else " ".join(str(value).split())


def _quoted(text: str) -> str:
    if not text:
        return "blank"
    if len(text) > _SHOWN_LENGTH:
        text = text[: _SHOWN_LENGTH - 1].rstrip() + "…"
    return f"'{text}'"
