"""The access log's hash chain shows an edited, deleted, reordered or cut-off entry."""

from __future__ import annotations

import pytest

from lightbulb.concerns.chain import access_log_append, access_log_verify
from lightbulb.concerns.models import AccessLogEntry
from lightbulb.concerns.tasks import access_log_check
from lightbulb.core.roles import Role
from tests.concerns.factories import ConcernFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(users):
    concern = ConcernFactory()
    for what in ("the concern's page", "evidence: bank.pdf", "the concern's page", "the access log"):
        access_log_append(user=users[Role.INVESTIGATOR], action="viewed", concern=concern, detail=what)
    return list(AccessLogEntry.objects.order_by("sequence"))


def test_an_untouched_chain_is_intact(chain):
    report = access_log_verify()
    assert report.intact and report.entries == 4
    assert chain[1].previous_hash == chain[0].entry_hash


def test_an_edited_entry_is_detected(chain):
    AccessLogEntry.objects.filter(pk=chain[1].pk).update(actor_label="Someone else")
    assert access_log_verify().problems == ["Entry 2 was changed after it was written"]


def test_a_deleted_entry_is_detected(chain):
    AccessLogEntry.objects.filter(pk=chain[1].pk).delete()
    problems = access_log_verify().problems
    assert "Entries 2 to 2 are missing" in problems
    assert "Entry 3 does not follow the entry before it (deleted, inserted or moved)" in problems


def test_the_newest_entry_deleted_is_detected(chain):
    AccessLogEntry.objects.filter(pk=chain[-1].pk).delete()
    assert access_log_verify().problems == ["The log should end at entry 4, but ends at entry 3: the newest entries were removed or altered"]


def test_reordered_entries_are_detected(chain):
    # Swap the sequence numbers of entries 2 and 3 (through a free number, as the column is unique).
    AccessLogEntry.objects.filter(pk=chain[1].pk).update(sequence=99)
    AccessLogEntry.objects.filter(pk=chain[2].pk).update(sequence=2)
    AccessLogEntry.objects.filter(pk=chain[1].pk).update(sequence=3)
    assert not access_log_verify().intact


def test_a_rehashed_edit_still_breaks_the_next_link(chain):
    from lightbulb.concerns.chain import entry_digest

    entry = AccessLogEntry.objects.get(pk=chain[1].pk)
    entry.detail = "nothing to see"
    entry.entry_hash = entry_digest(entry)
    entry.save()
    assert access_log_verify().problems == ["Entry 3 does not follow the entry before it (deleted, inserted or moved)"]


def test_the_daily_check_tells_investigators(chain, mailoutbox):
    assert access_log_check() == []
    AccessLogEntry.objects.filter(pk=chain[0].pk).update(detail="edited")
    assert access_log_check() == ["Entry 1 was changed after it was written"]
    assert mailoutbox[-1].subject == "The concerns access log has been tampered with"
    assert mailoutbox[-1].to == ["investigator@example.org"]


def test_an_entry_moved_to_another_concern_is_detected(chain):
    other = ConcernFactory()
    AccessLogEntry.objects.filter(pk=chain[1].pk).update(concern=other)
    assert access_log_verify().problems[0] == "Entry 2 was changed after it was written"


def test_a_chain_rewritten_without_the_secret_key_is_detected(chain):
    """Whoever can write to the database but lacks the key cannot recompute the chain after an edit."""
    import hashlib
    import json

    from lightbulb.concerns.chain import settings_row

    entries = list(AccessLogEntry.objects.order_by("sequence"))
    previous = ""
    for entry in entries:
        entry.detail = "rewritten" if entry.sequence == 2 else entry.detail
        entry.previous_hash = previous
        fields = [
            entry.sequence,
            entry.concern_id,
            entry.concern_reference,
            entry.user_id,
            entry.actor_label,
            entry.action,
            entry.detail,
            entry.at.isoformat(),
            previous,
        ]
        entry.entry_hash = hashlib.sha256(json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
        previous = entry.entry_hash
        entry.save()
    row = settings_row()
    type(row).objects.filter(pk=row.pk).update(log_head=previous)
    assert not access_log_verify().intact
