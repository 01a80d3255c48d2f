"""The city and national tiers' listening (ENGINEERING.md §5): `Scale.engagement_records` engagements.

The `seed_engagement` step records a council's worth of engagements by hand (about sixty, each
chosen to show a feature). At city and national scale this step adds the volume behind them,
written with `COPY` (`bulk.insert_rows`) like the national funding:

- meetings, calls and visits with one or two organisations, forums and workshops with several,
  held over the last three years, in the organisation's ward (else any ward), with the notes of
  the demo log;
- one to three themes each, from the managed list `seed_engagement` made;
- who was there: the officer who recorded it (often the demo officer), sometimes a second
  officer, and for about two in five one of the ward's councillors;
- a follow-up action for every third, as in the demo log: owned by the demo officer, the demo
  councillor or another officer, due a few weeks after; those due more than a month ago are
  almost all done, the rest mostly open.

Deterministic from the seed like every step; memory stays flat (batches of `BATCH`). Nothing at
the council scale, whose log is the demo's own.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from lightbulb.core.roles import Role
from lightbulb.demo.engagement import ACTIONS, NOTES, TITLES
from lightbulb.demo.generator.bulk import insert_rows
from lightbulb.engagement.models import Engagement, EngagementKind, FollowUpAction, Theme
from lightbulb.organisations.models import Organisation
from lightbulb.places.models import Councillor, Ward

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

BATCH = 20_000
DAY = datetime.timedelta(days=1)
# Meetings, calls and visits are most of an officer's listening; forums and workshops bring several organisations together.
KINDS = [EngagementKind.MEETING] * 6 + [EngagementKind.CALL] * 5 + [EngagementKind.VISIT] * 4 + [EngagementKind.FORUM] * 2 + [EngagementKind.WORKSHOP] * 2
KINDS.append(EngagementKind.SURVEY)
GATHERINGS = (EngagementKind.FORUM, EngagementKind.WORKSHOP)


class _Cast:
    """Who can take part, read once for the whole step."""

    def __init__(self, ctx: DemoContext) -> None:
        self.organisations = list(Organisation.objects.filter(archived_at__isnull=True).order_by("pk").values_list("pk", "name", "ward_id"))
        self.wards = dict(Ward.objects.order_by("pk").values_list("pk", "name"))
        self.ward_ids = list(self.wards)
        self.councillors: dict[int, list[int]] = defaultdict(list)
        for pk, ward_id in Councillor.objects.order_by("pk").values_list("pk", "ward_id"):
            self.councillors[ward_id].append(pk)
        self.themes = list(Theme.objects.filter(retired=False).order_by("pk").values_list("pk", flat=True))
        self.officer = ctx.users[Role.OFFICER].pk
        self.councillor_user = ctx.users[Role.COUNCILLOR].pk
        self.officers = [officer.pk for officer in ctx.officers] or [self.officer]


def seed_engagement_volume(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """`scale.engagement_records` engagements with their attendees, themes and follow-up actions (nothing when it is 0)."""
    if not scale.engagement_records:
        return
    cast = _Cast(ctx)
    if not cast.organisations or not cast.ward_ids or not cast.themes:
        return
    batch: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for number in range(scale.engagement_records):
        row, taking_part = _engagement(rng, ctx, cast)
        batch.append(row)
        links.append(taking_part)
        if len(batch) >= BATCH:
            _write(batch, links, rng, ctx, cast, number + 1 - len(batch))
            batch, links = [], []
    if batch:
        _write(batch, links, rng, ctx, cast, scale.engagement_records - len(batch))


def _engagement(rng: random.Random, ctx: DemoContext, cast: _Cast) -> tuple[dict[str, Any], dict[str, Any]]:
    kind = rng.choice(KINDS)
    many = rng.randint(3, 8) if kind in GATHERINGS else rng.choice((1, 1, 1, 2))
    organisations = rng.sample(cast.organisations, min(many, len(cast.organisations)))
    ward_id = organisations[0][2] or rng.choice(cast.ward_ids)
    title = rng.choice(TITLES[kind]).format(org=organisations[0][1], ward=cast.wards[ward_id])
    recorder = cast.officer if rng.random() < 0.1 else rng.choice(cast.officers)
    officers = {recorder, rng.choice(cast.officers)} if rng.random() < 0.2 else {recorder}
    councillors = cast.councillors.get(ward_id, [])
    row = {
        "kind": str(kind),
        "title": title[:300],
        "held_on": ctx.today - DAY * rng.randint(1, 3 * 365),
        "ward_id": ward_id,
        "notes": rng.choice(NOTES),
        "recorded_by_id": recorder,
    }
    taking_part = {
        "organisations": [pk for pk, _name, _ward in organisations],
        "officers": sorted(officers),
        "councillors": [rng.choice(councillors)] if councillors and rng.random() < 0.4 else [],
        "themes": rng.sample(cast.themes, min(len(cast.themes), rng.randint(1, 3))),
    }
    return row, taking_part


def _action(rng: random.Random, ctx: DemoContext, cast: _Cast, engagement_id: int, held_on: datetime.date) -> dict[str, Any]:
    draw = rng.random()
    owner = cast.officer if draw < 0.05 else cast.councillor_user if draw < 0.08 else rng.choice(cast.officers)
    due = held_on + DAY * rng.randint(7, 60)
    done = rng.random() < (0.95 if due < ctx.today - DAY * 30 else 0.3)
    completed = min(due - DAY * rng.randint(0, 10), ctx.today) if done else None
    return {
        "engagement_id": engagement_id,
        "description": rng.choice(ACTIONS),
        "owner_id": owner,
        "due_date": due,
        "completed_on": completed,
        "completed_by_id": owner if done else None,
        "completion_note": "",
    }


def _write(batch: list[dict[str, Any]], links: list[dict[str, Any]], rng: random.Random, ctx: DemoContext, cast: _Cast, first_number: int) -> None:
    first = insert_rows(Engagement, batch)
    through: dict[str, list[dict[str, Any]]] = defaultdict(list)
    columns = {"organisations": "organisation_id", "officers": "user_id", "councillors": "councillor_id", "themes": "theme_id"}
    actions = []
    for offset, (row, taking_part) in enumerate(zip(batch, links, strict=True)):
        for name, column in columns.items():
            through[name] += [{"engagement_id": first + offset, column: pk} for pk in taking_part[name]]
        if (first_number + offset) % 3 == 0:
            actions.append(_action(rng, ctx, cast, first + offset, row["held_on"]))
    for name in columns:
        insert_rows(getattr(Engagement, name).through, through[name])
    insert_rows(FollowUpAction, actions)
