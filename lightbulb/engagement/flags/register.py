"""Register: accounts overdue, charity removed, CIO or company dissolved or in administration while an agreement is live.

Read from the organisation's status on the register (dissolved, removed) and from the values
imported from public registers (`organisations.RegisterValue`), by field name:

- `register_status` or `charity_status` (Charity Commission): "removed" or "dissolved";
- `company_status` (Companies House): "dissolved", "administration", "liquidation", "insolvency";
- `accounts_overdue`: "yes", "true" or "overdue" (or a date: the accounts were due then);
- the Charity Commission register's own fields, as its import records them: `charity_insolvent` and
  `charity_in_administration` ("True"), and `charity_reporting_status` ("Submission Overdue",
  "Double Default"). Removed charities and dissolved CIOs reach the flag through the organisation's status.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q

from lightbulb.engagement.flags import LIVE_STATUSES, Finding, Scope, agreement_link, agreements, live_on
from lightbulb.organisations.models import OrganisationStatus, RegisterValue

STATUS_FIELDS = ("register_status", "charity_status", "company_status")
STATUS_WORDS = ("removed", "dissolved", "administration", "liquidation", "insolvency")
OVERDUE_FIELDS = ("accounts_overdue",)
TRUE_WORDS = ("yes", "true", "overdue", "1")
# The charity register's yes/no fields, and what a true one means.
CHARITY_FLAG_FIELDS = {"charity_insolvent": "insolvent", "charity_in_administration": "in administration"}
CHARITY_REPORTING_FIELD = "charity_reporting_status"
REPORTING_OVERDUE_WORDS = ("overdue", "default")
READ_FIELDS = (*STATUS_FIELDS, *OVERDUE_FIELDS, *CHARITY_FLAG_FIELDS, CHARITY_REPORTING_FIELD)


def _charity_register_problem(field: str, text: str, value: str, source: str) -> str | None:
    """The problem one of the Charity Commission register's own fields shows, or None."""
    if field in CHARITY_FLAG_FIELDS and text == "true":
        return f"{source} shows it as {CHARITY_FLAG_FIELDS[field]}"
    if field == CHARITY_REPORTING_FIELD and any(word in text for word in REPORTING_OVERDUE_WORDS):
        return f"{source} shows its accounts as overdue ({value.strip()})"
    return None


def problem_of(field: str, value: str, source: str) -> str | None:
    """The problem a register value shows, in words, or None."""
    text = value.strip().lower()
    if field in STATUS_FIELDS:
        word = next((word for word in STATUS_WORDS if word in text), None)
        return f"{source} shows it as {value.strip()}" if word else None
    if field in OVERDUE_FIELDS and text and (text in TRUE_WORDS or text[:1].isdigit()):
        return f"{source} shows its accounts as overdue" + (f" (due {value.strip()})" if text[:1].isdigit() else "")
    return _charity_register_problem(field, text, value, source)


def _live(scope: Scope, today: datetime.date) -> tuple[dict[int, list[tuple[int, str]]], dict[int, list[str]]]:
    """Each organisation's live agreements and, read with them, its status on the register when that is a problem."""
    live: dict[int, list[tuple[int, str]]] = defaultdict(list)
    problems: dict[int, list[str]] = defaultdict(list)
    for row in agreements(scope, Q(status__in=LIVE_STATUSES, end_date__gte=today), lambda row: live_on(row, today)):
        live[row.organisation_id].append((row.pk, row.reference))
        status = row.organisation_status
        if status in (OrganisationStatus.DISSOLVED, OrganisationStatus.REMOVED) and row.organisation_id not in problems:
            problems[row.organisation_id].append(f"the register records it as {OrganisationStatus(status).label.lower()}")
    return live, problems


def find(scope: Scope, today: datetime.date) -> list[Finding]:
    live, problems = _live(scope, today)
    if not live:
        return []
    values = RegisterValue.objects.filter(organisation_id__in=list(live), field__in=READ_FIELDS).order_by("field", "source")
    for organisation_id, field, value, source in values.values_list("organisation_id", "field", "value", "source"):
        problem = problem_of(field, value, source)
        if problem:
            problems[organisation_id].append(problem)
    findings = []
    for organisation_id, found in problems.items():
        live_here = live[organisation_id]
        references = ", ".join(reference for _pk, reference in live_here)
        reason = f"While agreement{'s' if len(live_here) > 1 else ''} {references} {'are' if len(live_here) > 1 else 'is'} live, {'; '.join(found)}."
        evidence = [agreement_link(pk, reference) for pk, reference in live_here]
        findings.append(Finding(organisation_id, "register", reason, evidence, facts=[sorted(found), sorted(pk for pk, _r in live_here)]))
    return findings
