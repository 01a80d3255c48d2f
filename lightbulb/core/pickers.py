"""Pickers that scale: choosing one record out of hundreds of thousands without a `<select>` of every row.

A `PickerField` is a text box. With JavaScript, `frontend/js/lightbulb.js` turns every
`input[data-picker]` into an accessible-autocomplete whose suggestions come from the JSON search
endpoint the field names (`{"results": [{"id": 1, "label": "…"}]}`, at most `PICKER_RESULTS`);
a suggestion's label ends with the record's number, `(#123)`, so the choice is exact. Without
JavaScript it is search-then-choose: the text typed is searched when the form is sent; one match is
taken, several come back as radios to choose from (the form shows them with the field's error),
none says so.

A `MultiPickerField` chooses several records the same way. The records chosen are ticked
checkboxes named after the field (real form values, each unticked to remove it), followed by a
search box, `<name>_find`. With JavaScript the box is an accessible-autocomplete: choosing a
suggestion adds it to the ticked boxes and says so. Without JavaScript the text typed is searched
when the form is sent: one match is added, several come back as unticked boxes beside the ticked
ones (with the field's error), none says so; what was typed stays in the box. A field with at most
`ALL_SHOWN` records to choose from (a council's 20 wards) lists every one as a checkbox, as before.

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
# The ambiguous text comes back as up to this many radios (or checkboxes).
CHOICES_SHOWN = 10
# A multi picker with this many records or fewer lists them all as checkboxes, with no search box.
ALL_SHOWN = 30
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


def _exact_record(records: QuerySet[Any], text: str, *, number_is_record: bool) -> Any:
    """The record a suggestion's "(#12)" names, or a number on its own names when `number_is_record`; None otherwise."""
    chosen = _CHOSEN.search(text)
    if chosen:
        return records.filter(pk=int(chosen.group(1) or chosen.group(2))).first()
    if number_is_record and text.isdigit() and len(text) < 12:
        return records.filter(pk=int(text)).first()
    return None


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
        return _exact_record(self.records, text, number_is_record=self.number_is_record)

    def _offer(self, found: list[Any]) -> None:
        """Show the matches as radios this time (the form is re-rendered with the error)."""
        self.widget = forms.RadioSelect()
        self.choices = [(f"#{record.pk}", self.label_from_instance(record)) for record in found]

    def has_changed(self, initial: Any, data: Any) -> bool:
        return str(self.prepare_value(initial) or "") != str(data or "")


class Picked(list[str]):
    """What a multi picker sends: the numbers of the records ticked, and the text typed in its search box
    (`searched` is the text whose matches the page already offered, so sending it again does not ask again)."""

    def __init__(self, ids: list[str], *, text: str = "", searched: str = "") -> None:
        super().__init__(ids)
        self.text, self.searched = text, searched


def _record_ids(value: Any) -> list[int]:
    """The record numbers in a multi picker's value (its data, or its initial records or numbers), in order, once each."""
    if value is None or isinstance(value, (str, bytes, int, Model)):
        value = [] if value in (None, "", b"") else [value]
    numbers = (str(item.pk if isinstance(item, Model) else item).strip() for item in value)
    return list(dict.fromkeys(int(number) for number in numbers if number.isdigit() and len(number) < 12))


class MultiPickerInput(forms.Widget):
    """A multi picker's checkboxes and search box: `core.forms` draws them (see the module docstring)."""

    def __init__(self, source: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.source = source

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Picked:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        ids = [str(value) for value in ([values] if isinstance(values, (str, int)) else values or [])]
        return Picked(ids, text=str(data.get(f"{name}_find") or "")[:200], searched=str(data.get(f"{name}_searched") or "")[:200])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        # Nothing ticked sends nothing: that is a choice (none), not a field left out.
        return False


class MultiPickerField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # the stubs make it generic
    """Several records chosen by searching (see the module docstring). `source` is the URL name of the JSON endpoint;
    `what` names one record ("ward"), `find_label` the search box ("Find a ward to add")."""

    default_error_messages = {
        "invalid_choice": "Choose from the list: one of those chosen is not on it",
        "invalid_pk_value": "Choose from the list: one of those chosen is not on it",
        "not_found": "No %(what)s matches “%(text)s”: check the spelling or type more of the name",
        "choose": "More than one %(what)s matches “%(text)s”: tick the ones you want, or type more of the name",
    }

    def __init__(
        self,
        *,
        queryset: QuerySet[Any],
        source: str,
        search: Search,
        record_label: Label,
        what: str,
        find_label: str,
        number_is_record: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", MultiPickerInput(reverse_lazy(source)))
        super().__init__(queryset=queryset, **kwargs)
        self.search, self.record_label, self.what, self.number_is_record = search, record_label, what, number_is_record
        self.find_label = find_label
        self.offered: list[Any] = []
        self.offered_for = ""
        self._shows_all: bool | None = None

    @property
    def records(self) -> QuerySet[Any]:
        assert self.queryset is not None, "a picker needs its queryset"
        return self.queryset

    def shows_all(self) -> bool:
        """Few enough records to list them all (one small query, asked once per form)."""
        if self._shows_all is None:
            self._shows_all = self.records[: ALL_SHOWN + 1].count() <= ALL_SHOWN
        return self._shows_all

    def clean(self, value: Any) -> Any:
        picked = value if isinstance(value, Picked) else Picked([str(pk) for pk in _record_ids(value)])
        ids = list(picked)
        text = " ".join(picked.text.split())
        if text and text != " ".join(picked.searched.split()):
            ids += [str(record.pk) for record in self._found(text)]
        return super().clean(list(dict.fromkeys(ids)))

    def _found(self, text: str) -> list[Any]:
        """The one record `text` names or matches; several matches are offered to tick, and none is an error."""
        record = _exact_record(self.records, text, number_is_record=self.number_is_record)
        if record is not None:
            return [record]
        found = list(self.search(self.records, text)[: CHOICES_SHOWN + 1])
        if len(found) == 1:
            return found
        params = {"what": self.what, "text": text}
        if not found:
            raise ValidationError(self.error_messages["not_found"], code="not_found", params=params)
        self.offered, self.offered_for = found[:CHOICES_SHOWN], text
        raise ValidationError(self.error_messages["choose"], code="choose", params=params)

    def picker_items(self, value: Any) -> list[dict[str, Any]]:
        """The checkboxes to draw: every record when there are few, else those chosen (ticked) then any offered."""
        chosen = _record_ids(value)
        if self.shows_all():
            return [self._item(record, record.pk in chosen) for record in self.records]
        ticked = {record.pk: record for record in self.records.filter(pk__in=chosen)} if chosen else {}
        items = [self._item(ticked[pk], True) for pk in chosen if pk in ticked]
        return items + [self._item(record, False) for record in self.offered if record.pk not in ticked]

    def _item(self, record: Any, checked: bool) -> dict[str, Any]:
        return {"value": str(record.pk), "text": self.record_label(record), "checked": checked}
