"""Every rule run together, and their findings reconciled with the stored flags.

A finding with no flag raises one. An open flag takes the finding's current words and evidence.
A dismissed flag stays dismissed while its evidence is what the officer saw (the fingerprint
stored on dismissal); different evidence raises it again. A resolved flag whose evidence is back
is raised again. A flag in scope that no rule finds any more is resolved. All of it in bulk: one
or two queries per rule, whatever the number of organisations; the thresholds are read once for
the whole run, and a transaction is opened only when there is something to write.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from lightbulb.engagement.flags import (
    Finding,
    Rule,
    Scope,
    agreements_read_once,
    claims,
    dependency,
    new_award,
    overdue,
    register,
    same_purpose,
    shared,
    thresholds_fixed,
)
from lightbulb.engagement.models import Flag

RULES: dict[str, Rule] = {
    "dependency": dependency.find,
    "register": register.find,
    "claimed_wards": claims.find_wards,
    "claimed_numbers": claims.find_numbers,
    "shared_details": shared.find,
    "new_large_award": new_award.find,
    "overdue_returns": overdue.find,
    "same_purpose": same_purpose.find,
}
BATCH = 2_000


def flags_find(scope: Scope = None, today: datetime.date | None = None) -> list[Finding]:
    today = today or timezone.localdate()
    found: list[Finding] = []
    with thresholds_fixed(), agreements_read_once():
        for rule in RULES.values():
            found.extend(rule(scope, today))
    return found


def _apply(flag: Flag, finding: Finding, now: datetime.datetime) -> bool:
    """Bring a stored flag up to its finding; True when anything changed."""
    fingerprint = finding.fingerprint
    changed = (flag.reason, flag.evidence, flag.fingerprint) != (finding.reason, finding.evidence, fingerprint)
    flag.reason, flag.evidence, flag.fingerprint = finding.reason, finding.evidence, fingerprint
    if flag.status == Flag.Status.DISMISSED and fingerprint != flag.dismissed_fingerprint:
        flag.status, flag.raised_at, flag.times_raised_again = Flag.Status.OPEN, now, flag.times_raised_again + 1
        changed = True
    elif flag.status == Flag.Status.RESOLVED:
        flag.status, flag.raised_at, flag.resolved_at = Flag.Status.OPEN, now, None
        changed = True
    if changed:
        flag.updated_at = now
    return changed


def _existing(scope: Scope) -> dict[tuple[int, str, str], Flag]:
    if scope is None:  # every flag, read in chunks
        flags: Any = Flag.objects.all().iterator(chunk_size=BATCH)
    else:  # a few organisations' flags: one plain query, no server-side cursor to open and close
        flags = Flag.objects.filter(organisation_id__in=list(scope))
    return {(flag.organisation_id, flag.rule, flag.key): flag for flag in flags}


def flags_reconcile(findings: Iterable[Finding], scope: Scope = None) -> dict[str, int]:
    """Store the findings as flags for the organisations in `scope` (None: every organisation).

    The stored flags are read first; a transaction is opened only when something is to be written, so
    recomputing an organisation whose flags have not changed costs one query.
    """
    now = timezone.now()
    existing = _existing(scope)
    new: list[Flag] = []
    changed: list[Flag] = []
    seen: set[tuple[int, str, str]] = set()
    for finding in findings:
        identity = (finding.organisation_id, finding.rule, finding.key)
        if identity in seen:
            continue
        seen.add(identity)
        flag = existing.get(identity)
        if flag is None:
            new.append(
                Flag(
                    organisation_id=finding.organisation_id,
                    rule=finding.rule,
                    key=finding.key,
                    reason=finding.reason,
                    evidence=finding.evidence,
                    fingerprint=finding.fingerprint,
                    raised_at=now,
                    updated_at=now,
                )
            )
        elif _apply(flag, finding, now):
            changed.append(flag)
    gone = [flag for identity, flag in existing.items() if identity not in seen and flag.status != Flag.Status.RESOLVED]
    for flag in gone:
        flag.status, flag.resolved_at, flag.updated_at = Flag.Status.RESOLVED, now, now
    if new or changed or gone:
        _write(new, [*changed, *gone])
    return {"raised": len(new), "changed": len(changed), "resolved": len(gone)}


@transaction.atomic
def _write(new: list[Flag], changed: list[Flag]) -> None:
    # Two recomputes of one organisation at once both find its new flag: the second insert is skipped.
    Flag.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    fields = ["reason", "evidence", "fingerprint", "status", "raised_at", "updated_at", "resolved_at", "times_raised_again"]
    Flag.objects.bulk_update(changed, fields, batch_size=BATCH)


def flags_refresh(scope: Scope = None, today: datetime.date | None = None) -> dict[str, Any]:
    """Find and store: every organisation's flags (None) or those of `scope`."""
    scope = None if scope is None else set(scope)
    return flags_reconcile(flags_find(scope, today), scope)
