from __future__ import annotations

from typing import Any

from django import forms

from lightbulb.api import selectors
from lightbulb.core.forms import no_markup


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Who or what the token is for",
        max_length=200,
        validators=[no_markup],
        help_text="For example: the council's data warehouse, or a named partner",
        error_messages={"required": "Say who or what the token is for"},
    )
    scopes = forms.MultipleChoiceField(
        label="What it may read", choices=(), widget=forms.CheckboxSelectMultiple, error_messages={"required": "Choose what the token may read"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = selectors.scope_choices()  # type: ignore[attr-defined]
