from __future__ import annotations

from typing import Any

from django import forms

from lightbulb.imports.runner import max_bytes, too_big_message
from lightbulb.imports.sources import source_choices


class UploadForm(forms.Form):
    source = forms.ChoiceField(
        label="What the file contains",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file contains", "invalid_choice": "Choose what the file contains from the list"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file, saved as UTF-8 or Windows-1252 (as Excel saves it)",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file you chose is empty", "invalid": "Choose a CSV file to upload"},
    )
    strict = forms.BooleanField(label="Refuse the whole file if any row cannot be used", required=False)
    dry_run = forms.BooleanField(label="Dry run: check the file and report what would change, without changing anything", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices()  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(too_big_message(upload.size))
        name = (upload.name or "").lower()
        if name.endswith((".xlsx", ".xls", ".ods", ".zip", ".pdf")):
            raise forms.ValidationError("The file must be a CSV file. Save it from your spreadsheet as CSV (comma separated values) and upload it again.")
        return upload
