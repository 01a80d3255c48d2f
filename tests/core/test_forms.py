"""The GOV.UK form adapter and the date field every module uses."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from lightbulb.core.forms import GovukDateField, error_summary_items, govuk_field, no_markup


class ExampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the register", validators=[no_markup])
    kind = forms.ChoiceField(label="Kind", choices=[("a", "Apple"), ("b", "Banana")], widget=forms.RadioSelect)
    starts = GovukDateField(label="Start date")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    agree = forms.BooleanField(label="I agree", required=False)


def test_date_parts_are_read_day_first_and_month_names_accepted():
    form = ExampleForm({"name": "X", "kind": "a", "starts_0": "5", "starts_1": "Jan", "starts_2": "2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts"] == datetime.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "1", "2026"), "Start date must include a day"),
        (("1", "", ""), "Start date must include a month and year"),
        (("31", "2", "2026"), "Start date must be a real date"),
        (("1", "13", "2026"), "Start date must be a real date"),
        (("1", "1", "26"), "the year must have 4 numbers"),
        (("x", "1", "2026"), "Start date must be a real date"),
        (("", "", ""), "This field is required"),
    ],
)
def test_date_errors_say_what_is_wrong(parts, message):
    form = ExampleForm({"name": "X", "kind": "a", "starts_0": parts[0], "starts_1": parts[1], "starts_2": parts[2]})
    assert not form.is_valid()
    assert message in " ".join(form.errors["starts"])


def test_adapter_gives_label_hint_error_and_value():
    form = ExampleForm({"name": "<b>bold</b>", "kind": "", "starts_0": "1", "starts_1": "2", "starts_2": "2026"})
    form.is_valid()
    kind, params = govuk_field(form["name"])
    assert kind == "input"
    assert params["label"]["text"] == "Name"
    assert params["hint"]["text"] == "As on the register"
    assert "without HTML tags" in params["errorMessage"]["text"]
    assert params["value"] == "<b>bold</b>"  # kept as typed; the template escapes it
    kind, params = govuk_field(form["kind"])
    assert kind == "radios"
    assert [item["value"] for item in params["items"]] == ["a", "b"]
    kind, params = govuk_field(form["starts"])
    assert kind == "date"
    assert [item["value"] for item in params["items"]] == ["1", "2", "2026"]
    assert govuk_field(form["notes"])[0] == "textarea"
    assert govuk_field(form["agree"])[0] == "checkbox"


def test_error_summary_links_to_each_field_in_order():
    form = ExampleForm({"name": "", "kind": "", "starts_0": "", "starts_1": "", "starts_2": ""})
    form.is_valid()
    hrefs = [item["href"] for item in error_summary_items(form)]
    assert hrefs == ["#id_name", "#id_kind", "#id_starts_0"]
