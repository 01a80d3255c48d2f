"""Forms for concerns and the risk register; every rule is checked again in the services, in the same words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from lightbulb.concerns.models import Category, NoteKind, Referral, Risk, RiskArea, Step, SubjectType
from lightbulb.core.forms import FilterForm, GovukDateField, VersionedForm, no_markup

LONG_TEXT = 5000


def _text(label: str, missing: str, hint: str = "", *, required: bool = True, rows: int = 4, max_length: int = LONG_TEXT) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=max_length,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing, "max_length": f"Keep this to {max_length:,} characters or fewer"},
    )


def _choice(label: str, choices: Any, missing: str, *, radios: bool = True, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": missing, "invalid_choice": missing},
    )


class MoneyField(forms.DecimalField):
    """Pounds as people type them: '£1,250.50' is 1250.50."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "")
        return super().to_python(value)


def _money(label: str, hint: str = "", *, required: bool = False) -> MoneyField:
    return MoneyField(
        label=label,
        help_text=hint,
        required=required,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter the amount to claw back",
            "invalid": "Enter an amount in pounds, like 250 or 99.50",
            "min_value": "Enter an amount in pounds, like 250 or 99.50",
            "max_digits": "Enter an amount in pounds, like 250 or 99.50",
            "max_whole_digits": "Enter an amount in pounds, like 250 or 99.50",
            "max_decimal_places": "Enter an amount in pounds, like 250 or 99.50",
        },
    )


class _ReportForm(forms.Form):
    category = _choice("What is the concern about?", Category.choices, "Select what the concern is about")
    subject_name = forms.CharField(
        label="Name of the organisation",
        max_length=300,
        validators=[no_markup],
        error_messages={"required": "Enter the name of the organisation the concern is about", "max_length": "Keep this to 300 characters or fewer"},
    )
    description = _text("What happened?", "Describe what happened", "Say what you saw or know, when and where, and who else may know about it.", rows=8)


class StaffConcernForm(_ReportForm):
    pass


class PortalConcernForm(_ReportForm):
    pass


class PublicConcernForm(_ReportForm):
    anonymous = forms.BooleanField(
        label="Report anonymously", required=False, help_text="We will not ask who you are. We will not be able to contact you for more information."
    )
    reporter_name = forms.CharField(label="Your name", required=False, max_length=200, validators=[no_markup])
    reporter_email = forms.EmailField(label="Your e-mail address", required=False, help_text="We will send you the reference.")
    reporter_phone = forms.CharField(label="Your phone number", required=False, max_length=40, validators=[no_markup])
    # Left empty by people; filled in by programs that fill in every box. Hidden from view and from assistive technology.
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)


class StatusCheckForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=20, help_text="For example, CN-2026-0012", error_messages={"required": "Enter the reference"})
    code = forms.CharField(
        label="Follow-up code",
        max_length=20,
        help_text="The code you were shown when you reported it, like K7M2-P9QX",
        error_messages={"required": "Enter the follow-up code"},
    )


