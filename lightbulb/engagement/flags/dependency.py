"""Dependency: council funding is more than a set share (default 50%) of the organisation's latest income.

Council funding is the yearly value of the agreements live on `today` (each agreement's value
spread evenly over its term, as a year's worth), set against `Organisation.latest_income`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from lightbulb.engagement.flags import LIVE_STATUSES, Finding, Scope, agreement_link, agreements, day, live_on, money, organisation_link, thresholds


def yearly_value(amount: Decimal, start: datetime.date, end: datetime.date) -> Decimal:
    """An agreement's value as a year's worth: the whole of it when it runs a year or less."""
    days = (end - start).days + 1
    return amount if days <= 366 else amount * Decimal(365) / Decimal(days)


def find(scope: Scope, today: datetime.date) -> list[Finding]:
    share = thresholds().dependency_share
    narrowed = Q(status__in=LIVE_STATUSES, start_date__lte=today, end_date__gte=today, organisation__latest_income__gt=0)
    rows = agreements(scope, narrowed, lambda row: live_on(row, today) and row.start <= today and (row.latest_income or 0) > 0)
    funding: dict[int, Decimal] = defaultdict(Decimal)
    links: dict[int, list[dict[str, str]]] = defaultdict(list)
    incomes: dict[int, tuple[str, Decimal, datetime.date | None]] = {}
    # The organisation's income comes joined to its agreements: one read whatever the scope.
    for row in rows:
        funding[row.organisation_id] += yearly_value(row.amount, row.start, row.end)
        links[row.organisation_id].append(agreement_link(row.pk, row.reference))
        incomes[row.organisation_id] = (row.name, row.latest_income or Decimal(0), row.income_year_end)
    findings = []
    for pk, (name, income, year_end) in incomes.items():
        yearly = funding[pk]
        if yearly <= income * share:
            continue
        percent = round(yearly * 100 / income)
        year = f" (year ending {day(year_end)})" if year_end else ""
        reason = (
            f"Council funding of {money(yearly)} a year is {percent}% of {name}'s latest income of {money(income)}{year}: "
            f"above the {int(share * 100)}% at which its independence is at risk."
        )
        evidence = [organisation_link(pk, f"{name}: latest income"), *links[pk]]
        findings.append(Finding(pk, "dependency", reason, evidence, facts=[str(round(yearly)), str(income), str(year_end)]))
    return findings
