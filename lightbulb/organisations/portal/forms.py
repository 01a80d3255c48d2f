"""Forms for claiming an organisation, proposing a new one, keeping its profile current, and deciding claims."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lightbulb.core.forms import FilterForm, no_markup
from lightbulb.organisations.identifiers import parse_identifier
from lightbulb.organisations.models import IdentifierScheme, LegalForm, OrganisationClaim
from lightbulb.organisations.services import normalise_postcode

# A UK postcode as Royal Mail writes it (outward code, space optional, inward code), plus GIR 0AA.
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")


def clean_postcode(raw: str) -> str:
    text = " ".join((raw or "").upper().split())
    if not text:
        return ""
    if not _POSTCODE.match(text):
        raise ValidationError("Enter a real postcode, like AT1 1AA")
    return normalise_postcode(text)


def clean_identifier(raw: str, scheme: str) -> str:
    """The register's form of a charity or company number, or a message that says what is wrong."""
    text = (raw or "").strip()
    if not text:
        return ""
    return parse_identifier(text, scheme).value


class ClaimSearchForm(forms.Form):
    q = forms.CharField(
        label="Organisation name, charity or company number, or postcode",
        max_length=200,
        help_text="For example, Riverside Food Bank, 1123456 or AT1 1AA",
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def clean_q(self) -> str:
        query: str = self.cleaned_data["q"].strip()
        no_markup(query)
        return query


class ClaimForm(forms.Form):
    """What a person tells the council when claiming an existing organisation."""

    role_in_organisation = forms.CharField(
        label="Your role in the organisation",
        max_length=200,
        help_text="For example, trustee, treasurer, manager or volunteer co-ordinator",
        validators=[no_markup],
    )
    evidence = forms.CharField(
        label="How can we check you act for it?",
        max_length=2000,
        help_text="For example, your name as it appears on the charity's register, or someone at the organisation we can contact",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_markup],
    )


class ProposalForm(ClaimForm):
    """A new organisation the register does not hold yet, and the proposer's link to it."""

    name = forms.CharField(label="Organisation name", max_length=300, validators=[no_markup], widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    legal_form = forms.ChoiceField(label="What kind of organisation is it?", choices=LegalForm.choices, widget=forms.RadioSelect)
    charity_number = forms.CharField(label="Charity number (optional)", max_length=30, required=False, help_text="If it is a registered charity, like 1123456")
    company_number = forms.CharField(
        label="Company number (optional)", max_length=30, required=False, help_text="If it is a company, like 01234567 or SC123456"
    )
    address = forms.CharField(label="Address", max_length=500, widget=forms.Textarea(attrs={"rows": 3}), validators=[no_markup])
    postcode = forms.CharField(label="Postcode", widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}))
    description = forms.CharField(label="What does the organisation do?", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), validators=[no_markup])

    field_order = ["name", "legal_form", "charity_number", "company_number", "address", "postcode", "description", "role_in_organisation", "evidence"]

    def clean_charity_number(self) -> str:
        return clean_identifier(self.cleaned_data.get("charity_number", ""), IdentifierScheme.CHC)

    def clean_company_number(self) -> str:
        return clean_identifier(self.cleaned_data.get("company_number", ""), IdentifierScheme.COH)

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data.get("postcode", ""))


class ProfileForm(forms.Form):
    """The public-facing profile a verified member keeps current."""

    other_names = forms.CharField(
        label="Other names (optional)",
        max_length=1000,
        required=False,
        help_text="Previous or working names, one per line",
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_markup],
    )
    description = forms.CharField(
        label="What the organisation does", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 5}), validators=[no_markup]
    )
    address = forms.CharField(label="Address", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}), validators=[no_markup])
    postcode = forms.CharField(
        label="Postcode", required=False, widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"})
    )
    website = forms.URLField(label="Website (optional)", max_length=200, required=False, assume_scheme="https", help_text="For example, https://example.org")
    email = forms.EmailField(label="Organisation e-mail address (optional)", max_length=254, required=False)
    phone = forms.CharField(
        label="Phone number (optional)", max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    areas_of_work = forms.MultipleChoiceField(label="Areas of work", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, area_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = area_choices or []
        self.fields["areas_of_work"].choices = choices  # type: ignore[attr-defined]
        if not choices:
            del self.fields["areas_of_work"]

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data.get("postcode", ""))

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data.get("phone", "").split())
        if not phone:
            return ""
        digits = re.sub(r"\D", "", phone)
        if not _PHONE.match(phone) or not 10 <= len(digits) <= 13:
            raise ValidationError("Enter a phone number, like 01632 960 001 or +44 7700 900 982")
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A profile is how people find the organisation: it keeps at least one way to reach it.
        if not self.errors and not any(cleaned.get(name) for name in ("address", "website", "email", "phone")):
            self.add_error("email", "Give at least one way to reach the organisation: an address, website, e-mail address or phone number")
        return cleaned


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=[("verify", "Verify: they act for this organisation"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason (needed to reject)",
        max_length=2000,
        required=False,
        help_text="The person who made the claim will see this",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_markup],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason the claim is rejected. The person who made it will see it.")
        return cleaned


class ClaimFilterForm(FilterForm):
    search_label = None
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *OrganisationClaim.Status.choices], error_messages={"invalid_choice": "Choose a status from the list"}
    )


class ProfileChangeFilterForm(FilterForm):
    search_label = None
    reviewed = forms.ChoiceField(label="Show", choices=[("", "All changes"), ("no", "Not yet reviewed"), ("yes", "Reviewed")])
