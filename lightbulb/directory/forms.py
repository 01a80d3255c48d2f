"""Describing a service and its places: the same rules as the services, with the message next to each field."""

from __future__ import annotations

from typing import Any

from django import forms

from lightbulb.core.forms import VersionedForm, no_markup
from lightbulb.directory import selectors
from lightbulb.directory.services import (
    AGE_ORDER_MESSAGE,
    CLOSES_REQUIRED,
    DAYS_INVALID,
    DAYS_REQUIRED,
    OPENS_REQUIRED,
    TIME_INVALID,
    TIME_ORDER_MESSAGE,
    clock_time,
)
from lightbulb.places.forms import wards_picker
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode


class ServiceForm(VersionedForm):
    name = forms.CharField(label="Name of the service", max_length=200, validators=[no_markup], error_messages={"required": "Enter the service's name"})
    description = forms.CharField(
        label="What it offers and who it is for",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_markup],
        error_messages={"required": "Say what the service offers and who it is for"},
    )
    status = forms.ChoiceField(label="Is it running?", choices=(), widget=forms.RadioSelect)
    terms = forms.ModelMultipleChoiceField(
        label="Kinds of service",
        queryset=selectors.term_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People searching the directory find the service under these",
        error_messages={"invalid_choice": "Choose the kinds of service from the list", "invalid_pk_value": "Choose the kinds of service from the list"},
    )
    wards = wards_picker("Wards it serves", queryset=selectors.ward_choices(), source="directory:ward_pick")
    minimum_age = forms.IntegerField(
        label="Youngest age it is for (optional)",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    maximum_age = forms.IntegerField(
        label="Oldest age it is for (optional)",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    fees = forms.CharField(
        label="What it costs (optional)", max_length=500, required=False, validators=[no_markup], help_text="For example: free, or £2 a session"
    )
    url = forms.URLField(
        label="Web page (optional)", required=False, max_length=200, assume_scheme="https", error_messages={"invalid": "Enter a web address starting https://"}
    )
    email = forms.EmailField(label="E-mail address (optional)", required=False, error_messages={"invalid": "Enter an e-mail address like name@example.org"})
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False, validators=[no_markup])
    contact_name = forms.CharField(label="Contact name (optional)", max_length=200, required=False, validators=[no_markup])
    contact_title = forms.CharField(label="Contact's role (optional)", max_length=200, required=False, validators=[no_markup])
    publish = forms.BooleanField(
        label="The organisation agrees that the council publishes this service in its open directory",
        required=False,
        help_text="Published services can be found by anyone, through the council's Open Referral UK directory and its API",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = selectors.status_choices()  # type: ignore[attr-defined]
        self.fields["status"].initial = "active"
        self.fields["terms"].label_from_instance = lambda term: term.name  # type: ignore[attr-defined]
        self.fields["wards"].label_from_instance = lambda ward: ward.name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("minimum_age"), cleaned.get("maximum_age")
        if low is not None and high is not None and high < low:
            self.add_error("maximum_age", AGE_ORDER_MESSAGE)
        return cleaned


class LocationForm(forms.Form):
    name = forms.CharField(
        label="Name of the place",
        max_length=200,
        validators=[no_markup],
        error_messages={"required": "Enter the name of the place, for example the hall or centre"},
    )
    address_1 = forms.CharField(label="Street address", max_length=300, validators=[no_markup], error_messages={"required": "Enter the street address"})
    city = forms.CharField(label="Town or city", max_length=100, validators=[no_markup], error_messages={"required": "Enter the town or city"})
    postcode = forms.CharField(label="Postcode", max_length=10, widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}))

    latitude = forms.CharField(
        label="Latitude (optional)",
        required=False,
        max_length=20,
        help_text="Where the place is on a map, in decimal degrees, for example 52.486243. A search by distance finds only places that have both",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )
    longitude = forms.CharField(
        label="Longitude (optional)",
        required=False,
        max_length=20,
        help_text="For example -1.890401",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"]
        if not is_valid_postcode(postcode):
            raise forms.ValidationError("Enter a real postcode, like AT1 1AA")
        return normalise_postcode(postcode)


class ScheduleForm(forms.Form):
    """When the service runs; the times' form and order are the service's rules, shown beside the field."""

    days = forms.MultipleChoiceField(
        label="Which days?",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The same times on each day you choose",
        error_messages={"required": DAYS_REQUIRED, "invalid_choice": DAYS_INVALID},
    )
    opens_at = forms.CharField(
        label="Opens at",
        max_length=5,
        help_text="On the 24-hour clock, for example 09:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={"required": OPENS_REQUIRED},
    )
    closes_at = forms.CharField(
        label="Closes at",
        max_length=5,
        help_text="For example 17:00",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={"required": CLOSES_REQUIRED},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = selectors.weekday_choices()  # type: ignore[attr-defined]

    def clean_opens_at(self) -> str:
        return self._clock("opens_at")

    def clean_closes_at(self) -> str:
        return self._clock("closes_at")

    def _clock(self, field: str) -> str:
        value = self.cleaned_data[field]
        if clock_time(value) is None:
            raise forms.ValidationError(TIME_INVALID)
        return str(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = clock_time(cleaned.get("opens_at")), clock_time(cleaned.get("closes_at"))
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes_at", TIME_ORDER_MESSAGE)
        return cleaned


class RemoveForm(forms.Form):
    """A removal is a POST with nothing but the CSRF token."""
