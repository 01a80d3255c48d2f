"""The same purpose funded twice: two of an organisation's agreements, or one of them and another funder's grant, at the same time.

Agreements that are planned, approved, awarded or running, whose terms overlap and whose purpose
(or title), compared letters and digits only, is the same.

Other funders' money comes through `registry.other_funding` (the grants module registers confirmed
360Giving grants there; engagement never reads its tables): a grant whose planned dates overlap an
agreement's term is the same purpose when, compared letters and digits only, its title or description
is the agreement's purpose or title, or one holds the other whole (at least 15 letters of it).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict

from django.db.models import Q

from lightbulb.core.registry import OtherFunding, registry
from lightbulb.engagement.flags import AgreementRow, Finding, Scope, agreement_link, agreements, day, link, money

ACTIVE = ("planned", "approved", "awarded", "live", "under_review", "extended")
# A description holding an agreement's purpose whole (or the reverse) counts when the shorter has at least this many letters.
CONTAINED = 15
Item = tuple[int, str, str, str, datetime.date, datetime.date]


def normalised(text: str) -> str:
    """Letters and digits only, lower case, accents dropped ("Café!" and "cafe" are the same)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _current(row: AgreementRow, today: datetime.date) -> bool:
    """Planned to running, not ended, not archived: the SQL conditions of `find`."""
    return row.status in ACTIVE and row.end >= today and not row.archived


def find(scope: Scope, today: datetime.date) -> list[Finding]:
    rows = agreements(scope, Q(status__in=ACTIVE, end_date__gte=today, archived_at__isnull=True), lambda row: _current(row, today))
    by_organisation: dict[int, list[Item]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: (row.start, row.pk)):
        by_organisation[row.organisation_id].append((row.pk, row.reference, normalised(row.title), normalised(row.purpose), row.start, row.end))
    findings = []
    for organisation_id, items in by_organisation.items():
        findings.extend(_agreements_twice(organisation_id, items))
    if by_organisation:
        findings.extend(_other_funders(by_organisation, None if scope is None else sorted(by_organisation), today))
    return findings


def _agreements_twice(organisation_id: int, items: list[Item]) -> list[Finding]:
    findings = []
    for index, first in enumerate(items):
        for second in items[index + 1 :]:
            same = (first[3] and first[3] == second[3]) or (first[2] and first[2] == second[2])
            if not same or second[4] > first[5]:
                continue
            reason = (
                f"Agreements {first[1]} and {second[1]} fund the same purpose at the same time "
                f"({day(second[4])} to {day(min(first[5], second[5]))}): check the work is not paid for twice."
            )
            evidence = [agreement_link(first[0], first[1]), agreement_link(second[0], second[1])]
            findings.append(Finding(organisation_id, "same_purpose", reason, evidence, key=f"agreements:{first[0]}-{second[0]}", facts=[first[0], second[0]]))
    return findings


def alike(first: str, second: str) -> bool:
    """Two normalised texts say the same: equal, or one holds the other whole and it is long enough to mean something."""
    if not first or not second:
        return False
    shorter, longer = sorted((first, second), key=len)
    return shorter == longer or (len(shorter) >= CONTAINED and shorter in longer)


def _other_funders(by_organisation: dict[int, list[Item]], organisation_ids: list[int] | None, today: datetime.date) -> list[Finding]:
    """An agreement and another funder's grant to the same organisation, for the same purpose, over the same days."""
    findings = []
    for source in registry.other_funding.values():
        for grant in source(organisation_ids, today):
            texts = [normalised(grant.title), normalised(grant.description)]
            for pk, reference, title, purpose, start, end in by_organisation.get(grant.organisation_id, ()):
                overlapping = grant.start <= end and start <= grant.end
                if overlapping and any(alike(text, ours) for text in texts for ours in (purpose, title)):
                    findings.append(_grant_finding(grant, pk, reference, max(start, grant.start), min(end, grant.end)))
    return findings


def _grant_finding(grant: OtherFunding, agreement_pk: int, reference: str, start: datetime.date, end: datetime.date) -> Finding:
    reason = (
        f'Agreement {reference} and {grant.funder}\'s grant "{grant.title}" ({money(grant.amount)}, awarded {day(grant.awarded_on)}) '
        f"fund the same purpose at the same time ({day(start)} to {day(end)}): check the work is not paid for twice."
    )
    evidence = [agreement_link(agreement_pk, reference), link(grant.route, grant.pk, grant.label)]
    key = f"grant:{grant.pk}:agreement:{agreement_pk}"
    return Finding(grant.organisation_id, "same_purpose", reason, evidence, key=key, facts=[agreement_pk, grant.pk, str(grant.start), str(grant.end)])
