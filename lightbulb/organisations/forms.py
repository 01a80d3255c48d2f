"""Forms of the organisation register. Each keeps what was typed and says exactly what is wrong."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from lightbulb.core.forms import FilterForm, GovukDateField, VersionedForm, no_markup
from lightbulb.core.pickers import PickerField
from lightbulb.core.registry import registry
from lightbulb.organisations.identifiers import parse_identifier
from lightbulb.organisations.models import AreaOfWork, IdentifierScheme, LegalForm, OrganisationStatus
from lightbulb.organisations.normalise import is_valid_postcode, normalise_postcode
from lightbulb.organisations.selectors import ward_picker_label, ward_picker_search
from lightbulb.places.forms import wards_picker
from lightbulb.places.models import Ward

phone_validator = RegexValidator(r"^[0-9 +()\-]{6,30}$", "Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
ARCHIVED = "archived"


def _reason_field(label: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=2000,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": f"{label.rstrip('?')} – enter a reason", "max_length": "Keep the reason to 2,000 characters or fewer"},
    )


class OrganisationFilterForm(FilterForm):
    """The register's search and filters."""

    search_label = "Name, identifier or postcode"
    # A picker, not a list: a national register has thousands of wards.
    ward = PickerField(
        label="Ward",
        queryset=Ward.objects.order_by("name"),
        source="organisations:ward_pick",
        search=ward_picker_search,
        record_label=ward_picker_label,
        what="ward",
        number_is_record=True,
        help_text="Type the ward's name, or leave empty for any ward",
        error_messages={"invalid_choice": "Choose a ward from the list of suggestions: none matches what you typed"},
    )
    legal_form = forms.ChoiceField(
        label="Legal form", choices=[("", "Any legal form"), *LegalForm.choices], error_messages={"invalid_choice": "Choose a legal form from the list"}
    )
    area = forms.ModelChoiceField(
        label="Area of work",
        queryset=AreaOfWork.objects.order_by("name"),
        empty_label="Any area of work",
        error_messages={"invalid_choice": "Choose an area of work from the list"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Current records (not archived or merged)"), *OrganisationStatus.choices, (ARCHIVED, "Archived")],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filters other modules contribute, such as "Currently funded".
        extra = [(name, item.label) for name, item in registry.organisation_filters.items()]
        if extra:
            self.fields["only"] = forms.MultipleChoiceField(
                label="Only show", choices=extra, required=False, widget=forms.CheckboxSelectMultiple, error_messages={"invalid_choice": "Choose from the list"}
            )


def _past_date(value: datetime.date | None, label: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(f"{label} must be today or in the past")


class OrganisationForm(VersionedForm):
    name = forms.CharField(
        label="Name",
        max_length=300,
        validators=[no_markup],
        error_messages={"required": "Enter the organisation's name", "max_length": "The name must be 300 characters or fewer"},
    )
    other_names = forms.CharField(
        label="Other names",
        help_text="Previous or working names, one per line",
        required=False,
        max_length=2000,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Other names must be 2,000 characters or fewer"},
    )
    legal_form = forms.ChoiceField(
        label="Legal form", choices=LegalForm.choices, error_messages={"required": "Choose a legal form", "invalid_choice": "Choose a legal form from the list"}
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[choice for choice in OrganisationStatus.choices if choice[0] != OrganisationStatus.MERGED],
        error_messages={"required": "Choose a status", "invalid_choice": "Choose a status from the list"},
    )
    description = forms.CharField(
        label="What the organisation does",
        required=False,
        max_length=5000,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The description must be 5,000 characters or fewer"},
    )
    address = forms.CharField(
        label="Address",
        required=False,
        max_length=500,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        error_messages={"max_length": "The address must be 500 characters or fewer"},
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}),
        error_messages={"max_length": "Enter a real postcode, like AT1 1AA"},
    )
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://www.example.org", "max_length": "The web address must be 200 characters or fewer"},
    )
    email = forms.EmailField(
        label="Organisation e-mail",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address in the right format, like name@example.org"},
    )
    phone = forms.CharField(
        label="Telephone",
        required=False,
        max_length=30,
        validators=[phone_validator],
        error_messages={"max_length": "Enter a telephone number of 30 characters or fewer"},
    )
    date_registered = GovukDateField(label="Date registered", required=False, help_text="For example, 27 3 2007")
    is_vcse = forms.BooleanField(label="It is a voluntary, community or social enterprise organisation", required=False)
    wards_served = wards_picker("Wards served", queryset=Ward.objects.order_by("name"))
    areas_of_work = forms.ModelMultipleChoiceField(
        label="Areas of work",
        queryset=AreaOfWork.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose areas of work from the list"},
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter the organisation's name")
        return name

    def clean_postcode(self) -> str:
        raw = " ".join(self.cleaned_data["postcode"].upper().split())
        if not raw:
            return ""
        if not is_valid_postcode(raw):
            raise ValidationError("Enter a real postcode, like AT1 1AA")
        return normalise_postcode(raw)

    def clean_date_registered(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("date_registered")
        _past_date(value, "Date registered")
        return value


class IdentifierForm(forms.Form):
    scheme = forms.ChoiceField(
        label="Register",
        choices=[("", "Work it out from what I type (for example GB-CHC-1234567)"), *IdentifierScheme.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a register from the list"},
    )
    value = forms.CharField(
        label="Identifier",
        help_text="A charity or company number, or an Org-ID such as GB-COH-01234567",
        max_length=50,
        error_messages={"required": "Enter an identifier", "max_length": "An identifier is 50 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "value" in cleaned and "scheme" in cleaned:
            try:
                parsed = parse_identifier(cleaned["value"], cleaned["scheme"] or None)
            except ValidationError as error:
                self.add_error("value", error)
            else:
                cleaned["parsed"] = parsed
        return cleaned


class ContactForm(VersionedForm):
    name = forms.CharField(
        label="Full name",
        max_length=200,
        validators=[no_markup],
        error_messages={"required": "Enter the contact's name", "max_length": "The name must be 200 characters or fewer"},
    )
    role = forms.CharField(
        label="Role in the organisation",
        required=False,
        max_length=200,
        validators=[no_markup],
        error_messages={"max_length": "The role must be 200 characters or fewer"},
    )
    email = forms.EmailField(
        label="E-mail address", required=False, max_length=254, error_messages={"invalid": "Enter an e-mail address in the right format, like name@example.org"}
    )
    phone = forms.CharField(
        label="Telephone",
        required=False,
        max_length=30,
        validators=[phone_validator],
        error_messages={"max_length": "Enter a telephone number of 30 characters or fewer"},
    )
    purpose = forms.CharField(
        label="Why the council holds these details",
        help_text="For example, to contact them about the food bank grant",
        max_length=300,
        validators=[no_markup],
        error_messages={"required": "Enter why the council holds these details", "max_length": "The purpose must be 300 characters or fewer"},
    )
    consent_given_on = GovukDateField(label="Date consent was given", required=False, help_text="For example, 27 3 2026")
    retain_until = GovukDateField(
        label="Keep until",
        help_text="The date to erase these details by, for example 31 3 2028",
        error_messages={"required": "Enter the date to keep the details until"},
    )

    def clean_consent_given_on(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("consent_given_on")
        _past_date(value, "Date consent was given")
        return value

    def clean_retain_until(self) -> datetime.date:
        value: datetime.date | None = self.cleaned_data.get("retain_until")
        if value is None:
            raise ValidationError("Enter the date to keep the details until")
        if value <= timezone.localdate():
            raise ValidationError("Keep until must be a date in the future")
        if value.year > timezone.localdate().year + 25:
            raise ValidationError("Keep until must be within 25 years")
        return value


class ReasonForm(forms.Form):
    reason = _reason_field("Reason")


class ArchiveForm(forms.Form):
    reason = _reason_field("Why is the organisation being archived?", "For example, it closed in March 2026")


class EraseForm(forms.Form):
    reason = _reason_field("Why are the details being erased?", "For example, the person asked us to erase them")


class DismissForm(forms.Form):
    reason = _reason_field("Why are these different organisations?", "For example, two branches of one charity with their own committees")


class MergeForm(forms.Form):
    keep = forms.ChoiceField(
        label="Which record should be kept?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which record to keep", "invalid_choice": "Choose one of the two records"},
    )
    reason = _reason_field("Why are these the same organisation?", "For example, the same charity number and address")
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, first: Any, second: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = self.fields["keep"]
        assert isinstance(keep, forms.ChoiceField)
        keep.choices = [(str(record.pk), f"{record.name} (record {record.pk})") for record in (first, second)]


class AreaOfWorkForm(forms.Form):
    name = forms.CharField(
        label="Name of the area of work",
        max_length=100,
        validators=[no_markup],
        error_messages={"required": "Enter a name for the area of work", "max_length": "The name must be 100 characters or fewer"},
    )

    def __init__(self, *args: Any, current: AreaOfWork | None = None, **kwargs: Any) -> None:
        self.current = current
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name: str = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Enter a name for the area of work")
        taken = AreaOfWork.objects.filter(name__iexact=name)
        if self.current is not None:
            taken = taken.exclude(pk=self.current.pk)
        if taken.exists():
            raise ValidationError(f"There is already an area of work called {name}")
        return name
