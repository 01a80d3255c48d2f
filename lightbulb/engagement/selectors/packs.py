"""Reads for the briefing packs built for every ward."""

from __future__ import annotations

from typing import Any

from lightbulb.core.access import object_for_user
from lightbulb.engagement.models import PackBuild
from lightbulb.engagement.rules import can_read_own_pack_build


def latest_build(user: Any) -> PackBuild | None:
    return PackBuild.objects.filter(requested_by_id=user.pk).order_by("-created_at", "-id").first()


def build_for_user(pk: int, user: Any) -> PackBuild:
    """A build its requester follows and downloads; anyone else gets 404."""
    return object_for_user(PackBuild.objects.filter(pk=pk).first(), user, read=can_read_own_pack_build, what="briefing packs")
