"""Forms for the engagement log, themes, follow-up actions, flags and surveys."""

from __future__ import annotations

from typing import Any

from django import forms

from lightbulb.core.forms import FilterForm, GovukDateField, VersionedForm, no_markup
from lightbulb.engagement.models import EngagementKind, FlagRule

LONG_TEXT = 10_000


class ThemeForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        validators=[no_markup],
        error_messages={"required": "Enter a name for the theme", "max_length": "Name must be 100 characters or fewer"},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=300,
        validators=[no_markup],
        help_text="Optional. What the theme covers, so everyone tags alike.",
        error_messages={"max_length": "Description must be 300 characters or fewer"},
    )


class ThemeEditForm(ThemeForm):
    retired = forms.BooleanField(label="Retire this theme (records keep it, new records cannot choose it)", required=False)


class EngagementForm(VersionedForm):
    kind = forms.ChoiceField(
        label="What kind of engagement was it?",
        choices=EngagementKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of engagement it was"},
    )
    title = forms.CharField(
        label="Title",
        max_length=300,
        validators=[no_markup],
        help_text="For example, Older people's forum, March",
        error_messages={"required": "Enter a title", "max_length": "Title must be 300 characters or fewer"},
    )
    held_on = GovukDateField(label="Date", help_text="For example, 27 3 2026", error_messages={"required": "Enter the date it took place"})
    ward = forms.TypedChoiceField(label="Ward", required=False, coerce=int, empty_value=None, help_text="Optional. Where it took place.")
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=LONG_TEXT,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What was said. Do not record volunteers' or service users' personal details.",
        error_messages={"max_length": "Notes must be 10,000 characters or fewer"},
    )
    themes = forms.TypedMultipleChoiceField(label="Themes", required=False, coerce=int, widget=forms.CheckboxSelectMultiple)
    organisations = forms.TypedMultipleChoiceField(label="Organisations that took part", required=False, coerce=int, widget=forms.CheckboxSelectMultiple)
    find_organisations = forms.CharField(
        label="Find more organisations by name",
        required=False,
        max_length=200,
        help_text="Type part of a name and choose Find organisations; the matches appear above to tick.",
    )
    councillors = forms.TypedMultipleChoiceField(label="Councillors who took part", required=False, coerce=int, widget=forms.CheckboxSelectMultiple)
    officers = forms.TypedMultipleChoiceField(label="Council officers who took part", required=False, coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[int, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wards = choices.get("ward", [])
        self.fields["ward"].choices = [("", "Not about one ward"), *wards]  # type: ignore[attr-defined]
        for name in ("themes", "organisations", "councillors", "officers"):
            self.fields[name].choices = choices.get(name, [])  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("find_organisations", None)
        return data


class FollowUpActionForm(forms.Form):
    description = forms.CharField(
        label="What is to be done",
        max_length=500,
        validators=[no_markup],
        error_messages={"required": "Enter what is to be done", "max_length": "Action must be 500 characters or fewer"},
    )
    owner = forms.TypedChoiceField(label="Who owns it", coerce=int, error_messages={"required": "Select who owns the action"})
    due_date = GovukDateField(label="Due date", help_text="For example, 30 4 2026", error_messages={"required": "Enter the due date"})

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Choose someone"), *owners]  # type: ignore[attr-defined]


class CompleteActionForm(forms.Form):
    completion_note = forms.CharField(
        label="What was done",
        required=False,
        max_length=2_000,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional.",
        error_messages={"max_length": "What was done must be 2,000 characters or fewer"},
    )


class EngagementFilterForm(FilterForm):
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any kind"), *EngagementKind.choices], required=False)
    theme = forms.TypedChoiceField(label="Theme", coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, themes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Any theme"), *themes]  # type: ignore[attr-defined]


class FlagFilterForm(FilterForm):
    search_label = "Organisation name"
    rule = forms.ChoiceField(label="Rule", choices=[("", "Any rule"), *FlagRule.choices], required=False)
    status = forms.ChoiceField(
        label="Status", choices=[("open", "Open"), ("dismissed", "Dismissed"), ("resolved", "No longer applies"), ("all", "Any status")], required=False
    )


class DismissFlagForm(forms.Form):
    reason = forms.CharField(
        label="Why are you dismissing this flag?",
        max_length=2_000,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say what you checked. If the evidence changes, the flag is raised again.",
        error_messages={"required": "Enter why you are dismissing the flag", "max_length": "Reason must be 2,000 characters or fewer"},
    )


class BoundaryFileForm(forms.Form):
    file = forms.FileField(label="GeoJSON file", error_messages={"required": "Choose a GeoJSON file"})
