"""UK postcodes as people type them: any case, any spacing."""

from __future__ import annotations

import re

# Outward code (area, district) then inward code (sector, unit), as Royal Mail
# defines them; "GIR 0AA" is the one historic exception still in ONS files.
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")


def normalise_postcode(raw: str) -> str:
    """Upper case with one space before the inward code: ' at11aa ' → 'AT1 1AA'.

    Text too short to hold an inward code is returned compacted and upper-cased,
    so callers can still show what was typed.
    """
    compact = re.sub(r"\s+", "", raw or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def is_valid_postcode(raw: str) -> bool:
    """Whether `raw` has the shape of a UK postcode (whatever its case and spacing)."""
    return bool(_POSTCODE.match(re.sub(r"\s+", "", raw or "").upper()))
