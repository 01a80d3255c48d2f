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


@task()
def build_all_packs(build_id: int) -> str:
    """Every ward's briefing pack into one zip, counting wards done as it goes."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from lightbulb.engagement.models import PackBuild
    from lightbulb.engagement.pdf import packs_zip

    build = PackBuild.objects.get(pk=build_id)
    PackBuild.objects.filter(pk=build_id).update(status=PackBuild.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        PackBuild.objects.filter(pk=build_id).update(wards_done=done, wards_total=total)

    today = timezone.localdate()
    try:
        content = packs_zip(today, progress)
    except Exception as error:  # the page says it failed; the worker's log has the details
        PackBuild.objects.filter(pk=build_id).update(status=PackBuild.Status.FAILED, error=str(error)[:500], finished_at=timezone.now())
        raise
    build.refresh_from_db()
    build.file.save(f"briefing-packs-{today:%Y-%m-%d}.zip", ContentFile(content), save=False)
    build.status, build.finished_at = PackBuild.Status.DONE, timezone.now()
    build.save(update_fields=["file", "status", "finished_at", "updated_at"])
    return str(build.file.name)


SURVEYS_ACTOR = SystemActor(label="Survey closing")


@task()
def close_due_surveys() -> int:
    """Close every survey past its closing date, so nothing stays waiting for an answer."""
    from lightbulb.engagement.services.surveys import surveys_close_due

    return surveys_close_due(acting_user=SURVEYS_ACTOR)


def surveys_daily_enqueue() -> None:
    """The daily duty: surveys past their closing date are closed by the worker."""
    close_due_surveys.enqueue()
