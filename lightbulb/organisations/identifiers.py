"""Org-ID style identifiers: normalising and validating what people type.

Accepts what a person would read the same way: "GB-CHC-1234567",
"gb chc 1234567", "1234567" with a scheme chosen, a company number with its
leading zeros dropped ("1234567" → "01234567"), or "SC012345" for OSCR.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from lightbulb.organisations.models import IdentifierScheme

_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    # Charity Commission: 6 or 7 digits (some older charities have 6).
    IdentifierScheme.CHC: (re.compile(r"^\d{6,7}$"), "a charity number of 6 or 7 numbers, like 1123456"),
    # Companies House: 8 characters: 8 digits, or 2 letters (SC, NI, OC, CE, RS, IP…) then 6 digits.
    IdentifierScheme.COH: (re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$"), "a company number of 8 characters, like 01234567 or SC123456"),
    # OSCR: SC then 6 digits.
    IdentifierScheme.SC: (re.compile(r"^SC\d{6}$"), "a Scottish charity number like SC012345"),
    # Charity Commission for Northern Ireland: 6 digits, often written NIC100001 or 100001.
    IdentifierScheme.NIC: (re.compile(r"^\d{6}$"), "a Northern Ireland charity number of 6 numbers, like 100001"),
    # FCA Mutuals Public Register: a number with an optional suffix such as R or C.
    IdentifierScheme.MPR: (re.compile(r"^\d{1,6}[A-Z]{0,2}$"), "a mutuals register number like 12345R"),
}

_PREFIX = re.compile(r"^GB[\s_-]*(CHC|COH|SC|NIC|MPR)[\s_-]*(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Identifier:
    scheme: str
    value: str

    @property
    def org_id(self) -> str:
        return f"{self.scheme}-{self.value}"


def _ascii_digits(text: str) -> str:
    """Digits typed in another script ('١٢٣', '１２３') as the ASCII digits the registers use."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def _clean_value(scheme: str, raw: str) -> str:
    value = _ascii_digits(re.sub(r"[\s.\-_/]", "", raw)).upper()
    if scheme == IdentifierScheme.COH and value.isdigit() and len(value) < 8:
        value = value.zfill(8)
    if scheme == IdentifierScheme.NIC:
        value = value.removeprefix("NIC")
    if scheme == IdentifierScheme.SC and value.isdigit():
        value = "SC" + value.zfill(6)
    return value


def parse_identifier(raw: str, scheme: str | None = None) -> Identifier:
    """Read an identifier, raising ValidationError with a message a person can act on."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError("Enter an identifier")
    match = _PREFIX.match(text)
    if match:
        found_scheme = f"GB-{match.group(1).upper()}"
        if scheme and scheme != found_scheme:
            raise ValidationError(f"{text} is a {found_scheme} identifier, not {scheme}")
        scheme, text = found_scheme, match.group(2)
    if not scheme:
        raise ValidationError("Choose which register the identifier is from, or type it as an Org-ID such as GB-CHC-1234567")
    if scheme not in _PATTERNS:
        raise ValidationError(f"{scheme} is not a register Lightbulb knows")
    value = _clean_value(scheme, text)
    pattern, example = _PATTERNS[scheme]
    if not pattern.match(value):
        raise ValidationError(f"Enter {example}")
    return Identifier(scheme=scheme, value=value)


def looks_like_identifier(text: str) -> Identifier | None:
    """For search: an identifier if the text reads as one, else None."""
    stripped = (text or "").strip()
    candidates: list[str | None] = [None]
    if stripped.isdigit():
        candidates = [IdentifierScheme.CHC, IdentifierScheme.COH, IdentifierScheme.NIC]
    for scheme in candidates:
        try:
            return parse_identifier(stripped, scheme)
        except ValidationError:
            continue
    return None
