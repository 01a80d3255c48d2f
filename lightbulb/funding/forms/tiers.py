"""The form administrators use to set a proportionality tier."""

from __future__ import annotations

from typing import Any

from django import forms

from lightbulb.core.forms import no_markup
from lightbulb.funding.forms.agreements import ABSURD_AMOUNT, MoneyField
from lightbulb.funding.models import DueDiligenceCheck, RiskLevel


class TierForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, validators=[no_markup], error_messages={"required": "Enter a name for the tier"})
    min_value = MoneyField(
        label="Lowest value",
        allow_zero=True,
        help_text=(
            "In pounds; the band includes this amount. Tiers for a risk level run on from £0 to the penny: if one ends at £5,000 the next starts at £5,000.01"
        ),
        error_messages={"required": "Enter the lowest value (0 for no lower limit)"},
    )
    max_value = MoneyField(
        label="Highest value (optional)",
        required=False,
        maximum=ABSURD_AMOUNT,
        help_text=(
            "In pounds; the band includes this amount. Leave empty for no upper limit: the highest tier for each risk level has none. "
            "To add a band, give it the top of an existing tier's band (the same highest value, or none): that tier then ends a penny below it"
        ),
    )
    risk_level = forms.ChoiceField(
        label="Risk level", choices=RiskLevel.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the risk level"}
    )
    required_checks = forms.MultipleChoiceField(
        label="Due-diligence checks required before award",
        choices=DueDiligenceCheck.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose checks from the list"},
    )
    monitoring_every_months = forms.IntegerField(
        label="Monitoring due every (months)",
        min_value=1,
        max_value=24,
        error_messages={
            "required": "Enter how often monitoring is due",
            "invalid": "Enter a whole number of months, like 12",
            "min_value": "Enter a number of months from 1 to 24",
            "max_value": "Enter a number of months from 1 to 24",
        },
    )
    advance_payment_allowed = forms.BooleanField(label="Payment in advance is allowed", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and high < low:
            self.add_error("max_value", "The highest value must be the same as or more than the lowest value")
        return data
