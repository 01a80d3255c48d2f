"""Read values the way a person would: messy real-world files, normalised and noted.

Each function takes the raw text of a cell and, optionally, a `Notes` to record
what it changed, so a run can say "12 dates read as day-first" rather than
silently reinterpreting a file.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError


class Notes:
    """What a run normalised: fixed remarks plus counted kinds with one example each."""

    def __init__(self) -> None:
        self._remarks: list[str] = []
        self._counts: Counter[str] = Counter()
        self._examples: dict[str, str] = {}

    def once(self, remark: str) -> None:
        if remark not in self._remarks:
            self._remarks.append(remark)

    def add(self, kind: str, example: str = "") -> None:
        self._counts[kind] += 1
        if example and kind not in self._examples:
            self._examples[kind] = example

    def as_list(self) -> list[str]:
        counted = []
        for kind, count in self._counts.items():
            example = self._examples.get(kind)
            counted.append(f"{kind}: {count:,} value{'' if count == 1 else 's'}" + (f" (for example {example})" if example else ""))
        return self._remarks + counted


class UnreadableFile(Exception):
    """The file cannot be read as text at all; nothing is imported."""


BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_bytes(data: bytes, notes: Notes | None = None) -> str:
    """Text from an uploaded file: UTF-8 (with or without a byte-order mark) or Windows-1252."""
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFile("This looks like an Excel or other zipped file, not a CSV file. Save it as CSV (comma separated values) and upload it again.")
    if b"\x00" in data[:65536]:
        raise UnreadableFile("This file contains binary data, not text. Save it as CSV (comma separated values) and upload it again.")
    if data.startswith(BOM):
        if notes:
            notes.once("The byte-order mark at the start of the file was removed")
        data = data[len(BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("The file's text could not be read: it is neither UTF-8 nor Windows-1252. Save it as CSV UTF-8 and upload it again.") from exc
    if notes:
        notes.once("The file was read as Windows-1252 text (as saved by older versions of Excel), not UTF-8")
    return text


def normalise_header(header: str) -> str:
    """'  Ward Code ' and 'WARD-CODE' both become 'ward_code'."""
    return re.sub(r"[^0-9a-z]+", "_", (header or "").replace("\ufeff", "").strip().lower()).strip("_")


def clean_text(value: str | None, notes: Notes | None = None) -> str:
    """Trim, fold runs of spaces and drop control characters."""
    raw = value or ""
    cleaned = " ".join(_CONTROL.sub("", raw).split())
    if notes and cleaned != raw.strip():
        notes.add("Extra spaces or control characters removed", repr(raw.strip())[:60])
    return cleaned


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_WORDS = ("%d %B %Y", "%d %b %Y", "%d %B %y", "%d %b %y", "%d-%b-%Y", "%d-%b-%y")


def _full_year(year: str) -> int:
    if len(year) == 4:
        return int(year)
    # Two-digit years: 00–69 are this century, as spreadsheets assume.
    return 2000 + int(year) if int(year) < 70 else 1900 + int(year)


def parse_date(value: str | None, notes: Notes | None = None) -> datetime.date | None:
    """A date written as 2019-05-15, 2019-05-15T00:00:00, 15/05/2019, 15.5.19 or 15 May 2019. Blank gives None.

    Slashed dates are always day first, as in the UK: 04/05/2024 is 4 May.
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        if match := _ISO.match(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_FIRST.match(text):
            result = datetime.date(_full_year(match[3]), int(match[2]), int(match[1]))
            if notes:
                notes.add("Dates read as day first (UK style)", f"{text} → {result:%-d %B %Y}")
            return result
    except ValueError as exc:
        raise ValidationError(f"'{text[:40]}' is not a real date") from exc
    for fmt in _WORDS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"'{text[:40]}' is not a date: use a form like 15/05/2024 or 2024-05-15")


def parse_money(value: str | None, notes: Notes | None = None) -> Decimal | None:
    """An amount written as 1250, £1,250.00, GBP 1250 or (1,250.00) for a negative. Blank gives None."""
    text = (value or "").strip()
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")
    cleaned = text.strip("()").replace("£", "").replace(",", "").replace(" ", "")
    cleaned = re.sub(r"^(GBP)", "", cleaned, flags=re.I)
    if negative:
        cleaned = "-" + cleaned.lstrip("-")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValidationError(f"'{text[:40]}' is not an amount of money") from exc
    if not amount.is_finite():
        raise ValidationError(f"'{text[:40]}' is not an amount of money")
    if notes and cleaned != text:
        notes.add("Amounts read without £ signs, commas or brackets", f"{text} → {amount}")
    return amount


_YES = {"y", "yes", "true", "t", "1"}
_NO = {"n", "no", "false", "f", "0"}


def parse_yes_no(value: str | None, notes: Notes | None = None) -> bool | None:
    """Yes or No written as Y/N, yes/no, true/false or 1/0, in any case. Blank gives None."""
    text = (value or "").strip()
    if not text:
        return None
    key = text.lower()
    if key in _YES or key in _NO:
        if notes and text not in {"Yes", "No"}:
            notes.add("Yes/No values read from short forms", f"{text} → {'Yes' if key in _YES else 'No'}")
        return key in _YES
    raise ValidationError(f"'{text[:40]}' is not Yes or No")
