"""The Local Government Transparency Code 2015 datasets Lightbulb holds: grants to VCSE organisations and contracts over £5,000.

Both read the council's own funding agreements once awarded (other funders' grants are never
republished here), leave out the same organisations as 360Giving (see `exclusions`), and make text
safe to open in a spreadsheet.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any, TextIO

from lightbulb.concerns import selectors as concerns
from lightbulb.core.exports import cell
from lightbulb.funding.selectors import publishing
from lightbulb.funding.selectors.publishing import award_date, registration_number
from lightbulb.opendata import exclusions

# The Code asks for contracts, invitations to tender and framework call-offs above this value.
CONTRACT_THRESHOLD = Decimal("5000")


def _rows(kinds: tuple[str, ...]) -> Any:
    excluded = exclusions.organisation_ids_under_investigation()
    for row in publishing.published_agreements(kinds=kinds, exclude_organisation_ids=excluded):
        if not exclusions.recipient_is_individual(row):
            yield row


GRANT_COLUMNS = [
    ("Reference", "The council's reference for the grant"),
    ("Date awarded", "The day the grant was awarded (YYYY-MM-DD)"),
    ("Start date", "The first day of the period the grant is for"),
    ("End date", "The last day of the period the grant is for"),
    ("Department", "The council service or department that awarded it"),
    ("Beneficiary", "The organisation that received the grant"),
    ("Beneficiary registration number", "Its charity or company number as an Org-ID (GB-CHC-…, GB-COH-…), if it has one"),
    ("Purpose", "What the grant is for"),
    ("Amount", "The total value awarded, in pounds"),
]


def write_vcse_grants(out: TextIO) -> int:
    """Grants to voluntary, community and social enterprise organisations, with every field the Code asks for."""
    writer = csv.writer(out)
    writer.writerow([title for title, _ in GRANT_COLUMNS])
    count = 0
    for row in _rows(publishing.GRANT_KINDS):
        if not row["recipient_is_vcse"]:
            continue
        values = [
            row["reference"],
            award_date(row),
            row["start_date"],
            row["end_date"],
            row["department"],
            row["organisation__name"],
            registration_number(row),
            row["purpose"],
            row["amount"],
        ]
        writer.writerow([cell(value) for value in values])
        count += 1
    return count


# How each procurement route answers the Code's "invitation to quote or published invitation to tender".
INVITATION = {
    "open_tender": "Published invitation to tender",
    "quotation": "Invitation to quote",
    "framework": "Call-off from a framework",
}

CONTRACT_COLUMNS = [
    ("Reference", "The council's reference for the contract"),
    ("Title", "The contract's title"),
    ("Department", "The council service or department responsible"),
    ("Description", "The services the contract buys"),
    ("Supplier", "The organisation delivering it"),
    ("Supplier registration number", "Its charity or company number as an Org-ID, if it has one"),
    ("Value", "The sum to be paid over the length of the contract, in pounds"),
    ("Date awarded", "The day the contract was awarded"),
    ("Start date", "The first day of the contract"),
    ("End date", "The last day of the contract"),
    ("Procurement route", "How the contract was let"),
    ("Invitation to quote or tender", "Whether it followed a published invitation to tender, an invitation to quote, or neither"),
    ("SME", "Yes if the supplier is a small or medium-sized enterprise"),
    ("VCSE", "Yes if the supplier is a voluntary, community or social enterprise organisation"),
]


def write_contracts(out: TextIO) -> int:
    """Contracts and service-level agreements over £5,000, with the supplier's SME and VCSE flags."""
    writer = csv.writer(out)
    writer.writerow([title for title, _ in CONTRACT_COLUMNS])
    routes = publishing.procurement_route_labels()
    count = 0
    for row in _rows(publishing.CONTRACT_KINDS):
        if row["amount"] <= CONTRACT_THRESHOLD:
            continue
        values = [
            row["reference"],
            row["title"],
            row["department"],
            row["purpose"],
            row["organisation__name"],
            registration_number(row),
            row["amount"],
            award_date(row),
            row["start_date"],
            row["end_date"],
            routes.get(row["procurement_route"], row["procurement_route"]),
            INVITATION.get(row["procurement_route"], "Neither"),
            row["recipient_is_sme"],
            row["recipient_is_vcse"],
        ]
        writer.writerow([cell(value) for value in values])
        count += 1
    return count


FRAUD_COLUMNS = [
    ("Financial year", "The council's financial year, 1 April to 31 March, e.g. 2025/26"),
    (
        "Number of occasions powers were used under the Prevention of Social Housing Fraud Regulations 2014, or similar powers",
        "Investigation notes recording that such powers were used, in the year",
    ),
    ("Total number of employees undertaking investigations and prosecutions of fraud", "People who worked on a concern in the year"),
    ("Full-time equivalent employees undertaking investigations and prosecutions of fraud", "As the counter-fraud team records it for the year"),
    ("Total number of professionally accredited counter fraud specialists", "As the counter-fraud team records it for the year"),
    ("Full-time equivalent professionally accredited counter fraud specialists", "As the counter-fraud team records it for the year"),
    ("Total amount spent on the investigation and prosecution of fraud (£)", "Recorded investigation costs and other costs, in pounds"),
    ("Total number of fraud cases investigated", "Fraud concerns taken into investigation in the year"),
]


def write_fraud(out: TextIO) -> int:
    """The counter-fraud figures of every year the register holds, newest first; they name no one."""
    writer = csv.writer(out)
    writer.writerow([title for title, _ in FRAUD_COLUMNS])
    count = 0
    for year in concerns.counter_fraud_years():
        row = concerns.counter_fraud_figures(year).as_row()
        writer.writerow([cell(row.get(title, "")) for title, _ in FRAUD_COLUMNS])
        count += 1
    return count
