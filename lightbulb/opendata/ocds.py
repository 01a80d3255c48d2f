"""The council's commissioned contracts as Open Contracting Data Standard 1.1 release packages.

One release per contract or service-level agreement once awarded, carrying what England's
Procurement Act 2023 notices carry: the contract's details and value, the supplier with its
identifier, the dates, each variation as an amendment, and termination when the contract was
decommissioned. Written release by release, so memory stays flat.

The `ocid` starts with the council's OCDS prefix, the setting `OCDS_OCID_PREFIX` (registered with the
Open Contracting Partnership; the settings refuse one not in the form `ocds-` and six letters or digits).
"""

from __future__ import annotations

import datetime
import json
from typing import Any, TextIO

from django.conf import settings
from django.utils import timezone

from lightbulb.funding.selectors import publishing
from lightbulb.funding.selectors.publishing import OGL, Publisher, award_date, recipient_org_id
from lightbulb.opendata import exclusions
from lightbulb.opendata.threesixty import _default

METHODS = {
    "open_tender": "open",
    "grant_round": "open",
    "quotation": "selective",
    "framework": "selective",
    "direct_award": "direct",
    "direct_grant": "direct",
    "grant_in_aid": "direct",
}
ENDED = ("decommissioned", "closed")


def ocid_prefix() -> str:
    return str(settings.OCDS_OCID_PREFIX)


def _moment(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _status(row: dict[str, Any], today: datetime.date) -> str:
    if row["status"] in ENDED:
        return "terminated"
    if row["status"] == "awarded" and row["start_date"] > today:
        return "pending"
    return "active"


def _value(amount: Any) -> dict[str, Any]:
    return {"amount": _default(amount), "currency": "GBP"}


def _supplier(row: dict[str, Any], publisher: Publisher) -> dict[str, Any]:
    party: dict[str, Any] = {"id": recipient_org_id(row, publisher.prefix or "lightbulb"), "name": row["organisation__name"], "roles": ["supplier"]}
    if row["identifiers"]:
        scheme, value = row["identifiers"][0]
        party["identifier"] = {"scheme": scheme, "id": value, "legalName": row["organisation__name"]}
    if row["organisation__postcode"]:
        party["address"] = {"postalCode": row["organisation__postcode"], "countryName": "United Kingdom"}
    party["details"] = {"scale": "sme" if row["recipient_is_sme"] else "large", "vcse": row["recipient_is_vcse"]}
    return party


def _amendments(row: dict[str, Any]) -> list[dict[str, Any]]:
    amendments = []
    for variation in row["variations"]:
        changed = ", ".join(sorted(variation["changes"])) if isinstance(variation["changes"], dict) else ""
        amendments.append(
            {
                "id": f"{row['reference']}-variation-{variation['id']}",
                "date": _moment(variation["approved_on"]),
                "rationale": variation["reason"],
                "description": f"{'Reduction' if variation['is_reduction'] else 'Variation'} of {changed or 'the terms'}",
            }
        )
    return amendments


def release(row: dict[str, Any], publisher: Publisher, today: datetime.date) -> dict[str, Any]:
    """One contract as an OCDS release."""
    reference = row["reference"]
    buyer = {"id": publisher.org_id or "council", "name": publisher.name}
    supplier = _supplier(row, publisher)
    status = _status(row, today)
    awarded = award_date(row)
    period = {"startDate": _moment(row["start_date"]), "endDate": _moment(row["end_date"])}
    tags = ["award", "contract"]
    contract: dict[str, Any] = {
        "id": reference,
        "awardID": f"{reference}-award",
        "title": row["title"],
        "description": row["purpose"],
        "status": status,
        "period": period,
        "value": _value(row["amount"]),
        "dateSigned": _moment(awarded),
    }
    amendments = _amendments(row)
    if amendments:
        contract["amendments"] = amendments
        tags.append("contractAmendment")
    if status == "terminated":
        tags.append("contractTermination")
        if row["ended"]:
            contract["period"]["endDate"] = row["ended"][0].isoformat()
    party_buyer: dict[str, Any] = {**buyer, "roles": ["buyer", "procuringEntity"]}
    if publisher.org_id.startswith("GB-LAE-"):
        party_buyer["identifier"] = {"scheme": "GB-LAE", "id": publisher.org_id.removeprefix("GB-LAE-"), "legalName": publisher.name}
    return {
        "ocid": f"{ocid_prefix()}-{reference}",
        "id": f"{reference}-{row['updated_at']:%Y%m%dT%H%M%S}",
        "date": row["updated_at"].isoformat(),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": [party_buyer, supplier],
        "buyer": buyer,
        "tender": {
            "id": f"{reference}-tender",
            "title": row["title"],
            "procurementMethod": METHODS.get(row["procurement_route"], "direct"),
            "procurementMethodDetails": publishing.procurement_route_labels().get(row["procurement_route"], row["procurement_route"]),
        },
        "awards": [
            {
                "id": f"{reference}-award",
                "title": row["title"],
                "status": "active",
                "date": _moment(awarded),
                "value": _value(row["amount"]),
                "suppliers": [{"id": supplier["id"], "name": supplier["name"]}],
                "contractPeriod": period,
            }
        ],
        "contracts": [contract],
    }


def write_releases(out: TextIO) -> int:
    """Write the release package; returns the number of releases."""
    publisher = Publisher()
    today = timezone.localdate()
    now = timezone.now().isoformat()
    out.write('{"releases": [')
    count = 0
    excluded = exclusions.organisation_ids_under_investigation()
    for row in publishing.published_agreements(kinds=publishing.CONTRACT_KINDS, exclude_organisation_ids=excluded, with_variations=True):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(release(row, publisher, today), default=_default, ensure_ascii=False))
        count += 1
    out.write("\n],\n")
    meta = {
        "uri": f"{publisher.site}/open-data/ocds/releases.json",
        "version": "1.1",
        "publishedDate": now,
        "publisher": {"name": publisher.name, **({"scheme": "GB-LAE", "uid": publisher.org_id.removeprefix("GB-LAE-")} if publisher.org_id else {})},
        "license": OGL,
        "publicationPolicy": publisher.source,
    }
    out.write(json.dumps(meta, ensure_ascii=False)[1:])
    out.write("\n")
    return count
