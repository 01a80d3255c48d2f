"""Forms for places: every field validated, with a specific message next to it."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from lightbulb.core.forms import FilterForm, GovukDateField, VersionedForm, no_markup
from lightbulb.core.pickers import MultiPickerField, PickerField
from lightbulb.places import selectors
from lightbulb.places.models import Locality, Ward
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode

WARD_CODE = re.compile(r"^E05\d{6}$")
COUNCIL_CODE = re.compile(r"^E0[6789]\d{6}$")
ORG_ID = re.compile(r"^GB-LAE-[A-Z]{3,4}$")


def _compact_upper(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


class CouncilForm(forms.Form):
    name = forms.CharField(label="Council name", max_length=200, validators=[no_markup])
    gss_code = forms.CharField(
        label="GSS code",
        max_length=20,
        help_text="E06, E07, E08 or E09 then 6 numbers, for example E06000999",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    org_id = forms.CharField(
        label="Org-ID",
        max_length=20,
        help_text="GB-LAE- then the council's 3 or 4 letter code, for example GB-LAE-ANY",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    grant_prefix = forms.CharField(
        label="360Giving prefix", max_length=50, required=False, help_text="The prefix 360Giving gave the council, for example 360G-anytown"
    )

    def clean_gss_code(self) -> str:
        code = _compact_upper(self.cleaned_data["gss_code"])
        if not COUNCIL_CODE.match(code):
            raise forms.ValidationError("Enter a council GSS code: E06, E07, E08 or E09 then 6 numbers, for example E06000999")
        return code

    def clean_org_id(self) -> str:
        org_id = _compact_upper(self.cleaned_data["org_id"])
        if not ORG_ID.match(org_id):
            raise forms.ValidationError("Enter an Org-ID like GB-LAE-ANY (GB-LAE- then 3 or 4 letters)")
        return org_id

    def clean_grant_prefix(self) -> str:
        prefix = self.cleaned_data["grant_prefix"].strip()
        if prefix and not re.match(r"^360G-[A-Za-z0-9-]+$", prefix):
            raise forms.ValidationError("Enter a 360Giving prefix that starts 360G- followed by letters, numbers or hyphens, for example 360G-anytown")
        return prefix


class WardForm(VersionedForm):
    name = forms.CharField(label="Ward name", max_length=200, validators=[no_markup])
    gss_code = forms.CharField(
        label="GSS code", max_length=20, help_text="E05 then 6 numbers, for example E05001234", widget=forms.TextInput(attrs={"class": "govuk-input--width-10"})
    )
    locality = forms.ModelChoiceField(label="Locality", queryset=Locality.objects.none(), required=False, empty_label="No locality")

    def __init__(self, *args: Any, instance: Ward | None = None, **kwargs: Any) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = selectors.locality_choices()  # type: ignore[attr-defined]

    def clean_gss_code(self) -> str:
        code = _compact_upper(self.cleaned_data["gss_code"])
        if not WARD_CODE.match(code):
            raise forms.ValidationError("Enter a ward GSS code: E05 then 6 numbers, for example E05001234")
        existing = selectors.ward_codes().get(code)
        if existing is not None and (self.instance is None or existing != self.instance.pk):
            raise forms.ValidationError(f"Another ward already has the code {code}")
        return code


class CouncillorForm(VersionedForm):
    name = forms.CharField(label="Full name", max_length=200, validators=[no_markup])
    # A picker, not a list: a national council has thousands of wards.
    ward = PickerField(
        label="Ward",
        queryset=Ward.objects.none(),
        source="organisations:ward_pick",
        search=selectors.ward_search,
        record_label=selectors.ward_label,
        what="ward",
        number_is_record=True,
        help_text="Type the ward's name or its GSS code and choose from the suggestions",
        error_messages={"invalid_choice": "Choose a ward from the list"},
    )
    party = forms.CharField(label="Party", max_length=100, validators=[no_markup], help_text="For example Independent")
    email = forms.EmailField(label="E-mail address", max_length=254, required=False)
    term_start = GovukDateField(label="Start of term", help_text="For example 2 5 2024")
    term_end = GovukDateField(label="End of term", required=False, help_text="Leave blank if the term has not ended or no date is set")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = selectors.ward_choices()  # type: ignore[attr-defined]
        self.fields["ward"].error_messages["required"] = "Choose the councillor's ward"
        self.fields["term_start"].error_messages["required"] = "Enter the start of the term"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", "The end of the term must be the same as or after the start of the term")
        return cleaned


def _ward_and_locality(ward: Ward) -> str:
    """A ward as a locality's form names it: with the locality it is in now, which choosing it moves it from."""
    locality = f" – now in {ward.locality.name}" if ward.locality_id and ward.locality else ""
    return f"{ward.name} ({ward.gss_code}){locality}"


def wards_picker(
    label: str, *, queryset: Any, source: str = "organisations:ward_pick", record_label: Any = selectors.ward_label, help_text: str = ""
) -> MultiPickerField:
    """Several wards chosen by searching: a national council has thousands (a council with few lists them all)."""
    return MultiPickerField(
        label=label,
        queryset=queryset,
        required=False,
        source=source,
        search=selectors.ward_search,
        record_label=record_label,
        what="ward",
        find_label="Find a ward to add",
        number_is_record=True,
        help_text=help_text,
        error_messages={"invalid_choice": "Choose wards from the list", "invalid_pk_value": "Choose wards from the list"},
    )


class LocalityForm(VersionedForm):
    name = forms.CharField(label="Locality name", max_length=200, validators=[no_markup])
    description = forms.CharField(label="Description", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}), validators=[no_markup])
    wards = wards_picker(
        "Wards in this locality",
        queryset=Ward.objects.none(),
        record_label=_ward_and_locality,
        help_text="A ward belongs to one locality: choosing a ward moves it here",
    )

    def __init__(self, *args: Any, instance: Locality | None = None, **kwargs: Any) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["wards"].queryset = selectors.ward_choices().select_related("locality")  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = selectors.locality_by_name(name)
        if clash is not None and (self.instance is None or clash.pk != self.instance.pk):
            raise forms.ValidationError("Another locality already has this name")
        return name


class PostcodeLookupForm(forms.Form):
    postcode = forms.CharField(label="Postcode", max_length=20, widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}))

    def clean_postcode(self) -> str:
        raw = self.cleaned_data["postcode"]
        if not is_valid_postcode(raw):
            raise forms.ValidationError("Enter a full UK postcode, like AT1 1AA")
        return normalise_postcode(raw)


class WardFilterForm(FilterForm):
    search_label = "Ward name or GSS code"
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.order_by("name"),
        empty_label="Any locality",
        error_messages={"invalid_choice": "Choose a locality from the list"},
    )


class CouncillorFilterForm(FilterForm):
    search_label = "Name"
    party = forms.ChoiceField(label="Party", error_messages={"invalid_choice": "Choose a party from the list"})
    # A picker, not a list: a national council has thousands of wards (the register's ward search answers it).
    ward = PickerField(
        label="Ward",
        queryset=Ward.objects.order_by("name"),
        source="organisations:ward_pick",
        search=selectors.ward_search,
        record_label=selectors.ward_label,
        what="ward",
        number_is_record=True,
        help_text="Type the ward's name, or leave empty for any ward",
        error_messages={"invalid_choice": "Choose a ward from the list of suggestions: none matches what you typed"},
    )

    def __init__(self, *args: Any, parties: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [("", "Any party"), *((party, party) for party in parties)]  # type: ignore[attr-defined]
