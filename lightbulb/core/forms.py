"""One GOV.UK Design System adapter for every Django form field.

`govuk_field(bound_field)` returns the name of the GOV.UK macro and its
parameters: label, hint, inline error and current value. The templates call it
through `core/forms.html`, so no page hand-writes a field.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from lightbulb.core.locking import StaleEdit
from lightbulb.core.pickers import MultiPickerField, MultiPickerInput, Picked

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (GOV.UK date input pattern)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


# Outside these years a date is a typing slip. The ceiling keeps month arithmetic on a
# typed date (return due dates, notice periods, reporting periods) inside `datetime`'s
# range, which ends at 9999; forms narrow it further with their own rules ("within 25 years").
MIN_YEAR = 1000
MAX_YEAR = 9000
# A day or month longer than this is not a day or a month (and int() of a huge string is slow or fails).
_PART_MAX_LENGTH = 4


def _small_number(text: str) -> int | None:
    """A whole number typed in any script's digits ('27', '０３', '١٢'), or None.

    `isdecimal` (not `isdigit`) so '²' is refused rather than crashing int().
    """
    if not text.isdecimal() or len(text) > _PART_MAX_LENGTH:
        return None
    return int(text)


def _without_null_check(field: forms.CharField) -> forms.CharField:
    """A part box whose odd characters `compress` reports as a date problem, not Django's generic wording."""
    field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
    return field


