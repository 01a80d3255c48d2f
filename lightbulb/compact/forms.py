"""Forms for the Compact, its commitments, consultations and responses."""

from __future__ import annotations

from typing import Any

from django import forms

from lightbulb.compact.models import CompactRule
from lightbulb.compact.services import short_consultation_message
from lightbulb.core.forms import FilterForm, GovukDateField, VersionedForm, no_markup

LONG_TEXT = 10_000


def _text(label: str, hint: str = "", *, required: bool = True, max_length: int = LONG_TEXT, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower() + label[1:]}", "max_length": f"{label} must be {max_length:,} characters or fewer"},
    )


class CompactForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        validators=[no_markup],
        error_messages={"required": "Enter a title", "max_length": "Title must be 200 characters or fewer"},
    )
    adopted_on = GovukDateField(label="Date adopted", help_text="For example, 1 4 2025. Leave blank if not adopted yet.", required=False)
    introduction = _text("Introduction", required=False)
    enabled = forms.BooleanField(label="Show the Compact and measure its commitments", required=False)


class CommitmentForm(forms.Form):
    text = _text("Commitment", "What the council and the sector promise each other.", max_length=2_000, rows=3)
    rule = forms.ChoiceField(
        label="Measured by",
        choices=[("", "Not measured (text only)"), *CompactRule.choices],
        required=False,
        help_text="Link the commitment to a rule the system checks from the data it holds.",
    )


class ConsultationForm(VersionedForm):
    title = forms.CharField(
        label="Title",
        max_length=300,
        validators=[no_markup],
        error_messages={"required": "Enter a title", "max_length": "Title must be 300 characters or fewer"},
    )
    purpose = _text("Purpose", "What the council wants to hear about and why.")
    start_date = GovukDateField(label="Opening date", help_text="For example, 5 1 2026", error_messages={"required": "Enter the opening date"})
    end_date = GovukDateField(label="Closing date", error_messages={"required": "Enter the closing date"})
    short_reason = _text("Reason for a consultation shorter than 12 weeks", "The Compact asks for at least 12 weeks.", required=False, rows=3)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            days = (end - start).days + 1
            if end < start:
                self.add_error("end_date", "The closing date must be on or after the opening date")
            elif days < 84 and not (data.get("short_reason") or "").strip():
                self.add_error("short_reason", short_consultation_message(start, end))
        return data


class InviteForm(forms.Form):
    organisations = forms.TypedMultipleChoiceField(
        label="Organisations to invite",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one organisation to invite"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = choices  # type: ignore[attr-defined]


class SummaryForm(forms.Form):
    you_said_we_did = _text(
        '"You said, we did" summary',
        "What organisations told the council, and what the council did as a result. It is published on the public consultation page.",
        rows=8,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["you_said_we_did"].error_messages["required"] = "Enter the summary of what organisations said and what the council did"


class ResponseForm(forms.Form):
    text = _text("Your organisation's response", "You can change it until the consultation closes.", rows=8)


class ConsultationFilterForm(FilterForm):
    search_label = None
    status = forms.ChoiceField(label="Show", choices=[("", "All"), ("open", "Open now"), ("closed", "Closed")])