class ConcernFilterForm(FilterForm):
    search_label = "Reference or organisation"
    status = forms.ChoiceField(label="Status", choices=[("", "Any status")], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from lightbulb.concerns.models import Status

        self.fields["status"].choices = [("", "Any status"), *Status.choices]  # type: ignore[attr-defined]


class FindOrganisationForm(forms.Form):
    find = forms.CharField(
        label="Find the organisation on the register", max_length=200, required=False, help_text="A name, a charity or company number, or a postcode."
    )


class TriageForm(forms.Form):
    decision = _choice("Decision", [("investigate", "Investigate"), ("close", "Close: no investigation needed")], "Select whether to investigate")
    reasons = _text("Reasons for the decision", "Enter the reasons for the decision")
    organisation = forms.TypedChoiceField(
        label="The organisation on the register", required=False, coerce=int, empty_value=None, help_text="The closest matches to the name you searched for."
    )
    agreement = forms.TypedChoiceField(
        label="The agreement concerned (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Needed to hold or claw back payments or end the agreement.",
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], agreements: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Select an organisation"), *organisations]  # type: ignore[attr-defined]
        self.fields["agreement"].choices = [("", "No agreement"), *agreements]  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    kind = _choice("Kind of note", NoteKind.choices, "Select the kind of note")
    text = _text("Note", "Enter the note", rows=6)
    cost = _money("Cost of this work (optional)", "Staff time and other costs, in pounds. Counted in the annual counter-fraud figures.")
    recorded_on = GovukDateField(label="Date", help_text="Leave blank for today. For example, 27 3 2026", required=False)


class EvidenceForm(forms.Form):
    description = forms.CharField(label="What the file is", max_length=300, validators=[no_markup], error_messages={"required": "Say what the file is"})
    file = forms.FileField(
        label="File", help_text="PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG, smaller than 10 MB.", error_messages={"required": "Choose a file"}
    )


class StepForm(forms.Form):
    step = _choice("Step on the action ladder", Step.choices, "Select the step")
    justification = _text("Why this step is proportionate and justified", "Enter why this step is proportionate and justified")
    impact_service_users = _text(
        "Impact on the people the organisation serves",
        "Enter the impact on the people the organisation serves",
        "Service users first: who they are, how many, and what changes for them.",
    )
    impact_others = _text("Impact on anyone else (optional)", "", "Volunteers, staff, partners and other funders.", required=False)
    mitigations = _text("Mitigations", "Enter the mitigations", "For example, an interim provider, or keeping payments for front-line costs.")
    reason_to_organisation = _text(
        "What the organisation will be told",
        "Enter what the organisation will be told",
        "Needed to suspend payments, claw back or terminate. It is sent to the organisation, so do not say who reported the concern.",
        required=False,
        max_length=2000,
    )
    referred_to = _choice("Referred to", Referral.choices, "Select who the concern is referred to", required=False)
    payment = forms.TypedChoiceField(label="Payment to claw back from", required=False, coerce=int, empty_value=None, help_text="Only to claw back.")
    amount = _money("Amount to claw back", "Only to claw back.")
    funding_end_date = GovukDateField(
        label="Date funding ends", help_text="Only to terminate. The Compact asks for at least 3 calendar months' notice.", required=False
    )
    short_notice_reason = _text("Reason for less than 3 months' notice", "", "Only to terminate, with less than 3 months' notice.", required=False)
    impact_volunteers = _text("Impact on volunteers", "", "Only to terminate.", required=False)
    impact_staff = _text("Impact on the organisation's staff", "", "Only to terminate.", required=False)
    impact_equality_groups = _text("Impact on equality groups", "", "Only to terminate.", required=False)
    alternative_providers = _text("Who else could serve them", "", "Only to terminate.", required=False)
    exit_plan = _text("Exit plan", "", "Only to terminate.", required=False)

    NOTICE_FIELDS = (
        "funding_end_date",
        "short_notice_reason",
        "impact_volunteers",
        "impact_staff",
        "impact_equality_groups",
        "alternative_providers",
        "exit_plan",
    )

    def __init__(self, *args: Any, payments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payment"].choices = [("", "Select a paid payment"), *payments]  # type: ignore[attr-defined]

    def answers(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["notice"] = {name: data.pop(name) for name in self.NOTICE_FIELDS}
        data["notice"]["told"] = "now"
        return data


class CloseForm(forms.Form):
    outcome = _text("Outcome", "Enter the outcome", "What was found and what was done.")


class SettingsForm(VersionedForm):
    triage_days = forms.IntegerField(
        label="Days to triage a new concern",
        min_value=1,
        max_value=60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={k: "Enter a whole number of days from 1 to 60" for k in ("required", "invalid", "min_value", "max_value")},
    )


class CounterFraudYearForm(forms.Form):
    employees_fte = _money("Full-time equivalent employees undertaking investigations and prosecutions of fraud")
    accredited_specialists = forms.IntegerField(
        label="Professionally accredited counter fraud specialists",
        min_value=0,
        max_value=10000,
        required=False,
        error_messages={k: "Enter a whole number, 0 or more" for k in ("invalid", "min_value", "max_value")},
    )
    accredited_fte = _money("Full-time equivalent accredited counter fraud specialists")
    other_costs = _money("Spending on investigating and prosecuting fraud not recorded against a concern (£)")


# --- the risk register -------------------------------------------------------------------------

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class RiskForm(VersionedForm):
    title = forms.CharField(label="Risk", max_length=200, validators=[no_markup], error_messages={"required": "Enter the risk"})
    description = _text("Description (optional)", "", required=False)
    area = _choice("Area", RiskArea.choices, "Select the area of risk", radios=False)
    subject_type = _choice("What the risk is about", SubjectType.choices, "Select what the risk is about")
    agreement_reference = forms.CharField(
        label="Agreement reference", required=False, max_length=30, help_text="Only for a risk on an agreement. For example, AGR-2025-0012"
    )
    subject_label = forms.CharField(
        label="Name of the project, asset or fund", required=False, max_length=300, validators=[no_markup], help_text="Not needed for an agreement."
    )
    likelihood = _choice("Likelihood (1 rare to 5 almost certain)", SCORES, "Select how likely it is")
    impact = _choice("Impact (1 negligible to 5 severe)", SCORES, "Select how big its impact would be")
    owner = forms.TypedChoiceField(
        label="Owner", coerce=int, error_messages={"required": "Select the risk's owner", "invalid_choice": "Select the risk's owner from the list"}
    )
    controls = _text("Controls in place", "Enter the controls in place")
    review_date = GovukDateField(label="Next review", help_text="For example, 27 3 2027", error_messages={"required": "Enter the date of the next review"})
    status = _choice("Status", Risk.Status.choices, "Select the status")

    def __init__(self, *args: Any, find_agreement: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.find_agreement = find_agreement
        self.fields["owner"].choices = [("", "Select an owner"), *owners]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        reference = cleaned.pop("agreement_reference", "") or ""
        cleaned["agreement"] = None
        if reference:
            agreement = self.find_agreement(reference)
            if agreement is None:
                self.add_error("agreement_reference", "No agreement has that reference")
            cleaned["agreement"] = agreement.pk if agreement is not None else None
        return cleaned


class AppetiteForm(forms.Form):
    lowest = forms.IntegerField(
        label="Lowest score the council is content with",
        min_value=1,
        max_value=25,
        help_text="Risks scoring less than this show the council may be too cautious.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={k: "Enter a score from 1 to 25" for k in ("required", "invalid", "min_value", "max_value")},
    )
    highest = forms.IntegerField(
        label="Highest score the council is content with",
        min_value=1,
        max_value=25,
        help_text="Risks scoring more than this are more risk than the council wants to carry.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={k: "Enter a score from 1 to 25" for k in ("required", "invalid", "min_value", "max_value")},
    )
    statement = _text("Appetite statement (optional)", "", required=False, max_length=2000)
