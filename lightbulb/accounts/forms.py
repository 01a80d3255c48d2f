from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from lightbulb.accounts.models import User
from lightbulb.core.forms import FilterForm, no_markup
from lightbulb.core.roles import Role


class SignInForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label="Password", max_length=256, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


def _six_digit_code_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}),
    )


class _SixDigitCodeForm(forms.Form):
    """A one-time code of 6 numbers, spaces allowed; `invalid` says where the numbers come from."""

    invalid = ""

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(self.invalid)
        return code


class TokenForm(_SixDigitCodeForm):
    code = _six_digit_code_field("Code from your authenticator app", "The 6 numbers your app shows now")
    invalid = "Enter the 6 numbers shown in your authenticator app"


class EnrolmentCodeForm(_SixDigitCodeForm):
    code = _six_digit_code_field("Code from the e-mail we sent you", "6 numbers")
    invalid = "Enter the 6 numbers from the e-mail we sent you"


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        help_text="One of the codes you saved when you set up two-factor authentication. Each works once.",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-10"}),
    )

    def clean_recovery_code(self) -> str:
        code = "".join(self.cleaned_data["recovery_code"].split()).lower()
        if not code.isalnum() or len(code) != 8:
            raise forms.ValidationError("Enter a recovery code: 8 letters and numbers")
        return code


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class NewPasswordForm(forms.Form):
    new_password = forms.CharField(
        label="New password",
        help_text="At least 12 characters. Avoid common words.",
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.user)
        return password


class SignUpForm(NewPasswordForm):
    full_name = forms.CharField(label="Full name", max_length=200, validators=[no_markup], widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    field_order = ["full_name", "email", "new_password"]

    # No check that the address is free: the answer must not tell anyone which addresses have accounts
    # (the owner of a taken address is told by e-mail instead).
    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("new_password")
        if password and cleaned.get("email"):
            try:
                password_validation.validate_password(password, User(email=cleaned["email"], full_name=cleaned.get("full_name", "")))
            except forms.ValidationError as error:
                self.add_error("new_password", error)
        return cleaned


class UserForm(forms.Form):
    """An admin creates or edits a user."""

    full_name = forms.CharField(label="Full name", max_length=200, validators=[no_markup])
    email = forms.EmailField(label="E-mail address", max_length=254)
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
    job_title = forms.CharField(label="Job title", max_length=200, required=False, validators=[no_markup])
    service_area = forms.CharField(label="Council service", max_length=200, required=False, validators=[no_markup])
    is_active = forms.BooleanField(label="Account is active", required=False, initial=True)

    def __init__(self, *args: Any, instance: User | None = None, **kwargs: Any) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        clash = User.objects.filter(email__iexact=email)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another account already uses this e-mail address")
        return email


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), validators=[no_markup])


class UserFilterForm(FilterForm):
    search_label = "Name or e-mail address"
    role = forms.ChoiceField(label="Role", choices=[("", "Any role"), *Role.choices], error_messages={"invalid_choice": "Choose a role from the list"})
