"""Dependency: council funding is more than a set share (default 50%) of the organisation's latest income.

Council funding is the yearly value of the agreements live on `today` (each agreement's value
spread evenly over its term, as a year's worth), set against `Organisation.latest_income`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from lightbulb.engagement.flags import LIVE_STATUSES, Finding, Scope, agreement_link, day, money, organisation_link, scoped, thresholds
from lightbulb.funding.models import Agreement


def yearly_value(amount: Decimal, start: datetime.date, end: datetime.date) -> Decimal:
    """An agreement's value as a year's worth: the whole of it when it runs a year or less."""
    days = (end - start).days + 1
    return amount if days <= 366 else amount * Decimal(365) / Decimal(days)


def find(scope: Scope, today: datetime.date) -> list[Finding]:
    share = thresholds().dependency_share
    agreements = scoped(
        Agreement.objects.filter(status__in=LIVE_STATUSES, start_date__lte=today, end_date__gte=today, organisation__latest_income__gt=0), scope
    )
    funding: dict[int, Decimal] = defaultdict(Decimal)
    links: dict[int, list[dict[str, str]]] = defaultdict(list)
    incomes: dict[int, tuple[str, Decimal, datetime.date | None]] = {}
    # The organisation's income comes in the same query, joined: one round trip whatever the scope.
    rows = agreements.values_list(
        "pk",
        "organisation_id",
        "reference",
        "amount",
        "start_date",
        "end_date",
        "organisation__name",
        "organisation__latest_income",
        "organisation__latest_income_year_end",
    )
    for pk, organisation_id, reference, amount, start, end, name, income, year_end in rows:
        funding[organisation_id] += yearly_value(amount, start, end)
        links[organisation_id].append(agreement_link(pk, reference))
        incomes[organisation_id] = (name, income, year_end)
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
