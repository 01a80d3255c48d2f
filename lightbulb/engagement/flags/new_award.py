"""A recently registered organisation receiving a large award.

An agreement (awarded or later) worth at least `FLAG_LARGE_AWARD` (£50,000) to an organisation
registered less than `FLAG_NEW_ORGANISATION_MONTHS` (24) months before the agreement starts.
"""

from __future__ import annotations

import datetime

from django.db.models import F

from lightbulb.engagement.flags import LIVE_STATUSES, Finding, Scope, agreement_link, day, money, scoped, thresholds


def find(scope: Scope, today: datetime.date) -> list[Finding]:
    from lightbulb.funding.models import Agreement

    limits = thresholds()
    large, months = limits.large_award, limits.new_organisation_months
    agreements = Agreement.objects.filter(
        status__in=LIVE_STATUSES, amount__gte=large, organisation__date_registered__isnull=False, organisation__date_registered__lte=F("start_date")
    )
    rows = scoped(agreements, scope).values_list("pk", "organisation_id", "reference", "amount", "start_date", "organisation__date_registered")
    findings = []
    for pk, organisation_id, reference, amount, start, registered in rows:
        age_months = (start.year - registered.year) * 12 + start.month - registered.month - (start.day < registered.day)
        if age_months >= months:
            continue
        age = f"{age_months} month{'s' if age_months != 1 else ''}" if age_months else "less than a month"
        reason = (
            f"Agreement {reference} of {money(amount)} starts {day(start)}, {age} after the organisation was registered "
            f"({day(registered)}): a large award to a new organisation."
        )
        findings.append(
            Finding(
                organisation_id,
                "new_large_award",
                reason,
                [agreement_link(pk, reference)],
                key=f"agreement:{pk}",
                facts=[str(amount), str(registered), str(start)],
            )
        )
    return findings
