"""Background work: recomputing flags (one organisation's after its data changes, everyone's once a day) and building briefing packs."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from lightbulb.core.rules import SystemActor

FLAGS_ACTOR = SystemActor(label="Flag recompute")


@task()
def recompute_flags(organisation_ids: list[int] | None = None) -> dict[str, int]:
    from lightbulb.engagement.services.flags import flags_recompute

    return flags_recompute(acting_user=FLAGS_ACTOR, organisation_ids=organisation_ids)


def flags_daily_enqueue() -> None:
    """The daily duty: every organisation's flags, recomputed set-based by the worker."""
    recompute_flags.enqueue(None)


def flags_recompute_later(organisation_ids: list[int]) -> None:
    """Once the current transaction commits, recompute these organisations' flags in the background (nothing if it rolls back)."""
    ids = sorted({pk for pk in organisation_ids if pk})
    if ids:
        transaction.on_commit(lambda: recompute_flags.enqueue(ids))
