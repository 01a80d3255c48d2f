"""The files on the open-data page: their addresses, what they hold and the meaning of each field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from lightbulb.opendata import ocds, threesixty, transparency


@dataclass(frozen=True)
class Dataset:
    # The file's address under /open-data/, e.g. "360giving/grants.json".
    name: str
    title: str
    description: str
    standard: str
    content_type: str
    write: Callable[[TextIO], int]
    # (field, what it means), for the data dictionary.
    dictionary: tuple[tuple[str, str], ...]
    group: str


THREESIXTY_DICTIONARY = (
    ("Identifier (id)", "The council's 360Giving prefix and the agreement's reference, e.g. 360G-anytown-AGR-2025-0001"),
    ("Title, Description", "The agreement's title and its purpose"),
    ("Currency, Amount Awarded", "GBP; the total value awarded, in pounds"),
    ("Award Date", "The day the grant was awarded"),
    ("Planned Dates", "The first and last day of the grant, and its length in months"),
    (
        "Recipient Org",
        "The recipient's Org-ID (GB-CHC- charity number, else GB-COH- company number, else the council's prefix and the register's number), name, numbers, postcode and website",
    ),
    ("Funding Org", "The council's Org-ID (GB-LAE-…), name and the department that awarded the grant"),
    ("Beneficiary Location", "Each ward the grant serves, by name and ONS GSS code (Geographic Code Type WD)"),
    ("Last Modified, Data Source", "When the agreement last changed, and this page"),
)

OCDS_DICTIONARY = (
    ("ocid", "The council's OCDS prefix and the contract's reference"),
    ("tag", "award and contract; contractAmendment when varied; contractTermination when decommissioned or closed"),
    ("parties", "The council (buyer, GB-LAE Org-ID) and the supplier with its registered number, postcode, size (sme) and whether it is a VCSE"),
    ("tender", "How the contract was let: procurementMethod (open, selective, direct) and the route in words"),
    ("awards", "The award: its date, value in pounds, supplier and contract period"),
    ("contracts", "The contract: title, description, status (pending, active, terminated), period, value, date signed"),
    ("contracts.amendments", "Each recorded variation: the date approved, the reason and what changed"),
)

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="360giving/grants.json",
        title="Grants (360Giving JSON)",
        description="The council's grants to voluntary and community organisations as a 360Giving 1.4.3 data package.",
        standard="360Giving Data Standard 1.4.3",
        content_type="application/json",
        write=threesixty.write_json,
        dictionary=THREESIXTY_DICTIONARY,
        group="360giving",
    ),
    Dataset(
        name="360giving/grants.csv",
        title="Grants (360Giving CSV)",
        description="The same grants, one row each, with the 360Giving 1.4.3 template's column titles.",
        standard="360Giving Data Standard 1.4.3",
        content_type="text/csv; charset=utf-8",
        write=threesixty.write_csv,
        dictionary=THREESIXTY_DICTIONARY,
        group="360giving",
    ),
    Dataset(
        name="transparency/vcse-grants.csv",
        title="Grants to voluntary, community and social enterprise organisations",
        description="Every grant the council has awarded to a VCSE organisation, as the Transparency Code 2015 asks.",
        standard="Local Government Transparency Code 2015",
        content_type="text/csv; charset=utf-8",
        write=transparency.write_vcse_grants,
        dictionary=tuple(transparency.GRANT_COLUMNS),
        group="transparency",
    ),
    Dataset(
        name="transparency/contracts.csv",
        title="Contracts over £5,000",
        description="Commissioned services and service-level agreements worth more than £5,000, with whether the supplier is an SME or a VCSE.",
        standard="Local Government Transparency Code 2015",
        content_type="text/csv; charset=utf-8",
        write=transparency.write_contracts,
        dictionary=tuple(transparency.CONTRACT_COLUMNS),
        group="transparency",
    ),
    Dataset(
        name="transparency/fraud.csv",
        title="Counter-fraud figures",
        description="The council's counter-fraud work each financial year, as the Transparency Code 2015 asks. It names no one.",
        standard="Local Government Transparency Code 2015",
        content_type="text/csv; charset=utf-8",
        write=transparency.write_fraud,
        dictionary=tuple(transparency.FRAUD_COLUMNS),
        group="transparency",
    ),
    Dataset(
        name="ocds/releases.json",
        title="Contract notices (OCDS release package)",
        description="Each commissioned contract and service-level agreement once awarded, in the Open Contracting Data Standard 1.1.",
        standard="Open Contracting Data Standard 1.1",
        content_type="application/json",
        write=ocds.write_releases,
        dictionary=OCDS_DICTIONARY,
        group="ocds",
    ),
)


def dataset_get(name: str) -> Dataset | None:
    return next((dataset for dataset in DATASETS if dataset.name == name), None)
