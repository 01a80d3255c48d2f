"""Forms for payments: record paid, hold, claw back, add a milestone, and the list's filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from lightbulb.core.forms import FilterForm, GovukDateField, no_markup
from lightbulb.funding.models import Payment, PaymentBasis

MONEY_ERRORS = {
    "required": "Enter the amount",
    "invalid": "Enter an amount in pounds, like 1250 or 1250.50",
    "min_value": "The amount must be at least £0.01",
    "max_digits": "Enter an amount under £1,000,000,000,000",
    "max_whole_digits": "Enter an amount under £1,000,000,000,000",
    "max_decimal_places": "Enter an amount to the nearest penny",
}


class MoneyField(forms.DecimalField):
    """Pounds as people type them: '£1,250.50' is 1250.50."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "")
        return super().to_python(value)


def _money(label: str, hint: str = "") -> MoneyField:
    return MoneyField(label=label, help_text=hint, min_value=Decimal("0.01"), max_digits=14, decimal_places=2, error_messages=MONEY_ERRORS)


def _reason(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=2000,
        validators=[no_markup],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason", "max_length": "Keep the reason to 2,000 characters or fewer"},
    )


class PaymentFilterForm(FilterForm):
    search_label = "Agreement or organisation"
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *Payment.Status.choices], error_messages={"invalid_choice": "Choose a status from the list"}
    )
    basis = forms.ChoiceField(
        label="Paid", choices=[("", "Any basis"), *PaymentBasis.choices], error_messages={"invalid_choice": "Choose a basis from the list"}
    )
    due_from = GovukDateField(label="Due on or after")
    due_to = GovukDateField(label="Due on or before")
    late = forms.BooleanField(label="Paid after more than 30 days")
    # The list opens on the payments still to make, next due first; finished ones are a tick away.
    finished = forms.BooleanField(label="Include paid, cancelled and clawed-back payments")


class PaymentPaidForm(forms.Form):
    paid_on = GovukDateField(label="Date paid", help_text="For example, 27 3 2026", error_messages={"required": "Enter the date the payment was made"})
    invoice_received_on = GovukDateField(
        label="Date the invoice or claim arrived (if there was one)",
        help_text="Leave blank for a grant paid on its due date without a claim. Days to pay count from this date, or from the due date.",
        required=False,
    )


class PaymentInvoiceForm(forms.Form):
    received_on = GovukDateField(
        label="Date the invoice or claim arrived",
        help_text="The Compact's 30 days to pay run from this day. For example, 27 3 2026",
        error_messages={"required": "Enter the date the invoice or claim arrived"},
    )


class PaymentHoldForm(forms.Form):
    reason = _reason("Why is the payment held?", "The organisation will be told this reason.")


class PaymentClawBackForm(forms.Form):
    amount = _money("Amount to claw back", "No more than the amount paid.")
    reason = _reason("Why is the money being clawed back?", "For example, the funded service did not run from January.")


class MilestoneForm(forms.Form):
    milestone = forms.CharField(
        label="Milestone",
        help_text="What must happen before this payment is made.",
        max_length=300,
        validators=[no_markup],
        error_messages={"required": "Describe the milestone", "max_length": "Keep the milestone to 300 characters or fewer"},
    )
    due_date = GovukDateField(label="Expected date", error_messages={"required": "Enter the date the milestone is expected"})
    amount = _money("Amount")
