"""The deterministic demo council generator (PRODUCT.md §4).

`generate(scale, seed)` builds "Anytown": the council, wards, postcodes,
councillors, organisations, demo users and pending claims, then its
commissioning and its Compact. The same seed gives the same council: each step
draws from its own `random.Random` seeded with the seed and the step's name, so
a step added later (assets, concerns…) does not change what the earlier steps
produce.

Rows are written in batches, with `COPY` on PostgreSQL (`bulk.py`) and `bulk_create`
elsewhere: the demo is data the council never typed, so it carries no audit events,
and the national scale (400,000 organisations) must keep memory flat. The tables that
take millions of rows (`BULK_LOADED`) are loaded with their secondary indexes and
foreign keys off, built and checked once at the end (`bulk.loading`), then analysed. Every row is
still consistent: name keys filled, each organisation's ward taken from its
postcode, identifiers valid.

The steps live by subject: `places`, `organisations` and `users` here,
`lightbulb.demo.commissioning` and `lightbulb.demo.consultations` beside it, and the
city and national tiers' volume in `national` (funding) and `listening` (the engagement log);
`context` holds the scales and what the steps share.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Model

from lightbulb.demo import words
from lightbulb.demo.commissioning import seed_agreements, seed_decommissioning, seed_messages, seed_returns_and_payments, seed_variations
from lightbulb.demo.concerns import seed_concerns
from lightbulb.demo.consultations import seed_compact
from lightbulb.demo.directory import seed_directory
from lightbulb.demo.engagement import seed_engagement
from lightbulb.demo.generator import bulk
from lightbulb.demo.generator.context import (
    COUNCIL_GRANT_PREFIX,
    COUNCIL_GSS_CODE,
    COUNCIL_NAME,
    COUNCIL_ORG_ID,
    PUBLIC_SCALES,
    SCALES,
    TOWN,
    DemoContext,
    Scale,
    Step,
)
from lightbulb.demo.generator.listening import seed_engagement_volume
from lightbulb.demo.generator.national import seed_national_funding
from lightbulb.demo.generator.organisations import seed_areas_of_work, seed_organisations
from lightbulb.demo.generator.places import demo_council_exists, postcode_at, seed_places, ward_names
from lightbulb.demo.generator.users import DEMO_PASSWORD, DEMO_USERS, DemoUser, demo_vcs_organisation, seed_claims, seed_users, totp_key_hex
from lightbulb.demo.imports import seed_imports
from lightbulb.engagement.models import Engagement, FollowUpAction
from lightbulb.funding.models import Agreement, MonitoringReturn, Payment
from lightbulb.grants.models import Grant
from lightbulb.organisations.models import Contact, Organisation, OrganisationIdentifier

__all__ = [
    "COUNCIL_GRANT_PREFIX",
    "COUNCIL_GSS_CODE",
    "COUNCIL_NAME",
    "COUNCIL_ORG_ID",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "PUBLIC_SCALES",
    "SCALES",
    "STEPS",
    "TOWN",
    "DemoContext",
    "DemoUser",
    "Scale",
    "Step",
    "demo_council_exists",
    "demo_vcs_organisation",
    "generate",
    "postcode_at",
    "totp_key_hex",
    "ward_names",
    "words",
]

# The tables that take millions of rows at national scale: loaded with their secondary indexes and
# foreign keys off, which are put back (each checked by one query) and analysed at the end.
BULK_LOADED: list[type[Model]] = [Organisation, OrganisationIdentifier, Contact, Agreement, MonitoringReturn, Payment, Grant, Engagement, FollowUpAction]

# The order matters: each step reads what the ones before it left in the context.
STEPS: list[Step] = [
    seed_places,
    seed_areas_of_work,
    seed_organisations,
    seed_users,
    seed_claims,
    seed_agreements,
    seed_returns_and_payments,
    seed_decommissioning,
    seed_variations,
    seed_compact,
    seed_concerns,
    seed_engagement,
    # Services organisations run, for the open directory.
    seed_directory,
    # An import history: one run of each source, one with rejected rows.
    seed_imports,
    # Last: messages are routed to the portal members the Compact step gives some organisations.
    seed_messages,
    # The national tier's volume of grants and agreements (nothing at smaller scales).
    seed_national_funding,
    # The city and national tiers' engagement log (nothing at smaller scales).
    seed_engagement_volume,
]


def generate(scale: Scale | str, seed: int, *, today: datetime.date | None = None, steps: list[Step] | None = None) -> DemoContext:
    """Build the demo council in one transaction. `today` anchors dates (the real date by default)."""
    chosen = SCALES[scale] if isinstance(scale, str) else scale
    ctx = DemoContext(scale=chosen, seed=seed, today=today or datetime.date.today())
    with transaction.atomic(), bulk.loading(BULK_LOADED):
        for step in steps or STEPS:
            # Each step has its own stream, so adding a step never changes the others' output.
            step(random.Random(f"{seed}:{step.__name__}"), chosen, ctx)
    return ctx
