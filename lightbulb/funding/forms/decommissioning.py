"""The decommissioning journey's pages and the organisation's response."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from lightbulb.core.forms import GovukDateField
from lightbulb.funding.selectors.decommissioning import (
    LONG_TEXT,
    RESPONSE_DAYS,
    TOLD_CHOICES,
    TOLD_NOW,
    TOLD_OUTSIDE,
    default_response_date,
    notice_date_errors,
    outside_notice_errors,
)


def _text(label: str, hint: str = "", *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": f"Enter {label[0].lower() + label[1:]}", "max_length": f"{label} must be {LONG_TEXT:,} characters or fewer"},
    )


class ReasonsForm(forms.Form):
    reasons = _text("The reasons for ending or reducing the funding", "These go in the notice letter to the organisation.")


class ImpactForm(forms.Form):
    impact_service_users = _text("Impact on service users", "Who uses the service, how many, and what they lose.")
    impact_volunteers = _text("Impact on volunteers")
    impact_staff = _text("Impact on the organisation's staff")
    impact_equality_groups = _text("Impact on equality groups", "People with protected characteristics affected (Equality Act 2010).")
    alternative_providers = _text("Who else could serve them", "Other organisations or services people could turn to.")


class ExitForm(forms.Form):
    mitigations = _text("Mitigations", "What the council will do to reduce the impact.")
    exit_plan = _text("Exit plan", "Steps, dates and who does what until funding ends.")


class NoticeForm(forms.Form):
    told = forms.ChoiceField(
        label="How the organisation is told",
        choices=TOLD_CHOICES,
        widget=forms.RadioSelect,
        initial=TOLD_NOW,
        help_text="A notice issued here is dated the day you issue it. A notice already sent by letter or e-mail is recorded with that letter and a reason.",
        error_messages={"required": "Choose how the organisation is told", "invalid_choice": "Choose how the organisation is told"},
    )
    outside_date = GovukDateField(
        label="Date the notice was sent outside Lightbulb",
        help_text="Only if it was already sent. For example, 27 3 2026",
        required=False,
    )
    outside_reason = _text("Why the notice was sent outside Lightbulb", "Only if it was already sent.", required=False)
    funding_end_date = GovukDateField(
        label="Date funding ends",
        help_text="The Compact asks for at least 3 calendar months' notice.",
        error_messages={"required": "Enter the date funding ends"},
    )
    response_due_date = GovukDateField(
        label="Date the organisation's response is due",
        help_text=f"Leave blank for {RESPONSE_DAYS} days after the notice date.",
        required=False,
    )
    short_notice_reason = _text(
        "Reason for less than 3 months' notice", "Needed only when funding ends less than 3 calendar months after the notice.", required=False
    )

    def clean(self) -> dict[str, Any]:
        """The same rules the service applies (selectors.decommissioning.notice_date_errors), shown beside each field."""
        data = super().clean() or {}
        outside = data.get("told") == TOLD_OUTSIDE
        for field, message in outside_notice_errors(outside, data.get("outside_date"), data.get("outside_reason"), timezone.localdate()).items():
            self.add_error(field, message)
        notice = data.get("outside_date") if outside else timezone.localdate()
        end = data.get("funding_end_date")
        if not notice or not end or self.errors:
            return data
        for field, message in notice_date_errors(notice, end, data.get("response_due_date"), data.get("short_notice_reason")).items():
            self.add_error(field, message)
        if data.get("response_due_date") is None and not self.errors.get("response_due_date"):
            data["response_due_date"] = default_response_date(notice)
        return data


class ResponseForm(forms.Form):
    organisation_response = _text("Your response", "Tell the council anything it should consider before funding ends.")


class RecordedResponseForm(ResponseForm):
    """A response that arrived by post or e-mail, entered by an officer."""

    received_on = GovukDateField(
        label="Date the response arrived", help_text="For example, 27 3 2026", error_messages={"required": "Enter the date the response arrived"}
    )
    letter = forms.FileField(
        label="The response as it arrived",
        help_text="The letter, the e-mail or its scan: PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG, smaller than 10 MB.",
        error_messages={"required": "Attach the response as it arrived", "empty": "The selected file is empty"},
    )


class ConsiderationForm(forms.Form):
    response_consideration = _text("How the response was considered", "What was weighed, who decided, and what changed as a result.")


class LessonsForm(forms.Form):
    lessons_learned = _text("Lessons learned", "What the council would do differently next time.")
