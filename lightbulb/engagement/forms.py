"""Forms for the engagement log, themes, follow-up actions, flags and surveys."""

from __future__ import annotations

from typing import Any

from django import forms

from lightbulb.core.forms import FilterForm, GovukDateField, VersionedForm, no_markup
from lightbulb.core.pickers import MultiPickerField, PickerField
from lightbulb.engagement.models import EngagementKind, FlagRule, QuestionKind, Survey
from lightbulb.engagement.selectors.surveys import AUDIENCES
from lightbulb.organisations.models import Organisation
from lightbulb.organisations.selectors import pickable_organisations, picker_label, picker_search, ward_picker_label, ward_picker_search
from lightbulb.places.models import Ward
from lightbulb.places.selectors import councillor_label, councillor_picker_choices, councillor_search

LONG_TEXT = 10_000
SCALE_WORDS = {1: " (lowest)", 5: " (highest)"}


def _ward_picker(help_text: str) -> PickerField:
    """A ward chosen by searching: a national council has thousands."""
    return PickerField(
        label="Ward",
        queryset=Ward.objects.order_by("name"),
        required=False,
        source="organisations:ward_pick",
        search=ward_picker_search,
        record_label=ward_picker_label,
        what="ward",
        number_is_record=True,
        help_text=help_text,
        error_messages={"invalid_choice": "Choose a ward from the list of suggestions: none matches what you typed"},
    )


def _register_search(organisations: Any, text: str) -> Any:
    """Organisations found by typing are the working register's (one chosen before it was archived stays chosen)."""
    return picker_search(pickable_organisations(), text)


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
    ward = _ward_picker("Optional. Where it took place: type the ward's name or its GSS code and choose from the suggestions.")
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
    # Several organisations by searching: a register can hold hundreds of thousands.
    organisations = MultiPickerField(
        label="Organisations that took part",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        source="organisations:pick",
        search=_register_search,
        record_label=picker_label,
        what="organisation on the register",
        find_label="Find an organisation to add",
        help_text="Type an organisation's name, an identifier such as its charity number, or its postcode.",
        error_messages={"invalid_choice": "Select organisations from the register", "invalid_pk_value": "Select organisations from the register"},
    )
    # Several councillors by searching: a national council has about 27,000 (a council with few lists them all).
    councillors = MultiPickerField(
        label="Councillors who took part",
        queryset=councillor_picker_choices(),
        required=False,
        source="engagement:councillor_pick",
        search=councillor_search,
        record_label=councillor_label,
        what="councillor",
        find_label="Find a councillor to add",
        help_text="Type a councillor's name or their ward's name.",
        error_messages={"invalid_choice": "Select councillors from the list", "invalid_pk_value": "Select councillors from the list"},
    )
    officers = forms.TypedMultipleChoiceField(label="Council officers who took part", required=False, coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[int, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("themes", "officers"):
            self.fields[name].choices = choices.get(name, [])  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values, with the ward, the organisations and the councillors as their numbers (the service checks they exist)."""
        data = dict(self.cleaned_data)
        data["ward"] = data["ward"].pk if data.get("ward") else None
        for name in ("organisations", "councillors"):
            data[name] = [record.pk for record in data.get(name) or ()]
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
    ward = _ward_picker("Type the ward's name, or leave empty for any ward")

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
    """The boundary file and the import's choices; it is posted to the imports upload, which checks it and starts the run."""

    file = forms.FileField(label="GeoJSON file", help_text="A .geojson or .json file in longitude and latitude (WGS 84)")
    strict = forms.BooleanField(label="Refuse the whole file if any feature cannot be used", required=False)
    dry_run = forms.BooleanField(label="Dry run: check the file and report what would change, without changing anything", required=False)


class FlagThresholdsForm(VersionedForm):
    """Parses the thresholds; their limits are the service's (services/thresholds.py), shown beside the field."""

    dependency_percent = forms.CharField(
        label="Council funding above this share of an organisation's latest income (%)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    new_organisation_months = forms.CharField(
        label="Newly registered: registered fewer than this many months before an agreement starts",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    large_award = forms.CharField(
        label="Large award: an agreement worth at least (£)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )
    cost_per_person_floor = forms.CharField(
        label="Numbers out of line: more than one person claimed for every (£) of latest income",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, defaults: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, default in defaults.items():
            self.fields[name].help_text = f"Leave empty for the default, {default}."

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name].replace(",", "").replace("£", "").replace("%", "").strip() for name in self.fields if name != "version"}


class SurveyForm(VersionedForm):
    """A survey's title, introduction and dates: written, then changed until it closes (the version is blank when writing it)."""

    title = forms.CharField(
        label="Title",
        max_length=300,
        validators=[no_markup],
        help_text="For example, State of the sector, spring 2027",
        error_messages={"required": "Enter a title", "max_length": "Title must be 300 characters or fewer"},
    )
    introduction = forms.CharField(
        label="Introduction",
        required=False,
        max_length=LONG_TEXT,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional. Why the council asks and what it will do with the answers.",
        error_messages={"max_length": "Introduction must be 10,000 characters or fewer"},
    )
    opens_on = GovukDateField(label="Opens", help_text="For example, 1 4 2027", error_messages={"required": "Enter the opening date"})
    closes_on = GovukDateField(label="Closes", help_text="For example, 30 4 2027", error_messages={"required": "Enter the closing date"})


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=500,
        validators=[no_markup],
        error_messages={"required": "Enter the question", "max_length": "Question must be 500 characters or fewer"},
    )
    kind = forms.ChoiceField(
        label="What kind of answer does it take?",
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of answer the question takes"},
    )
    options = forms.CharField(
        label="Options (for one choice from a list)",
        required=False,
        max_length=2_500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, from 2 to 10.",
        error_messages={"max_length": "Enter from 2 to 10 options, one a line"},
    )


class SendSurveyForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who is it for?", choices=AUDIENCES, widget=forms.RadioSelect, error_messages={"required": "Select who the survey is for"}
    )


class _AnswerChoice(forms.ChoiceField):
    """Radios that take what is sent: the service checks it against the question, in its own words."""

    def valid_value(self, value: Any) -> bool:
        return True


class SurveyAnswerForm(forms.Form):
    """One field a question, named `question_<id>`: it parses; the service checks each answer against its question.

    `version`: the organisation's answer's version when the form was drawn, 0 when it had none (see `survey_answer`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args: Any, questions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            label = f"{number}. {question.text}"
            if question.kind == QuestionKind.TEXT:
                field: forms.Field = forms.CharField(
                    label=label,
                    required=False,
                    max_length=2_000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="Optional.",
                    error_messages={"max_length": "Your answer must be 2,000 characters or fewer"},
                )
            elif question.kind == QuestionKind.SCALE:
                field = _AnswerChoice(
                    label=label,
                    required=False,
                    choices=[(str(n), f"{n}{SCALE_WORDS.get(n, '')}") for n in range(1, 6)],
                    widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                )
            else:
                field = _AnswerChoice(label=label, required=False, choices=[(option, option) for option in question.options], widget=forms.RadioSelect)
            self.fields[question.field_name] = field


class SurveyFilterForm(FilterForm):
    search_label = "Title"
    status = forms.ChoiceField(label="Status", choices=[("", "Any status"), *Survey.Status.choices], required=False)
