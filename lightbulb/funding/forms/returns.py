"""Forms for monitoring returns: the portal's submission, the officer's review and the list's filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lightbulb.core.forms import FigureField, FilterForm, no_markup
from lightbulb.funding.models import Condition, MonitoringReturn
from lightbulb.funding.services.returns import ALLOWED_DESCRIPTION, MAX_ATTACHMENTS, attachment_check

NARRATIVE_MAX = 10000


class ReturnFilterForm(FilterForm):
    search_label = "Agreement or organisation"
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *MonitoringReturn.Status.choices], error_messages={"invalid_choice": "Choose a status from the list"}
    )
    overdue = forms.BooleanField(label="Overdue only")
    mine = forms.BooleanField(label="Only agreements I am accountable for")
    # The list opens on what needs attention; finished returns are a tick away.
    finished = forms.BooleanField(label="Include accepted and withdrawn returns")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by its extension and its first bytes."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if len(uploads) > MAX_ATTACHMENTS:
            raise ValidationError(f"Attach {MAX_ATTACHMENTS} files or fewer")
        errors = []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                attachment_check(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


def figure_field_name(condition: Condition) -> str:
    return f"figure_{condition.pk}"


class ReturnSubmitForm(forms.Form):
    narrative = forms.CharField(
        label="What the funding achieved in this period",
        help_text="Describe the work done, who it helped, and anything that did not go to plan.",
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Describe what the funding achieved in this period",
            "max_length": f"Keep the description to {NARRATIVE_MAX:,} characters or fewer",
        },
    )
    attachments = MultipleFileField(
        label="Supporting files (optional)",
        required=False,
        help_text=f"Up to {MAX_ATTACHMENTS} files, each smaller than 10 MB: {ALLOWED_DESCRIPTION}.",
        error_messages={"empty": "The selected file is empty"},
    )

    def __init__(self, *args: Any, conditions: list[Condition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conditions = conditions
        figures: dict[str, forms.Field] = {}
        for condition in conditions:
            target = f"{condition.target:,.2f}".rstrip("0").rstrip(".") if condition.target is not None else ""
            label = condition.description[:200]
            figures[figure_field_name(condition)] = FigureField(
                label=f"{label} ({condition.get_kind_display()})",
                help_text=f"Target: {target} {condition.unit}".strip(),
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
                error_messages={
                    "required": f"Enter a figure for {label[:80]}",
                    "invalid": f"Enter a number for {label[:80]}, like 120 or 12.5",
                    "min_value": "The figure must be 0 or more",
                    "max_digits": "Enter a number with 12 digits or fewer before the decimal point",
                    "max_decimal_places": "Enter a number with 2 decimal places or fewer",
                    "max_whole_digits": "Enter a number with 12 digits or fewer before the decimal point",
                },
            )
        # Figures first, then the narrative and files.
        self.fields = {**figures, **self.fields}

    @staticmethod
    def initial_for(monitoring_return: Any) -> dict[str, Any]:
        """What was sent last time: a queried return is answered starting from it, not from blank boxes."""
        initial: dict[str, Any] = {"narrative": monitoring_return.narrative}
        for figure in monitoring_return.figures.all():
            initial[f"figure_{figure.condition_id}"] = figure.value
        return initial

    def figures(self) -> dict[int, Decimal]:
        return {condition.pk: self.cleaned_data[figure_field_name(condition)] for condition in self.conditions}

    def figure_fields(self) -> list[forms.BoundField]:
        return [self[figure_field_name(condition)] for condition in self.conditions]


class ReturnReviewForm(forms.Form):
    ACCEPT = "accept"
    QUERY = "query"
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(ACCEPT, "Accept the return"), (QUERY, "Query it: send it back to the organisation with a note")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept or query the return", "invalid_choice": "Choose whether to accept or query the return"},
    )
    note = forms.CharField(
        label="Note to the organisation",
        help_text="Required when you query a return: say what is missing or needs explaining.",
        required=False,
        max_length=2000,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the note to 2,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.QUERY and not (cleaned.get("note") or "").strip() and "note" not in self.errors:
            self.add_error("note", "Say what the organisation needs to change or explain")
        return cleaned
