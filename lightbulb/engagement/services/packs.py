"""Asking for every ward's briefing pack, built in the background."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lightbulb.core.rules import require
from lightbulb.engagement.models import PackBuild
from lightbulb.engagement.rules import can_read_packs
from lightbulb.places.models import Ward


@transaction.atomic
def packs_build_all(*, acting_user: Any) -> PackBuild:
    """Queue a zip of every ward's pack; the worker builds it and the page shows its progress.

    Reading a pack changes nothing the council holds, so this is not audited.
    """
    require(can_read_packs, acting_user, message="Only council officers, councillors and investigators read briefing packs.")
    build = PackBuild.objects.create(requested_by=acting_user, wards_total=Ward.objects.count())
    from lightbulb.engagement.tasks import build_all_packs

    transaction.on_commit(lambda: build_all_packs.enqueue(build.pk))
    return build
