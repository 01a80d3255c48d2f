"""ONS postcode → ward lookup: the ONS Postcode Directory (ONSPD), the National Statistics Postcode Lookup (NSPL), or a ward lookup.

ONSPD and NSPL cover the whole country and keep postcodes no longer in use: they are
recognised by their `doterm` column (the month a postcode was terminated, blank while it is
in use). From them only live postcodes in the council's own wards are kept; the rest are
counted in the run's notes, not rejected, since they are not mistakes in the file.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from lightbulb.imports.base import ApplyResult, Column, Importer
from lightbulb.imports.normalise import UnreadableFile
from lightbulb.imports.sources._ward_fields import WARD_CODE_ALIASES, WARD_NAME_ALIASES, clean_ward_code
from lightbulb.places import selectors as places_selectors
from lightbulb.places import services as places_services
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode

# ONSPD names the ward `osward`, NSPL `ward` (last, so a file's `ward_code` is preferred to it).
POSTCODE_WARD_CODE_ALIASES = (*WARD_CODE_ALIASES, "osward", "ward")
# Any GSS code, English or not, including ONS's pseudo codes (L99999999 for the Channel Islands…).
_ANY_GSS_CODE = re.compile(r"^[A-Z]\d{8}$")
_YEAR_MONTH = re.compile(r"^(\d{4})(\d{2})$")


@dataclass
class _Tally:
    """Rows left out for one reason: how many, and the first as an example."""

    count: int = 0
    example: str = ""

    def add(self, example: str) -> None:
        self.count += 1
        self.example = self.example or example


def _month(doterm: str) -> str:
    """ONS's `202105` as `May 2021`; anything else as written."""
    match = _YEAR_MONTH.match(doterm)
    if match and 1 <= int(match[2]) <= 12:
        return f"{datetime.date(int(match[1]), int(match[2]), 1):%B %Y}"
    return doterm[:20]


def _postcodes(count: int) -> str:
    return f"{count:,} postcode{'' if count == 1 else 's'}"


class PostcodeLookup(Importer):
    name = "ons-postcodes"
    label = "ONS postcode to ward lookup"
    source_label = "Office for National Statistics"
    licence = "Contains OS data © Crown copyright and database right; Royal Mail data © Royal Mail copyright and database right; ONS data licensed under the Open Government Licence v3.0"
    description = (
        "The ONS Postcode Directory (ONSPD) or National Statistics Postcode Lookup (NSPL) as ONS publishes it, or a CSV with a postcode column "
        "(pcds, pcd or postcode) and a ward code column (wd24cd, ward_code…); with a ward name column (wd24nm) new wards are added."
    )
    columns = {
        "postcode": Column("Postcode", ("pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode", "post_code")),
        "ward_code": Column("Ward code", POSTCODE_WARD_CODE_ALIASES),
        "ward_name": Column("Ward name", WARD_NAME_ALIASES, required=False),
        "terminated": Column("Date terminated", ("doterm",), required=False),
    }
    # Whether the file is one of ONS's whole-country directories (it has a date terminated column).
    whole_country = False

    def map_headers(self, headers: list[str]) -> dict[str, int]:
        positions = super().map_headers(headers)
        self.whole_country = "terminated" in positions
        return positions

    def prepare(self) -> None:
        self.known_wards = set(places_selectors.ward_codes())
        # Wards this file introduces: code → name, added before the postcodes.
        self.new_wards: dict[str, str] = {}
        self.outside = _Tally()
        self.terminated = _Tally()
        if self.whole_country and not self.known_wards:
            raise UnreadableFile(
                "This is a whole-country ONS postcode file (it has a doterm column, as the ONS Postcode Directory and the "
                "National Statistics Postcode Lookup do), and no wards are loaded yet. Import the council's wards first, "
                "then this file: the postcodes in those wards are kept."
            )

    def parse_row(self, row: dict[str, str]) -> dict[str, Any]:
        """The postcode and its ward; an empty row for one a whole-country file gives that is left out."""
        raw = (row.get("postcode") or "").strip()
        if not raw:
            raise ValidationError("The postcode is missing")
        if not is_valid_postcode(raw):
            raise ValidationError(f"'{raw[:20]}' is not a UK postcode")
        postcode = normalise_postcode(raw)
        if postcode != raw:
            self.notes.add("Postcodes re-spaced or upper-cased", f"{raw} → {postcode}")
        if self.whole_country:
            return self._directory_row(row, postcode)
        code = clean_ward_code(row.get("ward_code", ""), self.notes)
        if code not in self.known_wards and code not in self.new_wards:
            name = self.name_text(row, "ward_name") if "ward_name" in row else ""
            if not name:
                raise ValidationError(f"There is no ward with the code {code}, and the file gives no ward name to add it with")
            self.new_wards[code] = name
        return {"postcode": postcode, "ward_code": code}

    def _directory_row(self, row: dict[str, str], postcode: str) -> dict[str, Any]:
        """A row of ONSPD or NSPL: kept only if it is in use and in one of the council's wards (no wards are added)."""
        raw_code = row.get("ward_code", "")
        compact = re.sub(r"\s+", "", raw_code or "").upper()
        if compact not in self.known_wards and _ANY_GSS_CODE.match(compact):
            self.outside.add(f"{postcode}, ward {compact}")
            return {}
        # A known ward, or a blank or malformed code, rejected with its reason.
        code = clean_ward_code(raw_code, self.notes)
        ended = (row.get("terminated") or "").strip()
        if ended:
            self.terminated.add(f"{postcode}, terminated in {_month(ended)}")
            return {}
        return {"postcode": postcode, "ward_code": code}

    def _note_left_out(self, kept: int) -> None:
        if self.outside.count:
            were = "was" if self.outside.count == 1 else "were"
            self.notes.once(
                f"{_postcodes(self.outside.count)} in wards that are not the council's {were} left out, as the file covers more than "
                f"the council's area (for example {self.outside.example}). If a ward is the council's but not loaded yet, import the "
                "wards, then this file again."
            )
            if not kept and not self.terminated.count:
                self.notes.once("None of the file's postcodes is in the council's wards: check that the file covers the council's area.")
        if self.terminated.count:
            were, them = ("was", "it") if self.terminated.count == 1 else ("were", "them")
            self.notes.once(
                f"{_postcodes(self.terminated.count)} in the council's wards {were} left out because ONS lists {them} as no longer in use "
                f"(for example {self.terminated.example})"
            )

    def apply(self, rows: list[dict[str, Any]], run: Any) -> ApplyResult:
        rows = [row for row in rows if row]
        self._note_left_out(len(rows))
        needed = {row["ward_code"] for row in rows}
        new_wards = [{"gss_code": code, "name": name} for code, name in self.new_wards.items() if code in needed]
        if new_wards:
            added, _, _ = places_services.ward_bulk_upsert(acting_user=self.acting_user, rows=new_wards, create_only=True)
            if added:
                self.notes.once(
                    f"{added} ward{'' if added == 1 else 's'} not known before {'was' if added == 1 else 'were'} added from the ward names in the file"
                )
        created, updated, unchanged = places_services.postcode_bulk_upsert(acting_user=self.acting_user, rows=rows)
        return ApplyResult(created=created, updated=updated, unchanged=unchanged)