def _date_numbers(label: str, day: str, month: str, year: str) -> tuple[int, int, int]:
    """Day, month and year as numbers (a month may be a name, "March"), or the message for what is wrong."""
    day_number = _small_number(day)
    month_number = _small_number(month) if month.isdecimal() else _MONTHS.get(month.lower())
    if not day_number or not month_number or not year.isdecimal():
        raise ValidationError(f"{label} must be a real date, for example 27 3 2026")
    if len(year) != 4:
        raise ValidationError(f"{label}: the year must have 4 numbers, like 2026")
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ValidationError(f"{label}: the year must be a real year, like 2026")
    return day_number, month_number, int(year)


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with specific messages.

    Any text in the three boxes gives a date or a ValidationError: never an
    OverflowError or ValueError from a 26-digit number or an odd digit.
    """

    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        # Parts are optional individually so `compress` can say which part is missing.
        fields = tuple(_without_null_check(forms.CharField(required=False)) for _ in range(3))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> datetime.date | None:
        if not data_list or not any(part not in (None, "") for part in data_list):
            return None
        day, month, year = ((part or "").strip() for part in data_list)
        label = (self.label or "The date").strip()
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        day_number, month_number, year_number = _date_numbers(label, day, month, year)
        try:
            return datetime.date(year_number, month_number, day_number)
        except ValueError as exc:
            raise ValidationError(f"{label} must be a real date") from exc


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


class FigureField(forms.DecimalField):
    """A figure such as a target or a count in a monitoring return.

    Django's DecimalField already refuses NaN, infinities and '1e999' with its
    own messages; this also reads '-0' as 0, so minus nought is never stored
    (SQLite would keep it, and pages would show '-0.00').
    """

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs give DecimalField IntegerField's int
        if isinstance(value, str) and _THOUSANDS.match(value.strip()):
            # "1,250" as people write it; "1,5" stays invalid rather than becoming fifteen.
            value = value.strip().replace(",", "")
        number: Decimal | None = super().to_python(value)
        if number is not None and number.is_zero():
            return number.copy_abs()
        return number


def _widget_kind(widget: forms.Widget) -> str:
    kinds: list[tuple[type[forms.Widget], str]] = [
        (GovukDateWidget, "date"),
        (MultiPickerInput, "multipicker"),
        (forms.CheckboxSelectMultiple, "checkboxes"),
        (forms.RadioSelect, "radios"),
        (forms.CheckboxInput, "checkbox"),
        (forms.Select, "select"),
        (forms.Textarea, "textarea"),
        (forms.ClearableFileInput, "file"),
        (forms.FileInput, "file"),
        (forms.PasswordInput, "password"),
        (forms.HiddenInput, "hidden"),
    ]
    for widget_class, kind in kinds:
        if isinstance(widget, widget_class):
            return kind
    return "input"


def _error(bound: forms.BoundField) -> dict[str, str] | None:
    if not bound.errors:
        return None
    return {"text": " ".join(str(error) for error in bound.errors)}


def _label(bound: forms.BoundField, *, is_page_heading: bool = False) -> dict[str, Any]:
    label: dict[str, Any] = {"text": str(bound.label)}
    if is_page_heading:
        label.update({"isPageHeading": True, "classes": "govuk-label--l"})
    return label


def _items(bound: forms.BoundField, *, multiple: bool) -> list[dict[str, Any]]:
    value = bound.value()
    chosen = {str(item) for item in (value or [])} if multiple else {str(value) if value is not None else ""}
    items = []
    for choice_value, choice_label in bound.field.choices:  # type: ignore[attr-defined]
        key = str(getattr(choice_value, "value", choice_value))
        if not multiple and key == "" and _widget_kind(bound.field.widget) == "radios":
            continue
        items.append({"value": key, "text": str(choice_label), "checked": key in chosen, "selected": key in chosen})
    return items


def govuk_field(bound: forms.BoundField, **overrides: Any) -> tuple[str, dict[str, Any]]:
    """The macro name and parameters for one bound field."""
    kind = _widget_kind(bound.field.widget)
    params: dict[str, Any] = {
        "id": bound.id_for_label or bound.auto_id,
        "name": bound.html_name,
        "errorMessage": _error(bound),
    }
    if bound.help_text:
        params["hint"] = {"text": str(bound.help_text)}
    attrs = {k: v for k, v in bound.field.widget.attrs.items() if k not in {"class"}}
    classes = bound.field.widget.attrs.get("class", "")
    heading = bool(overrides.pop("is_page_heading", False))
    builder = _BUILDERS[kind]
    builder(bound, params, heading)
    if attrs:
        params.setdefault("attributes", {}).update({k: v for k, v in attrs.items() if k not in {"autocomplete"}})
        if "autocomplete" in attrs:
            params["autocomplete"] = attrs["autocomplete"]
    if classes:
        params["classes"] = classes
    params.update(overrides)
    return kind, params


def _build_input(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["label"] = _label(bound, is_page_heading=heading)
    value = bound.value()
    params["value"] = "" if value is None else str(value)
    input_type = getattr(bound.field.widget, "input_type", "text")
    params["type"] = input_type if input_type in {"email", "number", "tel", "url", "search"} else "text"
    if input_type == "number":
        params["type"] = "text"
        params["inputmode"] = "decimal"
        params["spellcheck"] = False


def _build_password(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["label"] = _label(bound, is_page_heading=heading)


def _build_textarea(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["label"] = _label(bound, is_page_heading=heading)
    value = bound.value()
    params["value"] = "" if value is None else str(value)
    params["rows"] = bound.field.widget.attrs.get("rows", 5)


def _build_select(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["label"] = _label(bound, is_page_heading=heading)
    params["items"] = _items(bound, multiple=False)


def _fieldset(bound: forms.BoundField, heading: bool) -> dict[str, Any]:
    legend: dict[str, Any] = {"text": str(bound.label), "classes": "govuk-fieldset__legend--s"}
    if heading:
        legend.update({"isPageHeading": True, "classes": "govuk-fieldset__legend--l"})
    return {"legend": legend}


def _build_radios(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["fieldset"] = _fieldset(bound, heading)
    params["idPrefix"] = params.pop("id")
    params["items"] = _items(bound, multiple=False)


def _build_checkboxes(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["fieldset"] = _fieldset(bound, heading)
    params["idPrefix"] = params.pop("id")
    params["items"] = _items(bound, multiple=True)


def _build_checkbox(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["idPrefix"] = params.pop("id")
    params["items"] = [{"value": "on", "text": str(bound.label), "checked": bool(bound.value())}]
    if "hint" in params:
        params["items"][0]["hint"] = params.pop("hint")


def _build_file(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["label"] = _label(bound, is_page_heading=heading)


def _build_date(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["fieldset"] = _fieldset(bound, heading)
    params["id"] = params["id"].removesuffix("_0")
    value = bound.value()
    if isinstance(value, datetime.date):
        parts: list[Any] = [value.day, value.month, value.year]
    elif isinstance(value, (list, tuple)):
        parts = list(value) + [None] * (3 - len(value))
    else:
        parts = [None, None, None]
    error_class = " govuk-input--error" if bound.errors else ""
    params["items"] = [
        {
            "id": f"{params['id']}_{index}",
            "name": f"{bound.html_name}_{index}",
            "label": label,
            "value": "" if parts[index] is None else str(parts[index]),
            "classes": f"govuk-input--width-{width}{error_class}",
        }
        for index, (label, width) in enumerate((("Day", 2), ("Month", 2), ("Year", 4)))
    ]


def _build_multi_picker(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    """A multi picker (core.pickers): its ticked records as checkboxes, then, unless it lists every record, its search box.
    The search box takes the field's id, so the error summary's link lands where the typing is."""
    field = bound.field
    assert isinstance(field, MultiPickerField)
    params["fieldset"] = _fieldset(bound, heading)
    params["source"] = str(field.widget.source)  # type: ignore[attr-defined]  # a MultiPickerInput
    items = field.picker_items(bound.value())
    base = params["id"]
    for number, item in enumerate(items):
        item["id"] = base if field.shows_all() and number == 0 else f"{base}-{number + 1}"
    params["items"] = items
    if field.shows_all():
        return
    picked = bound.data if bound.form.is_bound and isinstance(bound.data, Picked) else None
    params["find"] = {
        "id": base,
        "name": f"{bound.html_name}_find",
        "label": field.find_label,
        "value": picked.text if picked is not None else "",
        "searched_name": f"{bound.html_name}_searched",
        "searched": field.offered_for,
    }


def _build_hidden(bound: forms.BoundField, params: dict[str, Any], heading: bool) -> None:
    params["value"] = bound.value()


_BUILDERS = {
    "input": _build_input,
    "password": _build_password,
    "textarea": _build_textarea,
    "select": _build_select,
    "radios": _build_radios,
    "checkboxes": _build_checkboxes,
    "checkbox": _build_checkbox,
    "file": _build_file,
    "date": _build_date,
    "hidden": _build_hidden,
    "multipicker": _build_multi_picker,
}


def error_summary_items(form: forms.BaseForm) -> list[dict[str, str]]:
    """Links from the error summary to each field in error, in form order."""
    items = [{"text": str(error), "href": "#"} for error in form.non_field_errors()]
    for bound in form:
        if not bound.errors:
            continue
        kind = _widget_kind(bound.field.widget)
        # GOV.UK radios and checkboxes give their first item the field's id.
        target = f"{bound.auto_id}_0" if kind == "date" else bound.auto_id
        for error in bound.errors:
            items.append({"text": str(error), "href": f"#{target}"})
    return items


_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


def no_markup(value: str) -> None:
    """Names and short texts are words, not markup: refuse anything that looks like an HTML tag.

    Output is escaped everywhere anyway; this keeps stored data clean for
    exports and letters.
    """
    if _TAG.search(value or ""):
        raise ValidationError("Enter text without HTML tags (remove anything between < and >)")


def add_service_errors(form: forms.BaseForm, error: ValidationError, default_field: str | None = None) -> None:
    """Show a service's refusal next to the field it concerns, or at the top of the form.

    Services raise ValidationError keyed by model field; a key the form has no
    field for (or an error without keys) goes to `default_field` or the top.
    """
    if isinstance(error, StaleEdit) and "version" in form.fields and form.is_bound:
        # The person's own input stays; saving again (once they have read what changed) goes through.
        data: Any = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict, both copy
        data[form.add_prefix("version")] = str(error.current_version)
        form.data = data
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else default_field
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(default_field, message)


class _VersionField(forms.IntegerField):
    """The hidden version: a value edited into nonsense is no version (the save is not checked), not an error nobody can see."""

    def clean(self, value: Any) -> int | None:
        try:
            number: int | None = super().clean(value)
        except ValidationError:
            return None
        return number


class VersionedForm(forms.Form):
    """An edit form that carries the version of the record it was opened at (see `core.locking`).

    Give it the record's version in `initial["version"]`. After cleaning, the version is taken out of
    `cleaned_data` (so `**form.cleaned_data` still fits the service) into `expected_version`, which the
    view passes to the update service; on a create form it is None.
    """

    version = _VersionField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)

    expected_version: int | None = None

    def full_clean(self) -> None:
        super().full_clean()
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is not None:
            self.expected_version = cleaned.pop("version", None)


class FilterForm(forms.Form):
    """The search box and filters of a list page, read from the query string.

    Every list filters the same way: the form is bound only when the query
    string has something in it, every field is optional, `q` is the search box
    (labelled by `search_label`; a list without one sets it to None), and
    `filters()` gives the valid values in the shapes selectors take. A value in
    error is left out (and shown next to its field where the page renders the
    form), so a hand-edited address never breaks the list.
    """

    search_label: str | None = "Search"
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={"max_length": "Search for 200 characters or fewer"},
    )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # An empty query string (a first visit) is an unbound form: no errors to show.
        super().__init__(data or None, *args, **kwargs)
        if self.search_label is None:
            del self.fields["q"]
        else:
            self.fields["q"].label = self.search_label
        for field in self.fields.values():
            field.required = field.widget.is_required = False

    def filters(self) -> dict[str, Any]:
        """Every field's valid value, or its empty value when it was left empty or is in error."""
        if self.is_bound:
            self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: _filter_value(field, cleaned.get(name)) for name, field in self.fields.items()}


# Field kinds whose cleaned value selectors take in another shape, checked in order (a model
# multiple choice is also a model choice).
_FILTER_SHAPES: list[tuple[type[forms.Field], Any]] = [
    (forms.BooleanField, bool),
    (forms.ModelMultipleChoiceField, lambda value: tuple(item.pk for item in value or ())),
    (forms.ModelChoiceField, lambda value: None if value is None else value.pk),
    (forms.MultipleChoiceField, lambda value: tuple(value or ())),
]


def _filter_value(field: forms.Field, value: Any) -> Any:
    """A cleaned value as selectors take it: a record as its pk, ticks as True/False, several choices as a tuple."""
    for kind, shape in _FILTER_SHAPES:
        if isinstance(field, kind):
            return shape(value)
    if value is None or value == "":
        # A TypedChoiceField says its own empty value; other text and choices are "", anything else None.
        return getattr(field, "empty_value", "" if isinstance(field, (forms.CharField, forms.ChoiceField)) else None)
    return value.strip() if isinstance(value, str) else value
