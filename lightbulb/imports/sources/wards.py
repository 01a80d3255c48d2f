"""Wards: GSS code, name and, optionally, the locality the council puts them in."""

from __future__ import annotations

from typing import Any

from lightbulb.imports.base import ApplyResult, Column, Importer
from lightbulb.imports.sources._ward_fields import WARD_CODE_ALIASES, WARD_NAME_ALIASES, clean_ward_code
from lightbulb.places import services as places_services


class WardList(Importer):
    name = "wards"
    label = "Wards (code, name and locality)"
    source_label = "Office for National Statistics ward names and codes, or the council's own list"
    licence = "ONS data licensed under the Open Government Licence v3.0"
    description = "A CSV with a ward code column (wd24cd, ward_code…), a ward name column (wd24nm, ward_name…) and optionally a locality column."
    columns = {
        "gss_code": Column("Ward code", WARD_CODE_ALIASES),
        "name": Column("Ward name", WARD_NAME_ALIASES),
        "locality": Column("Locality", ("locality", "locality_name", "area", "neighbourhood"), required=False),
    }

    def prepare(self) -> None:
        self.seen: set[str] = set()

    def parse_row(self, row: dict[str, str]) -> dict[str, Any]:
        code = clean_ward_code(row.get("gss_code", ""), self.notes)
        name = self.name_text(row, "name", required=True)
        locality = self.name_text(row, "locality") if "locality" in row else ""
        if code in self.seen:
            self.notes.add("Ward codes listed more than once (the last row was used)", code)
        self.seen.add(code)
        return {"gss_code": code, "name": name, "locality": locality}

    def apply(self, rows: list[dict[str, Any]], run: Any) -> ApplyResult:
        created, updated, unchanged = places_services.ward_bulk_upsert(acting_user=self.acting_user, rows=rows)
        return ApplyResult(created=created, updated=updated, unchanged=unchanged)
