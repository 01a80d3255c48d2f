"""The variation page: the new terms, the approval, and for a reduction its impact and notice."""

from __future__ import annotations

from typing import Any

from django import forms

from lightbulb.core.forms import GovukDateField
from lightbulb.funding.forms.agreements import MoneyField
from lightbulb.funding.models import PaymentBasis, RiskLevel

LONG_TEXT = 10_000


def _text(label: str, hint: str = "", *, required: bool = True, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower() + label[1:]}", "max_length": f"{label} must be {LONG_TEXT:,} characters or fewer"},
    )


class VariationForm(forms.Form):
    amount = MoneyField(label="Total value", help_text="In pounds, for example £12,500", error_messages={"required": "Enter the total value"})
    end_date = GovukDateField(label="End date", help_text="For example, 31 3 2027", error_messages={"required": "Enter the end date"})
    payment_basis = forms.ChoiceField(
        label="Payment basis", choices=PaymentBasis.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the payment basis"}
    )
    risk_level = forms.ChoiceField(
        label="Risk level", choices=RiskLevel.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the risk level"}
    )
    reason = _text("Why the agreement is being varied", "This goes in the letter to the organisation.")
    approved_by = forms.CharField(
        label="Who approved the variation",
        help_text="The name and role of the person or the board, for example Head of Communities",
        max_length=200,
        error_messages={"required": "Say who approved the variation", "max_length": "Keep this to 200 characters or fewer"},
    )
    approved_on = GovukDateField(
        label="Date approved", help_text="For example, 27 3 2026", error_messages={"required": "Enter the date the variation was approved"}
    )
    impact_assessment = _text(
        "Impact assessment and mitigations",
        "Only for a reduction (less money or a shorter term): who is affected, service users first, and what the council will do about it.",
        required=False,
        rows=6,
    )
    effective_date = GovukDateField(
        label="Date the reduction takes effect", help_text="Only for a reduction. The Compact asks for at least 3 calendar months' notice.", required=False
    )
    short_notice_reason = _text("Reason for less than 3 months' notice", "Only when a reduction takes effect sooner.", required=False)

    @staticmethod
    def initial_for(agreement: Any) -> dict[str, Any]:
        return {
            "amount": f"{agreement.amount:,.2f}",
            "end_date": agreement.end_date,
            "payment_basis": agreement.payment_basis,
            "risk_level": agreement.risk_level,
        }
