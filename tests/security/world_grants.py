"""Objects for the grants routes: another funder's grant proposed for the world's organisation."""

from __future__ import annotations

import datetime
from decimal import Decimal

from tests.security.world import BUILDERS, World


def _grant_objects(world: World) -> None:
    from lightbulb.grants.models import Funder, Grant, MatchMethod, MatchStatus

    funder = Funder.objects.create(org_id="GB-CHC-9999991", name="Matrix Trust")
    world.extra["grant"] = Grant.objects.create(
        identifier="360G-matrix-1",
        funder=funder,
        title="Matrix grant",
        amount_awarded=Decimal("1250"),
        award_date=datetime.date(2024, 5, 15),
        recipient_name=world.organisation.name,
        organisation=world.organisation,
        match_status=MatchStatus.PROPOSED,
        match_method=MatchMethod.NAME,
        match_score=92,
    )


BUILDERS.append(_grant_objects)
