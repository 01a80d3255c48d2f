"""Normalising what people type into names and postcodes, for storage, search and duplicate detection."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError


def name_key(name: str) -> str:
    """Lower case, without punctuation, common suffixes and 'the': for search and duplicate detection."""
    key = re.sub(r"[^a-z0-9 ]", " ", (name or "").lower().replace("&", " and "))
    key = re.sub(r"\b(the|ltd|limited|cic|cio|inc|trust)\b", " ", key)
    return " ".join(key.split())


def places_function(module: str, name: str) -> Callable[..., Any] | None:
    """A function from the places module when it provides one (places owns postcodes and wards)."""
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return found if callable(found) else None


def _local_normalise_postcode(raw: str) -> str:
    compact = re.sub(r"\s+", "", raw or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_postcode(raw: str) -> str:
    """Upper case with one space before the inward code: 'at11aa' → 'AT1 1AA'."""
    places_normalise = places_function("lightbulb.places.postcodes", "normalise_postcode")
    if places_normalise is not None:
        try:
            return str(places_normalise(raw or "") or "")
        except (ValueError, ValidationError):
            pass
    return _local_normalise_postcode(raw)


_POSTCODE_START = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?(\s*\d[A-Z]{0,2})?$")
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")


def postcode_prefix(text: str) -> str | None:
    """For search: the normalised start of a postcode if the text reads as one ('at1', 'AT1 1', 'at11aa')."""
    upper = " ".join((text or "").upper().split())
    if not _POSTCODE_START.match(upper):
        return None
    if _FULL_POSTCODE.match(upper):
        return _local_normalise_postcode(upper)
    return upper
