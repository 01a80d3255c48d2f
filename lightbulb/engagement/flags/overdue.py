"""Overdue monitoring returns: due or queried returns past their due date."""

from __future__ import annotations

import datetime
from collections import defaultdict

from lightbulb.engagement.flags import Finding, Scope, day, link, scoped
from lightbulb.funding.models import MonitoringReturn

OUTSTANDING = ("due", "queried")


def find(scope: Scope, today: datetime.date) -> list[Finding]:
    returns = scoped(MonitoringReturn.objects.filter(status__in=OUTSTANDING, due_date__lt=today), scope, "agreement__organisation_id")
    overdue: dict[int, list[tuple[int, str, datetime.date]]] = defaultdict(list)
    for pk, organisation_id, reference, due in returns.order_by("due_date", "pk").values_list(
        "pk", "agreement__organisation_id", "agreement__reference", "due_date"
    ):
        overdue[organisation_id].append((pk, reference, due))
    findings = []
    for organisation_id, items in overdue.items():
        listed = "; ".join(f"due {day(due)} on {reference}" for _pk, reference, due in items[:5]) + ("; …" if len(items) > 5 else "")
        oldest = (today - items[0][2]).days
        reason = (
            f"{len(items)} monitoring return{'s are' if len(items) > 1 else ' is'} overdue ({listed}); the oldest by {oldest} day{'s' if oldest != 1 else ''}."
        )
        evidence = [link("funding:return_detail", pk, f"Return due {day(due)} on {reference}") for pk, reference, due in items[:10]]
        findings.append(Finding(organisation_id, "overdue_returns", reason, evidence, facts=[pk for pk, _r, _d in items]))
    return findings
