"""The concerns access log: a hash chain that shows any edited, deleted or reordered entry.

Each entry's hash is an HMAC-SHA-256, keyed with the service's secret key, over its own fields
(the concern's id among them) and the previous entry's hash, so changing
one entry breaks its own hash, and deleting or moving one breaks the next entry's link. The
settings row keeps the chain's length and last hash, so removing the newest entries shows
too. Appending locks that row, so two requests cannot both extend the same head.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lightbulb.concerns.models import AccessLogEntry, Concern, ConcernSettings

GENESIS = "0" * 64


def settings_row(*, lock: bool = False) -> ConcernSettings:
    """The one settings row, created on first use."""
    rows = ConcernSettings.objects.select_for_update() if lock else ConcernSettings.objects
    row = rows.order_by("pk").first()
    if row is None:
        ConcernSettings.objects.create()
        row = rows.order_by("pk").first()
    assert row is not None
    return row


def entry_digest(entry: AccessLogEntry) -> str:
    """The hash an entry must carry: its fields and the previous entry's hash.

    Keyed with the service's secret key, which is kept outside the database: someone able to write to
    the database can neither edit an entry nor recompute the chain after it without that key. The
    concern's id is hashed as well as its reference, so an entry cannot be moved to another concern.
    """
    fields = [
        entry.sequence,
        entry.concern_id,
        entry.concern_reference,
        entry.user_id,
        entry.actor_label,
        entry.action,
        entry.detail,
        entry.at.isoformat(),
        entry.previous_hash,
    ]
    message = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _label(user: Any) -> str:
    if getattr(user, "is_authenticated", False):
        return str(getattr(user, "display_name", "") or user)[:200]
    return str(getattr(user, "label", "") or "Someone not signed in")[:200]


@transaction.atomic
def access_log_append(*, user: Any, action: str, concern: Concern | None = None, detail: str = "") -> AccessLogEntry:
    """Add an entry to the chain; called by every concern view and service."""
    head = settings_row(lock=True)
    entry = AccessLogEntry(
        sequence=head.log_length + 1,
        concern=concern,
        concern_reference=concern.reference if concern is not None else "",
        user=user if getattr(user, "is_authenticated", False) else None,
        actor_label=_label(user),
        action=action[:60],
        detail=detail[:500],
        at=timezone.now().replace(microsecond=0),
        previous_hash=head.log_head or GENESIS,
    )
    entry.entry_hash = entry_digest(entry)
    entry.save()
    ConcernSettings.objects.filter(pk=head.pk).update(log_length=entry.sequence, log_head=entry.entry_hash)
    return entry


@dataclass
class ChainReport:
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def access_log_verify() -> ChainReport:
    """Walk the chain from the first entry; every break is named by its sequence number."""
    report = ChainReport()
    previous = GENESIS
    expected = 1
    for entry in AccessLogEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected:
            report.problems.append(f"Entries {expected} to {entry.sequence - 1} are missing")
        if entry.previous_hash != previous:
            report.problems.append(f"Entry {entry.sequence} does not follow the entry before it (deleted, inserted or moved)")
        if entry_digest(entry) != entry.entry_hash:
            report.problems.append(f"Entry {entry.sequence} was changed after it was written")
        previous = entry.entry_hash
        expected = entry.sequence + 1
        report.entries += 1
    head = settings_row()
    if head.log_length != report.entries or (head.log_head or GENESIS) != previous:
        report.problems.append(f"The log should end at entry {head.log_length}, but ends at entry {report.entries}: the newest entries were removed or altered")
    return report
