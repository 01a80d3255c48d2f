from __future__ import annotations

from typing import Any

from django import forms

from lightbulb.imports.limits import max_bytes, max_bytes_for, too_big_message
from lightbulb.imports.services import NOT_CSV_ENDINGS, NOT_CSV_MESSAGE
from lightbulb.imports.sources import source_choices


class UploadForm(forms.Form):
    source = forms.ChoiceField(
        label="What the file contains",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file contains", "invalid_choice": "Choose what the file contains from the list"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file (UTF-8 or Windows-1252, as Excel saves it), an Excel workbook (.xlsx), or a JSON file where the source publishes one",
        error_messages={"required": "Choose a file to upload", "empty": "The file you chose is empty", "invalid": "Choose a file to upload"},
    )
    strict = forms.BooleanField(label="Refuse the whole file if any row cannot be used", required=False)
    dry_run = forms.BooleanField(label="Dry run: check the file and report what would change, without changing anything", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices()  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_bytes_for(self.data.get("source", "")) if hasattr(self.data, "get") else max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(too_big_message(upload.size, limit))
        name = (upload.name or "").lower()
        if name.endswith(NOT_CSV_ENDINGS):
            raise forms.ValidationError(NOT_CSV_MESSAGE)
        return upload


class ColumnMappingForm(forms.Form):
    """One choice per column the source reads: which of the file's columns holds it."""

    def __init__(self, *args: Any, columns: dict[str, Any], headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not in this file"), *[(header, header or "(no heading)") for header in headers if header]]
        for key, column in columns.items():
            self.fields[key] = forms.ChoiceField(
                label=column.label + ("" if column.required else " (optional)"),
                choices=choices,
                required=column.required,
                error_messages={
                    "required": f"Choose the column that holds the {column.label.lower()}",
                    "invalid_choice": f"Choose a column from the file for the {column.label.lower()}",
                },
            )
