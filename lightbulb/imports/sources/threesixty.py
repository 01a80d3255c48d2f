"""Other funders' grants from 360Giving Data Standard files (JSON packages, or CSV and Excel in the template's titles).

Spreadsheet columns are found as the standard's own tool (flattentool) finds them: by the
1.4.3 template's titles ("Recipient Org:Charity Number"), case and spacing aside, or by the
JSON path ("recipientOrganization/0/charityNumber"). A JSON package is read a grant at a
time (ijson), so a large publication never sits in memory whole.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ijson
from django.core.exceptions import ValidationError

from lightbulb.core.rules import SystemActor
from lightbulb.grants import services as grant_services
from lightbulb.imports.base import ApplyResult, Column, Importer
from lightbulb.imports.normalise import UnreadableFile, parse_date, parse_money, parse_yes_no
from lightbulb.imports.readers import Table

BATCH = 5000


def _path(*parts: str) -> str:
    """A JSON path heading as normalise_header leaves it: recipientOrganization/0/id → recipientorganization_0_id."""
    return "_".join(parts).lower()


COLUMNS: dict[str, Column] = {
    "identifier": Column("Identifier", ("identifier", "id")),
    "title": Column("Title", ("title",), required=False),
    "description": Column("Description", ("description",), required=False),
    "currency": Column("Currency", ("currency",), required=False),
    "amount_awarded": Column("Amount Awarded", ("amount_awarded", "amountawarded")),
    "award_date": Column("Award Date", ("award_date", "awarddate")),
    "planned_start_date": Column("Planned Dates:Start Date", ("planned_dates_start_date", _path("planneddates", "0", "startdate")), required=False),
    "planned_end_date": Column("Planned Dates:End Date", ("planned_dates_end_date", _path("planneddates", "0", "enddate")), required=False),
    "planned_duration_months": Column(
        "Planned Dates:Duration (months)", ("planned_dates_duration_months", _path("planneddates", "0", "duration")), required=False
    ),
    "recipient_org_id": Column("Recipient Org:Identifier", ("recipient_org_identifier", _path("recipientorganization", "0", "id")), required=False),
    "recipient_name": Column("Recipient Org:Name", ("recipient_org_name", _path("recipientorganization", "0", "name")), required=False),
    "recipient_charity_number": Column(
        "Recipient Org:Charity Number", ("recipient_org_charity_number", _path("recipientorganization", "0", "charitynumber")), required=False
    ),
    "recipient_company_number": Column(
        "Recipient Org:Company Number", ("recipient_org_company_number", _path("recipientorganization", "0", "companynumber")), required=False
    ),
    "recipient_postcode": Column("Recipient Org:Postal Code", ("recipient_org_postal_code", _path("recipientorganization", "0", "postalcode")), required=False),
    "individual_id": Column("Recipient Ind:Identifier", ("recipient_ind_identifier", "recipientindividual_id"), required=False),
    "individual_name": Column("Recipient Ind:Name", ("recipient_ind_name", "recipientindividual_name"), required=False),
    "funder_org_id": Column("Funding Org:Identifier", ("funding_org_identifier", _path("fundingorganization", "0", "id"))),
    "funder_name": Column("Funding Org:Name", ("funding_org_name", _path("fundingorganization", "0", "name"))),
    "programme": Column("Grant Programme:Title", ("grant_programme_title", _path("grantprogramme", "0", "title")), required=False),
    "beneficiary_geocode": Column(
        "Beneficiary Location:Geographic Code",
        ("beneficiary_location_geographic_code", _path("beneficiarylocation", "0", "geocode")),
        required=False,
    ),
    "beneficiary_geocode_type": Column(
        "Beneficiary Location:Geographic Code Type",
        ("beneficiary_location_geographic_code_type", _path("beneficiarylocation", "0", "geocodetype")),
        required=False,
    ),
    "beneficiary_location_name": Column("Beneficiary Location:Name", ("beneficiary_location_name", _path("beneficiarylocation", "0", "name")), required=False),
    "from_open_call": Column("From An Open Call?", ("from_an_open_call", "fromopencall"), required=False),
    "data_source": Column("Data Source", ("data_source", "datasource"), required=False),
    "date_modified": Column("Last Modified", ("last_modified", "datemodified"), required=False),
}

# Where each column sits in a grant of a JSON package: (key, first item's key).
JSON_PATHS: dict[str, tuple[str, ...]] = {
    "identifier": ("id",),
    "title": ("title",),
    "description": ("description",),
    "currency": ("currency",),
    "amount_awarded": ("amountAwarded",),
    "award_date": ("awardDate",),
    "planned_start_date": ("plannedDates", "startDate"),
    "planned_end_date": ("plannedDates", "endDate"),
    "planned_duration_months": ("plannedDates", "duration"),
    "recipient_org_id": ("recipientOrganization", "id"),
    "recipient_name": ("recipientOrganization", "name"),
    "recipient_charity_number": ("recipientOrganization", "charityNumber"),
    "recipient_company_number": ("recipientOrganization", "companyNumber"),
    "recipient_postcode": ("recipientOrganization", "postalCode"),
    "individual_id": ("recipientIndividual", "id"),
    "individual_name": ("recipientIndividual", "name"),
    "funder_org_id": ("fundingOrganization", "id"),
    "funder_name": ("fundingOrganization", "name"),
    "programme": ("grantProgramme", "title"),
    "beneficiary_geocode": ("beneficiaryLocation", "geoCode"),
    "beneficiary_geocode_type": ("beneficiaryLocation", "geoCodeType"),
    "beneficiary_location_name": ("beneficiaryLocation", "name"),
    "from_open_call": ("fromOpenCall",),
    "data_source": ("dataSource",),
    "date_modified": ("dateModified",),
}


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal | float | int):
        return format(Decimal(str(value)), "f")
    if isinstance(value, dict | list):
        return ""
    return str(value)


def _json_value(grant: dict[str, Any], path: tuple[str, ...]) -> str:
    value: Any = grant.get(path[0])
    if len(path) == 1:
        return _as_text(value)
    if isinstance(value, list):
        value = value[0] if value else None
    return _as_text(value.get(path[1])) if isinstance(value, dict) else ""


def _grants(data: bytes) -> Iterator[dict[str, Any]]:
    """Each grant of a package ({"grants": [...]}) or of a bare list of grants."""
    prefix = "item" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[") else "grants.item"
    try:
        for grant in ijson.items(io.BytesIO(data), prefix, use_float=False):
            yield grant if isinstance(grant, dict) else {}
    except ijson.JSONError as exc:
        raise UnreadableFile(f"The file is not valid JSON ({str(exc)[:120]}): it may be cut short or damaged.") from exc
    except UnicodeDecodeError as exc:
        raise UnreadableFile("The JSON file's text is not UTF-8, as the 360Giving standard requires.") from exc


_DAY_FIRST_TIME = re.compile(r"^(\d{1,2}/\d{1,2}/\d{2,4})\s+\d{1,2}:\d{2}(:\d{2})?$")


class ThreeSixtyGiving(Importer):
    name = "360giving"
    label = "Other funders' grants (360Giving)"
    source_label = "360Giving Data Standard, as published by each funder"
    licence = "Each publisher's own open licence, usually CC BY 4.0: see the file's dataSource and the funder's website"
    description = (
        "A 360Giving file: the JSON package, or a CSV or Excel workbook with the 1.4.3 template's column titles "
        "(Identifier, Title, Amount Awarded, Award Date, Recipient Org:Identifier, Funding Org:Identifier…)."
    )
    formats = ("csv", "xlsx", "json")
    columns = COLUMNS

    def prepare(self) -> None:
        self.seen: dict[str, int] = {}
        self.row_number = 0

    def json_table(self, data: bytes) -> Table:
        keys = list(self.columns)
        labels = [self.columns[key].label for key in keys]
        self.mapping = dict(zip(keys, labels, strict=True))
        self.note_headings = False
        self.notes.once("The file was read as a 360Giving JSON package")

        def rows() -> Iterator[tuple[int, list[str]]]:
            for number, grant in enumerate(_grants(data), start=1):
                yield number, [_json_value(grant, JSON_PATHS[key]) for key in keys]

        return Table(headers=labels, rows=rows(), total=data.count(b'"awardDate"'))

    def _date_modified(self, raw: str) -> datetime.datetime | None:
        text = raw.strip()
        if match := _DAY_FIRST_TIME.match(text):
            text = match[1]
        try:
            day = parse_date(text[:10] if re.match(r"^\d{4}-", text) else text, self.notes)
        except ValidationError:
            self.notes.add("Last modified dates that could not be read were left blank", text[:40])
            return None
        return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC) if day else None

    def _duration(self, raw: str) -> int | None:
        text = raw.strip()
        if not text:
            return None
        try:
            months = Decimal(text)
        except ArithmeticError:
            self.notes.add("Planned durations that were not a number of months were left blank", text[:20])
            return None
        return int(months) if months.is_finite() and 0 <= months < 10_000 else None

    def _recipient(self, row: dict[str, str]) -> dict[str, Any]:
        individual = bool((row.get("individual_id") or "").strip() or (row.get("individual_name") or "").strip())
        organisation_id = self.text(row, "recipient_org_id", max_length=100)
        if individual and not organisation_id:
            return {
                "to_individual": True,
                "recipient_org_id": self.text(row, "individual_id", max_length=100),
                "recipient_name": self.text(row, "individual_name", max_length=300),
                "recipient_charity_number": "",
                "recipient_company_number": "",
                "recipient_postcode": "",
            }
        return {
            "to_individual": False,
            "recipient_org_id": organisation_id,
            "recipient_name": self.text(row, "recipient_name", max_length=300),
            "recipient_charity_number": self.text(row, "recipient_charity_number", max_length=20),
            "recipient_company_number": self.text(row, "recipient_company_number", max_length=20),
            "recipient_postcode": self.text(row, "recipient_postcode", max_length=10).upper(),
        }

    def _unique(self, identifier: str) -> None:
        self.row_number += 1
        if identifier in self.seen:
            raise ValidationError(f"The identifier {identifier[:100]} is also grant {self.seen[identifier]:,} of this file: a grant is listed once")
        self.seen[identifier] = self.row_number

    def parse_row(self, row: dict[str, str]) -> dict[str, Any]:
        identifier = self.text(row, "identifier", required=True, max_length=200)
        self._unique(identifier)
        values: dict[str, Any] = {
            "identifier": identifier,
            "title": self.text(row, "title", max_length=5000),
            "description": (row.get("description") or "").strip()[:20000],
            "currency": (self.text(row, "currency", max_length=3) or "GBP").upper(),
            "amount_awarded": parse_money(row.get("amount_awarded"), self.notes),
            "award_date": parse_date(row.get("award_date"), self.notes),
            "planned_start_date": parse_date((row.get("planned_start_date") or "")[:10], self.notes),
            "planned_end_date": parse_date((row.get("planned_end_date") or "")[:10], self.notes),
            "planned_duration_months": self._duration(row.get("planned_duration_months") or ""),
            "programme": self.text(row, "programme", max_length=300),
            "from_open_call": parse_yes_no(row.get("from_open_call"), self.notes),
            "funder_org_id": self.text(row, "funder_org_id", required=True, max_length=100),
            "funder_name": self.text(row, "funder_name", required=True, max_length=300),
            "beneficiary_geocode": self.text(row, "beneficiary_geocode", max_length=20),
            "beneficiary_geocode_type": self.text(row, "beneficiary_geocode_type", max_length=20),
            "beneficiary_location_name": self.text(row, "beneficiary_location_name", max_length=200),
            "data_source": self.text(row, "data_source", max_length=500),
            "date_modified": self._date_modified(row.get("date_modified") or ""),
            **self._recipient(row),
        }
        start, end = values["planned_start_date"], values["planned_end_date"]
        if start and end and end < start:
            self.notes.add("Planned end dates before the start date, kept as the funder published them", identifier[:60])
        errors = grant_services.grant_row_errors(values)
        if errors:
            raise ValidationError(list(errors.values()))
        return values

    def apply(self, rows: list[dict[str, Any]], run: Any) -> ApplyResult:
        actor = SystemActor(label=f"360Giving import of {getattr(run, 'filename', '') or 'a file'}"[:200])
        result = ApplyResult()
        for start in range(0, len(rows), BATCH):
            done = grant_services.grant_bulk_upsert(
                acting_user=actor, rows=rows[start : start + BATCH], source_file=getattr(run, "filename", ""), import_run_id=getattr(run, "pk", None)
            )
            result.created += done.created
            result.updated += done.updated
            result.unchanged += done.unchanged
            result.changes.extend(done.changes[: max(0, 1000 - len(result.changes))])
        return result
