"""ONS postcode → ward lookup (for example the National Statistics Postcode Lookup or a ward best-fit file)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from lightbulb.imports.base import ApplyResult, Column, Importer
from lightbulb.imports.sources._ward_fields import WARD_CODE_ALIASES, WARD_NAME_ALIASES, clean_ward_code
from lightbulb.places import selectors as places_selectors
from lightbulb.places import services as places_services
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode


class PostcodeLookup(Importer):
    name = "ons-postcodes"
    label = "ONS postcode to ward lookup"
    source_label = "Office for National Statistics"
    licence = "Contains OS data © Crown copyright and database right; Royal Mail data © Royal Mail copyright and database right; ONS data licensed under the Open Government Licence v3.0"
    description = "A CSV with a postcode column (pcds, pcd or postcode) and a ward code column (wd24cd, ward_code…); with a ward name column (wd24nm) new wards are added."
    columns = {
        "postcode": Column("Postcode", ("pcds", "pcd", "pcd7", "pcd8", "postcode", "post_code")),
        "ward_code": Column("Ward code", WARD_CODE_ALIASES),
        "ward_name": Column("Ward name", WARD_NAME_ALIASES, required=False),
    }

    def prepare(self) -> None:
        self.known_wards = set(places_selectors.ward_codes())
        # Wards this file introduces: code → name, added before the postcodes.
        self.new_wards: dict[str, str] = {}

    def parse_row(self, row: dict[str, str]) -> dict[str, Any]:
        raw = (row.get("postcode") or "").strip()
        if not raw:
            raise ValidationError("The postcode is missing")
        if not is_valid_postcode(raw):
            raise ValidationError(f"'{raw[:20]}' is not a UK postcode")
        postcode = normalise_postcode(raw)
        if postcode != raw:
            self.notes.add("Postcodes re-spaced or upper-cased", f"{raw} → {postcode}")
        code = clean_ward_code(row.get("ward_code", ""), self.notes)
        if code not in self.known_wards and code not in self.new_wards:
            name = self.name_text(row, "ward_name") if "ward_name" in row else ""
            if not name:
                raise ValidationError(f"There is no ward with the code {code}, and the file gives no ward name to add it with")
            self.new_wards[code] = name
        return {"postcode": postcode, "ward_code": code}

    def apply(self, rows: list[dict[str, Any]], run: Any) -> ApplyResult:
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
