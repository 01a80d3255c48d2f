"""Forms for agreements, their conditions, due diligence and life-cycle steps."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lightbulb.core.forms import FigureField, FilterForm, GovukDateField, VersionedForm, no_markup
from lightbulb.core.pickers import MultiPickerField, PickerField
from lightbulb.funding.models import AgreementKind, AgreementStatus, Condition, DueDiligenceCheck, PaymentBasis, ProcurementRoute, RiskLevel
from lightbulb.funding.selectors.agreements import agreement_by_reference, officer_choices, ward_choices
from lightbulb.funding.selectors.tiers import tier_frequency_hint
from lightbulb.organisations.models import Organisation
from lightbulb.organisations.selectors import picker_label, picker_search, ward_picker_label, ward_picker_search
from lightbulb.places.forms import wards_picker

# Above this a figure is almost certainly a typing slip (a council's whole VCS budget is far smaller).
ABSURD_AMOUNT = Decimal("100000000")
_MONEY = re.compile(r"^\d+(\.\d{1,2})?$")


class MoneyField(forms.CharField):
    """An amount in pounds typed as people write it: 1250, 1,250.00 or £1,250."""

    def __init__(self, *, allow_zero: bool = False, maximum: Decimal = ABSURD_AMOUNT, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        self.maximum = maximum
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("class", "govuk-input--width-10")
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return None
        if len(text) > 30:
            raise ValidationError(f"{self.label} must be an amount in pounds, like 1250 or £1,250.00")
        cleaned = text.replace("£", "").replace(",", "").replace(" ", "")
        if cleaned.startswith("-"):
            raise ValidationError(f"{self.label} must be more than £0")
        if not _MONEY.match(cleaned):
            raise ValidationError(f"{self.label} must be an amount in pounds, like 1250 or £1,250.00")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation as exc:
            raise ValidationError(f"{self.label} must be an amount in pounds, like 1250 or £1,250.00") from exc
        if amount == 0 and not self.allow_zero:
            raise ValidationError(f"{self.label} must be more than £0")
        if amount > self.maximum:
            raise ValidationError(f"{self.label} must be £{self.maximum:,.0f} or less: check the figure")
        return amount


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def _text(label: str, max_length: int, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, validators=[no_markup], **kwargs)


class AgreementForm(VersionedForm):
    title = _text("Title", 300, error_messages={"required": "Enter a title"})
    kind = forms.ChoiceField(
        label="Kind of agreement", choices=AgreementKind.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the kind of agreement"}
    )
    # A server-side picker: the register may hold hundreds of thousands of organisations.
    organisation = PickerField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        source="organisations:pick",
        search=picker_search,
        record_label=picker_label,
        what="organisation on the register",
        help_text="Type the organisation's name, an identifier such as its charity number, or its postcode",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose an organisation from the register: none matches what you typed, so check the spelling or type more of the name",
        },
    )
    accountable_officer = OfficerChoiceField(
        label="Accountable officer",
        queryset=officer_choices(),
        error_messages={"required": "Choose the accountable officer", "invalid_choice": "Choose a council officer from the list"},
    )
    department = _text("Council service or department", 200, error_messages={"required": "Enter the council service or department"})
    budget_line = _text("Budget line (cost centre)", 100, error_messages={"required": "Enter the budget line"})
    purpose = forms.CharField(
        label="Purpose", max_length=5000, widget=forms.Textarea, validators=[no_markup], error_messages={"required": "Enter the purpose of the agreement"}
    )
    amount = MoneyField(label="Total value", help_text="In pounds, for example £12,500", error_messages={"required": "Enter the total value"})
    start_date = GovukDateField(
        label="Start date",
        help_text="For example, 1 4 2026",
        error_messages={"required": "Enter the start date", "incomplete": "Start date must include a day, month and year"},
    )
    end_date = GovukDateField(
        label="End date",
        help_text="For example, 31 3 2027",
        error_messages={"required": "Enter the end date", "incomplete": "End date must include a day, month and year"},
    )
    procurement_route = forms.ChoiceField(
        label="Procurement route", choices=[("", "Choose a route"), *ProcurementRoute.choices], error_messages={"required": "Choose the procurement route"}
    )
    risk_level = forms.ChoiceField(
        label="Risk level", choices=RiskLevel.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the risk level"}
    )
    payment_basis = forms.ChoiceField(
        label="Payment basis", choices=PaymentBasis.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the payment basis"}
    )
    reporting_every_months = forms.IntegerField(
        label="Monitoring return every (months)",
        min_value=1,
        max_value=24,
        error_messages={
            "required": "Enter how often monitoring returns are due",
            "invalid": "Enter a whole number of months, like 3",
            "min_value": "Enter a number of months from 1 to 24",
            "max_value": "Enter a number of months from 1 to 24",
        },
    )
    recipient_is_vcse = forms.BooleanField(label="The recipient is a voluntary, community or social enterprise (VCSE)", required=False)
    recipient_is_sme = forms.BooleanField(label="The recipient is a small or medium-sized enterprise (SME)", required=False)
    recipient_registration_number = forms.CharField(
        label="Recipient's registration number (optional)",
        max_length=30,
        required=False,
        help_text="Charity or company number, for publishing",
        validators=[no_markup],
    )
    full_cost_recovery = forms.BooleanField(label="The agreement funds full cost recovery", required=False)
    long_term_need = forms.BooleanField(label="The agreement meets a long-term need", required=False)
    wards = wards_picker("Wards served (optional)", queryset=ward_choices())
    previous = forms.CharField(
        label="The agreement this one replaces (optional)",
        help_text="For a recommissioned service: the reference of the agreement it follows, for example AGR-2024-0012",
        required=False,
        max_length=40,
        error_messages={"max_length": "Enter a reference like AGR-2024-0012"},
    )

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if new:
            # A new agreement is monitored as often as its tier says unless the officer sets a frequency.
            months = self.fields["reporting_every_months"]
            months.required = False
            months.help_text = tier_frequency_hint()
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(archived_at__isnull=True, merged_into__isnull=True).order_by("name")
        officer = self.fields["accountable_officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = officer_choices()
        officer.empty_label = "Choose an officer"
        wards = self.fields["wards"]
        assert isinstance(wards, MultiPickerField)
        wards.queryset = ward_choices()

    def clean_previous(self) -> Any:
        """The reference typed, as the agreement it names (parsing only; the service checks the link)."""
        reference = (self.cleaned_data.get("previous") or "").strip().upper()
        if not reference:
            return None
        found = agreement_by_reference(reference)
        if found is None:
            raise ValidationError(f"There is no agreement {reference}: check the reference")
        return found

    def clean_recipient_registration_number(self) -> str:
        value: str = self.cleaned_data.get("recipient_registration_number", "").strip()
        if value and not re.match(r"^[A-Za-z0-9][A-Za-z0-9 \-/]*$", value):
            raise ValidationError("Enter the registration number using letters, numbers, spaces, hyphens or slashes")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date")
        return data


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(
        label="Move the agreement to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the next step", "invalid_choice": "Choose one of the next steps listed"},
    )
    reason = forms.CharField(
        label="Why",
        max_length=2000,
        widget=forms.Textarea,
        help_text="This is recorded with your name and the time",
        error_messages={"required": "Say why the agreement is moving on"},
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(status, AgreementStatus(status).label) for status in allowed]


class ConditionForm(VersionedForm):
    kind = forms.ChoiceField(
        label="Kind of condition", choices=Condition.Kind.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the kind of condition"}
    )
    description = forms.CharField(
        label="Description", max_length=2000, widget=forms.Textarea, validators=[no_markup], error_messages={"required": "Describe the condition"}
    )
    target = FigureField(
        label="Target (optional)",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=ABSURD_AMOUNT,
        help_text="For outputs, outcomes and KPIs: the number to reach",
        error_messages={
            "invalid": "Enter the target as a number, like 250",
            "min_value": "The target cannot be negative",
            "max_value": "The target is too large: check the figure",
            "max_digits": "The target is too large: check the figure",
            "max_decimal_places": "Enter the target with no more than 2 decimal places",
        },
    )
    unit = forms.CharField(label="Unit (optional)", max_length=50, required=False, validators=[no_markup], help_text="For example: people, sessions, %")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("unit") and data.get("target") is None:
            self.add_error("target", "Enter the target the unit refers to, or leave the unit empty")
        return data


class DueDiligenceForm(forms.Form):
    check_code = forms.ChoiceField(
        label="Check",
        choices=[("", "Choose a check"), *DueDiligenceCheck.choices],
        error_messages={"required": "Choose the check that was done", "invalid_choice": "Choose a check from the list"},
    )
    completed_on = GovukDateField(
        label="Date the check was done",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the check was done", "incomplete": "Date the check was done must include a day, month and year"},
    )
    note = forms.CharField(
        label="Note (optional)", max_length=2000, required=False, widget=forms.Textarea, help_text="What was seen, for example the date of the accounts"
    )


class ConfirmForm(forms.Form):
    """A POST with nothing to fill in, for removals."""


def _id_choice(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, empty_value=None, error_messages={"invalid_choice": "Choose from the list"})


class AgreementFilterForm(FilterForm):
    """The agreement list's search and filters.

    The choices are the ones the page lists (`selectors.choices()`), passed in
    so one set of queries serves both.
    """

    search_label = "Reference, title or organisation"
    kind = forms.ChoiceField(label="Kind", error_messages={"invalid_choice": "Choose a kind from the list"})
    status = forms.ChoiceField(label="Status", error_messages={"invalid_choice": "Choose a status from the list"})
    officer = _id_choice("Accountable officer")
    # A picker, not a list: a national council has thousands of wards.
    ward = PickerField(
        label="Ward",
        queryset=ward_choices(),
        source="organisations:ward_pick",
        search=ward_picker_search,
        record_label=ward_picker_label,
        what="ward",
        number_is_record=True,
        help_text="Type the ward's name, or leave empty for any ward",
        error_messages={"invalid_choice": "Choose a ward from the list of suggestions: none matches what you typed"},
    )
    year = _id_choice("Running in financial year")
    # Set by the link from an organisation's page, not chosen in the form.
    organisation = forms.IntegerField(min_value=1, max_value=10**12, widget=forms.HiddenInput)
    mine = forms.BooleanField(label="Only agreements I am accountable for")

    CHOICES = {
        "kind": ("kinds", "Any kind"),
        "status": ("statuses", "Any status"),
        "officer": ("officers", "Any officer"),
        "year": ("years", "Any year"),
    }

    def __init__(self, *args: Any, choices: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (key, anything) in self.CHOICES.items():
            self.fields[name].choices = [("", anything), *choices[key]]  # type: ignore[attr-defined]
