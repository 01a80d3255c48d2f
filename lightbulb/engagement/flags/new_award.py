"""A recently registered organisation receiving a large award.

An agreement (awarded or later) worth at least `FLAG_LARGE_AWARD` (£50,000) to an organisation
registered less than `FLAG_NEW_ORGANISATION_MONTHS` (24) months before the agreement starts.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q

from lightbulb.engagement.flags import LIVE_STATUSES, Finding, Scope, agreement_link, agreements, day, money, thresholds


def find(scope: Scope, today: datetime.date) -> list[Finding]:
    limits = thresholds()
    large, months = limits.large_award, limits.new_organisation_months
    narrowed = Q(status__in=LIVE_STATUSES, amount__gte=large, organisation__date_registered__isnull=False, organisation__date_registered__lte=F("start_date"))
    rows = agreements(
        scope, narrowed, lambda row: row.status in LIVE_STATUSES and row.amount >= large and row.registered is not None and row.registered <= row.start
    )
    findings = []
    for row in rows:
        registered, start = row.registered or row.start, row.start
        age_months = (start.year - registered.year) * 12 + start.month - registered.month - (start.day < registered.day)
        if age_months >= months:
            continue
        age = f"{age_months} month{'s' if age_months != 1 else ''}" if age_months else "less than a month"
        reason = (
            f"Agreement {row.reference} of {money(row.amount)} starts {day(start)}, {age} after the organisation was registered "
            f"({day(registered)}): a large award to a new organisation."
        )
        findings.append(
            Finding(
                row.organisation_id,
                "new_large_award",
                reason,
                [agreement_link(row.pk, row.reference)],
                key=f"agreement:{row.pk}",
                facts=[str(row.amount), str(registered), str(start)],
            )
        )
    return findings
