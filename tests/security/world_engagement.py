"""Objects for the engagement routes: an engagement with a theme and a follow-up action its councillor owns."""

from __future__ import annotations

from tests.security.world import BUILDERS, World


def _engagement_objects(world: World) -> None:
    from tests.engagement.factories import EngagementFactory, FollowUpActionFactory, ThemeFactory

    theme = ThemeFactory(name="Matrix theme")
    engagement = EngagementFactory(title="Matrix forum", recorded_by=world.users["officer"])
    engagement.organisations.add(world.organisation)
    engagement.themes.add(theme)
    world.extra["theme"] = theme
    world.extra["engagement"] = engagement
    world.extra["follow_up_action"] = FollowUpActionFactory(engagement=engagement, owner=world.users["councillor"])


BUILDERS.append(_engagement_objects)


def _flag_objects(world: World) -> None:
    from django.utils import timezone

    from lightbulb.engagement.models import Flag

    now = timezone.now()
    # The organisation's agreements may already have raised flags (recomputed as they were saved): one of a rule of its own.
    world.extra["flag"], _created = Flag.objects.update_or_create(
        organisation=world.organisation,
        rule="same_purpose",
        key="matrix",
        defaults={"reason": "Agreements MATRIX-1 and MATRIX-2 fund the same purpose", "fingerprint": "matrix", "raised_at": now, "updated_at": now},
    )


BUILDERS.append(_flag_objects)


def _pack_objects(world: World) -> None:
    """A finished build of every ward's pack requested by the councillor (only its requester follows or downloads it)."""
    from django.core.files.base import ContentFile

    from lightbulb.engagement.models import PackBuild

    build = PackBuild(requested_by=world.users["councillor"], status="done", wards_total=1, wards_done=1)
    build.file.save("matrix-packs.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
    build.save()
    world.extra["pack_build"] = build


BUILDERS.append(_pack_objects)
