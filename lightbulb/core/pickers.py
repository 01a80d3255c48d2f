"""Pickers that scale: choosing one record out of hundreds of thousands without a `<select>` of every row.

A `PickerField` is a text box. With JavaScript, `frontend/js/lightbulb.js` turns every
`input[data-picker]` into an accessible-autocomplete whose suggestions come from the JSON search
endpoint the field names (`{"results": [{"id": 1, "label": "…"}]}`, at most `PICKER_RESULTS`);
a suggestion's label ends with the record's number, `(#123)`, so the choice is exact. Without
JavaScript it is search-then-choose: the text typed is searched when the form is sent; one match is
taken, several come back as radios to choose from (the form shows them with the field's error),
none says so.

The module that owns the records supplies the search (a function `(queryset, text) → queryset`,
best match first) and the label; `picker_response` answers the endpoint with the same two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse_lazy

PICKER_RESULTS = 10
# The ambiguous text comes back as up to this many radios.
CHOICES_SHOWN = 10
_CHOSEN = re.compile(r"\(#(\d+)\)\s*$|^#(\d+)$")

Search = Callable[[QuerySet[Any], str], QuerySet[Any]]
Label = Callable[[Any], str]


def picker_label(label: str, pk: int) -> str:
    """A suggestion's text: the record's own label and its number, which makes the choice exact."""
    return f"{label} (#{pk})"


def picker_response(request: HttpRequest, queryset: QuerySet[Any], search: Search, label: Label) -> JsonResponse:
    """The JSON search endpoint's answer for `?q=`: the best matches, each with its id and label."""
    text = request.GET.get("q", "").strip()[:200]
    if len(text) < 2:
        return JsonResponse({"results": []})
    found = search(queryset, text)[:PICKER_RESULTS]
    return JsonResponse({"results": [{"id": record.pk, "label": picker_label(label(record), record.pk)} for record in found]})


class PickerInput(forms.TextInput):
    """The picker's text box; `data-picker` names the JSON endpoint the script asks."""

    def __init__(self, source: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-picker": source, "spellcheck": "false", "autocomplete": "off", **(attrs or {})})


class PickerField(forms.ModelChoiceField):  # type: ignore[type-arg]  # the stubs make ModelChoiceField generic
    """One record chosen by searching (see the module docstring). `source` is the URL name of the JSON endpoint."""

    default_error_messages = {
        "invalid_choice": "No %(what)s matches what you typed: check the spelling or type more of the name",
        "choose": "More than one %(what)s matches what you typed: choose one",
    }

    def __init__(
        self, *, queryset: QuerySet[Any], source: str, search: Search, record_label: Label, what: str, number_is_record: bool = False, **kwargs: Any
    ) -> None:
        """`number_is_record`: a number on its own is the record's (a link's `?ward=12`), never searched for:
        for records nobody names by digits alone, as wards (their codes start with a letter)."""
        # Resolved when the page is drawn: forms are defined before the URLs are loaded.
        kwargs.setdefault("widget", PickerInput(reverse_lazy(source)))
        super().__init__(queryset=queryset, **kwargs)
        self.search, self.record_label, self.what, self.number_is_record = search, record_label, what, number_is_record

    @property
    def records(self) -> QuerySet[Any]:
        assert self.queryset is not None, "a picker needs its queryset"
        return self.queryset

    def label_from_instance(self, obj: Model) -> str:
        return picker_label(self.record_label(obj), obj.pk)  # type: ignore[arg-type]  # every record here has a pk

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Model):
            return self.label_from_instance(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            record = self.records.filter(pk=value).first()
            return self.label_from_instance(record) if record else ""
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Model):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        record = self._exact(text)
        if record is not None:
            return record
        found = list(self.search(self.records, text)[: CHOICES_SHOWN + 1])
        if len(found) == 1:
            return found[0]
        if not found and text.isdigit():
            # A record's number sent as it is (as a <select> sent it): taken only when no search matches.
            found = list(self.records.filter(pk=int(text))[:1])
            if found:
                return found[0]
        if not found:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"what": self.what})
        self._offer(found[:CHOICES_SHOWN])
        raise ValidationError(self.error_messages["choose"], code="choose", params={"what": self.what})

    def _exact(self, text: str) -> Any:
        """The record a suggestion's "(#12)" names, or a number on its own names when `number_is_record`; None otherwise."""
        chosen = _CHOSEN.search(text)
        if chosen:
            return self.records.filter(pk=int(chosen.group(1) or chosen.group(2))).first()
        if self.number_is_record and text.isdigit() and len(text) < 12:
            return self.records.filter(pk=int(text)).first()
        return None

    def _offer(self, found: list[Any]) -> None:
        """Show the matches as radios this time (the form is re-rendered with the error)."""
        self.widget = forms.RadioSelect()
        self.choices = [(f"#{record.pk}", self.label_from_instance(record)) for record in found]

    def has_changed(self, initial: Any, data: Any) -> bool:
        return str(self.prepare_value(initial) or "") != str(data or "")
