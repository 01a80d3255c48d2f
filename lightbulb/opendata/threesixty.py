"""The council's grants in the 360Giving Data Standard 1.4.3: a JSON package and the CSV template's columns.

Each grant's identifier is the council's 360Giving prefix and the agreement's reference
(`360G-anytown-AGR-2025-0001`); recipients are named by Org-ID (their charity number, else their
company number, else the council's prefix and the register's own number); beneficiary locations are
the agreement's wards by GSS code (`geoCodeType` WD). Written row by row to a file, so memory stays
flat however many grants there are.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import Any, TextIO

from django.utils import timezone

from lightbulb.core.exports import FORMULA_PREFIXES, cell
from lightbulb.funding.selectors import publishing
from lightbulb.funding.selectors.publishing import OGL, Publisher, award_date, grant, json_number, recipient_org_id
from lightbulb.opendata import exclusions

__all__ = ["OGL", "Publisher", "award_date", "grant", "json_number", "recipient_org_id", "write_csv", "write_json"]

SCHEMA_VERSION = "1.4"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_number(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


class GrantWriter:
    """Turns `publishing.published_grant_rows` into 360Giving grants: the same grant as `publishing.grant` makes, without its per-grant work.

    What every grant repeats (the funder, the data source) is made once; the rest is read
    straight from the row, in the order of `publishing.GRANT_ROW_FIELDS` (then the wards).
    """

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher
        self.zone = timezone.get_current_timezone()
        self.funders: dict[str, list[dict[str, str]]] = {}

    def funder(self, department: str) -> list[dict[str, str]]:
        found = self.funders.get(department)
        if found is None:
            found = self.funders[department] = [{"id": self.publisher.org_id, "name": self.publisher.name, "department": department}]
        return found

    def grant(self, row: tuple[Any, ...]) -> dict[str, Any]:
        (
            _pk,
            reference,
            title,
            purpose,
            amount,
            start,
            end,
            department,
            updated_at,
            organisation_id,
            name,
            postcode,
            website,
            org_id,
            charity_number,
            company_number,
            awarded_at,
            wards,
        ) = row
        recipient: dict[str, Any] = {"id": org_id or f"{self.publisher.prefix}-ORG-{organisation_id}", "name": name}
        if charity_number:
            recipient["charityNumber"] = charity_number
        if company_number:
            recipient["companyNumber"] = company_number
        if postcode:
            recipient["postalCode"] = postcode
        if website.startswith(("https://", "http://")):
            recipient["url"] = website
        awarded = awarded_at.astimezone(self.zone).date() if awarded_at else start
        data: dict[str, Any] = {
            "id": f"{self.publisher.prefix}-{reference}",
            "title": title,
            "description": purpose,
            "currency": "GBP",
            "amountAwarded": json_number(amount),
            "awardDate": awarded.isoformat(),
            "plannedDates": [{"startDate": start.isoformat(), "endDate": end.isoformat(), "duration": publishing.months_between(start, end)}],
            "recipientOrganization": [recipient],
            "fundingOrganization": self.funder(department),
            "dateModified": updated_at.isoformat(),
            "dataSource": self.publisher.source,
        }
        if wards:
            data["beneficiaryLocation"] = [{"name": ward_name, "geoCode": code, "geoCodeType": "WD", "countryCode": "GB"} for code, ward_name in wards]
        return data


def grant_rows() -> Any:
    """The rows of the published grants (see `exclusions`: those under investigation are left out by the query)."""
    excluded = exclusions.organisation_ids_under_investigation()
    rows = publishing.published_grant_rows(exclude_organisation_ids=excluded)
    return (row for row in rows if not exclusions.recipient_is_individual(row))


def write_json(out: TextIO) -> int:
    """Write the 360Giving package; returns the number of grants."""
    publisher = Publisher()
    now = timezone.now().isoformat()
    out.write('{"grants": [')
    count = 0
    if publisher.ready:
        writer = GrantWriter(publisher)
        dumps = json.JSONEncoder(ensure_ascii=False, default=_default).encode
        write = out.write
        for row in grant_rows():
            write(",\n" if count else "\n")
            write(dumps(writer.grant(row)))
            count += 1
    out.write("\n],\n")
    meta = {
        "version": SCHEMA_VERSION,
        "title": f"Grants awarded by {publisher.name}",
        "description": f"Every grant {publisher.name} has awarded to a voluntary or community organisation, from Lightbulb.",
        "identifier": f"{publisher.prefix or 'lightbulb'}-grants",
        "issued": now,
        "modified": now,
        "publisher": {"name": publisher.name, **({"identifier": publisher.org_id} if publisher.org_id else {})},
        "license": OGL,
        "accessURL": publisher.source,
        "downloadURL": f"{publisher.site}/open-data/360giving/grants.json",
    }
    out.write(json.dumps(meta, ensure_ascii=False)[1:])
    out.write("\n")
    return count


# The 1.4.3 template's column titles, in its order.
CSV_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Planned Dates:Duration (months)",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Postal Code",
    "Recipient Org:Web Address",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Funding Org:Department",
    "Last Modified",
    "Data Source",
]
LOCATION_FIELDS = [("Name", "name"), ("Country Code", "countryCode"), ("Geographic Code", "geoCode"), ("Geographic Code Type", "geoCodeType")]


def location_columns(count: int) -> list[str]:
    """The template's beneficiary location columns, numbered from the second location on."""
    columns: list[str] = []
    for index in range(max(count, 1)):
        middle = "" if index == 0 else f"{index}:"
        columns.extend(f"Beneficiary Location:{middle}{title}" for title, _ in LOCATION_FIELDS)
    return columns


def csv_row(data: dict[str, Any], locations: int) -> list[Any]:
    recipient = data["recipientOrganization"][0]
    funder = data["fundingOrganization"][0]
    planned = data["plannedDates"][0]
    values: list[Any] = [
        data["id"],
        data["title"],
        data["description"],
        data["currency"],
        data["amountAwarded"],
        data["awardDate"],
        planned["startDate"],
        planned["endDate"],
        planned["duration"],
        recipient["id"],
        recipient["name"],
        recipient.get("charityNumber", ""),
        recipient.get("companyNumber", ""),
        recipient.get("postalCode", ""),
        recipient.get("url", ""),
        funder["id"],
        funder["name"],
        funder["department"],
        data["dateModified"],
        data["dataSource"],
    ]
    places = data.get("beneficiaryLocation", [])
    for index in range(max(locations, 1)):
        place = places[index] if index < len(places) else {}
        values.extend(place.get(key, "") for _, key in LOCATION_FIELDS)
    # Most values are text: made safe here directly; anything else as every export does.
    return [("'" + value if value.startswith(FORMULA_PREFIXES) else value) if value.__class__ is str else cell(value) for value in values]


def write_csv(out: TextIO) -> int:
    """Write the grants as the 360Giving CSV template; returns the number of grants."""
    publisher = Publisher()
    excluded = exclusions.organisation_ids_under_investigation()
    locations = publishing.published_max_wards(kinds=publishing.GRANT_KINDS, exclude_organisation_ids=excluded)
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS + location_columns(locations))
    count = 0
    if publisher.ready:
        grants = GrantWriter(publisher)
        writerow = writer.writerow
        for row in grant_rows():
            writerow(csv_row(grants.grant(row), locations))
            count += 1
    return count
