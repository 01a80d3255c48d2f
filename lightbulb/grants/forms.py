from __future__ import annotations

from typing import Any

from django import forms


class MatchForm(forms.Form):
    """An officer's decision on which organisation a grant went to."""

    decision = forms.ChoiceField(
        label="Did this grant go to this organisation?",
        widget=forms.RadioSelect,
        choices=[("confirm", "Yes, confirm it"), ("reject", "No, reject it")],
        error_messages={"required": "Choose whether the grant went to this organisation"},
    )


class ChooseOrganisationForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label="Which organisation did this grant go to?",
        widget=forms.RadioSelect,
        coerce=int,
        error_messages={"required": "Choose the organisation this grant went to", "invalid_choice": "Choose an organisation from the list"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = choices  # type: ignore[attr-defined]
