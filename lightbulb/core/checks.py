"""The checks a service makes on what it is given, in the words its form shows.

A form parses what a person typed and shows a message next to each field; the
service it calls runs the same checks again on whatever it is handed (a form's
cleaned data, a task, a command, the shell or the API), so no caller skips a
rule. `FieldChecks` gathers the messages by field and raises one
ValidationError({field: [messages]}) that `add_service_errors` puts back next
to the form's fields.

Messages default to Django's own form wording, so a form that does not set its
own message and the service say the same thing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, URLValidator

from lightbulb.core.forms import no_markup

REQUIRED = "This field is required."
INVALID_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."
INVALID_EMAIL = "Enter a valid email address."
INVALID_URL = "Enter a valid URL."


def as_text(value: Any) -> str:
    """What a text field holds: None is empty, and anything else is read as its text, trimmed."""
    if value is None:
        return ""
    return (value if isinstance(value, str) else str(value)).strip()


def _django_message(validator: Callable[[Any], None], value: Any) -> str | None:
    try:
        validator(value)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


class FieldChecks:
    """Messages by field; `raise_if_any()` raises them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def failed(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def text(
        self,
        field: str,
        value: Any,
        *,
        required: str | None = None,
        max_length: int | None = None,
        too_long: str | None = None,
        markup: bool = False,
    ) -> str:
        """Trimmed text; `required` is the message when it is empty (None: it may be empty)."""
        text = as_text(value)
        if not text:
            if required is not None:
                self.add(field, required)
            return text
        if max_length is not None and len(text) > max_length:
            self.add(field, too_long or _django_message(MaxLengthValidator(max_length), text) or "")
        if not markup:
            message = _django_message(no_markup, text)
            if message:
                self.add(field, message)
        return text

    def choice(self, field: str, value: Any, choices: Iterable[Any], *, required: str | None = None, invalid: str = INVALID_CHOICE) -> str:
        """One of `choices` (their stored values); `invalid` may name the value as %(value)s."""
        text = as_text(value)
        if not text:
            if required is not None:
                self.add(field, required)
            return text
        if text not in {str(choice) for choice in choices}:
            self.add(field, invalid % {"value": text} if "%(value)s" in invalid else invalid)
        return text

    def email(self, field: str, value: Any, *, invalid: str = INVALID_EMAIL, max_length: int = 254) -> str:
        text = as_text(value)
        if text and (len(text) > max_length or _django_message(EmailValidator(), text)):
            self.add(field, invalid)
        return text

    def url(self, field: str, value: Any, *, invalid: str = INVALID_URL, max_length: int = 200, too_long: str | None = None) -> str:
        text = as_text(value)
        if not text:
            return text
        if _django_message(URLValidator(), text):
            self.add(field, invalid)
        elif len(text) > max_length:
            self.add(field, too_long or _django_message(MaxLengthValidator(max_length), text) or "")
        return text

    def date(self, field: str, value: Any, *, required: str | None = None, invalid: str = "Enter a real date") -> datetime.date | None:
        """A date (not a date and time), or None when it may be empty."""
        if value is None or value == "":
            if required is not None:
                self.add(field, required)
            return None
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            self.add(field, invalid)
            return None
        return value

    def objects(self, field: str, values: Any, model: type[Any], *, invalid: str, allow_ids: bool = True) -> list[Any]:
        """Rows of `model` given as instances (or primary keys); any other value, or a row not in the database, is `invalid`."""
        if values is None:
            return []
        keys = [_key(item, model, allow_ids) for item in values] if _is_list(values) else [None]
        found = {row.pk: row for row in model.objects.filter(pk__in=[key for key in keys if key is not None])}
        if any(key not in found for key in keys):
            self.add(field, invalid)
            return []
        return [found[key] for key in keys]


def _is_list(values: Any) -> bool:
    return isinstance(values, Iterable) and not isinstance(values, (str, bytes, dict))


def _key(item: Any, model: type[Any], allow_ids: bool) -> Any:
    """The primary key `item` names: a row of `model`, or (with `allow_ids`) a whole number; None for anything else."""
    if isinstance(item, model):
        return item.pk
    if allow_ids and isinstance(item, int) and not isinstance(item, bool):
        return item
    return None
