"""What every demo step is given: the scale to build, and what the steps before it built."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from lightbulb.accounts.models import User
from lightbulb.demo.commissioning import AgreementInfo
from lightbulb.organisations.models import AreaOfWork, Organisation
from lightbulb.places.models import Council, Ward

COUNCIL_NAME = "Anytown Council"
COUNCIL_GSS_CODE = "E06000999"
COUNCIL_ORG_ID = "GB-LAE-ANY"
COUNCIL_GRANT_PREFIX = "360G-anytown"
TOWN = "Anytown"


@dataclass(frozen=True)
class Scale:
    name: str
    wards: int
    localities: int
    organisations: int
    postcodes_per_ward: int
    # Pairs of each kind of deliberate duplicate (same charity number; near-identical name at one postcode).
    duplicate_pairs: int
    # Avoid repeating a name exactly where the word lists allow it (not at national scale: memory stays flat).
    unique_names: bool = True
    batch_size: int = 2000
    # Funding agreements over the last five financial years (with their returns, payments and decommissionings).
    agreements: int = 0
    # The national tier's volume (generator/national.py): older agreements of the council's own, each with
    # two returns and two payments; other funders' grants from 360Giving files; and how many of those
    # agreements the demo officer and the demo organisation each hold (a busy officer and organisation).
    historic_agreements: int = 0
    other_funders_grants: int = 0
    busy: int = 0
    # The city and national tiers' engagement log (generator/listening.py): engagements with their attendees,
    # themes and follow-up actions, beside the demo's own few dozen.
    engagement_records: int = 0


SCALES = {
    # For the test suite only: small enough to build in a fraction of a second.
    "tiny": Scale("tiny", wards=4, localities=2, organisations=40, postcodes_per_ward=4, duplicate_pairs=2, agreements=60),
    "council": Scale("council", wards=20, localities=4, organisations=600, postcodes_per_ward=12, duplicate_pairs=3, agreements=1500),
    "city": Scale("city", wards=70, localities=8, organisations=8000, postcodes_per_ward=12, duplicate_pairs=10, agreements=30_000, engagement_records=100_000),
    # The national scale: the register, and 1,000,000 grants and agreements (the council's own plus other funders').
    "national": Scale(
        "national",
        wards=9000,
        localities=400,
        organisations=400_000,
        postcodes_per_ward=4,
        duplicate_pairs=50,
        unique_names=False,
        batch_size=5000,
        agreements=1500,
        historic_agreements=500_000,
        other_funders_grants=498_500,
        busy=300,
        engagement_records=100_000,
    ),
}
PUBLIC_SCALES = ["council", "city", "national"]


@dataclass
class DemoContext:
    """What the steps build, for the steps after them."""

    scale: Scale
    seed: int
    today: datetime.date
    password_hash: str = ""
    council: Council | None = None
    wards: list[Ward] = field(default_factory=list)
    ward_postcodes: dict[int, list[str]] = field(default_factory=dict)
    areas_of_work: dict[str, AreaOfWork] = field(default_factory=dict)
    # The first batch of organisations, kept for later steps (memberships, claims, agreements…).
    sample_organisations: list[Organisation] = field(default_factory=list)
    # (original pk, duplicate pk, kind) of the deliberate duplicates.
    duplicate_pairs: list[tuple[int, int, str]] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    # The organisation the demo `vcs` user leads.
    vcs_organisation: Organisation | None = None
    # Accountable officers besides the demo officer, and what the funding steps need of each agreement.
    officers: list[User] = field(default_factory=list)
    agreements: list[AgreementInfo] = field(default_factory=list)


Step = Callable[[random.Random, Scale, DemoContext], None]
