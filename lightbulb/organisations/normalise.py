"""Normalising what people type into names and postcodes, for storage, search and duplicate detection."""

from __future__ import annotations

import re
import unicodedata

# Places owns postcodes: one normalisation everywhere ('at11aa' → 'AT1 1AA').
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode

__all__ = ["is_valid_postcode", "name_key", "normalise_postcode", "postcode_prefix", "search_key"]


def _unaccented(text: str) -> str:
    """'Café Ñandú' → 'Cafe Nandu': the letters without their accents, so a name is found however it is typed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_key(name: str) -> str:
    """Lower case, without accents, punctuation, common suffixes and 'the': for search and duplicate detection."""
    key = re.sub(r"[^a-z0-9 ]", " ", _unaccented(name or "").lower().replace("&", " and "))
    key = re.sub(r"\b(the|ltd|limited|cic|cio|inc|trust)\b", " ", key)
    return " ".join(key.split())


def search_key(name: str, other_names: str = "") -> str:
    """What register search reads: the name's key, then each other name's, without repeating a word run already there."""
    keys: list[str] = []
    for text in [name, *(other_names or "").splitlines()]:
        key = name_key(text)
        if key and key not in keys:
            keys.append(key)
    return " ".join(keys)


_POSTCODE_START = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?(\s*\d[A-Z]{0,2})?$")
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")


def postcode_prefix(text: str) -> str | None:
    """For search: the normalised start of a postcode if the text reads as one ('at1', 'AT1 1', 'at11aa')."""
    upper = " ".join((text or "").upper().split())
    if not _POSTCODE_START.match(upper):
        return None
    if _FULL_POSTCODE.match(upper):
        return normalise_postcode(upper)
    return upper
