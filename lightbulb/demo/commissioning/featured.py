"""The agreements every journey of the demo hangs on: the vcs user's two, and the decommissionings.

Each is drawn like any other agreement, then given fixed terms and a fixed path so the demo's
story (an overdue return, a notice to respond to, a Compact breach…) is there at every scale and seed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from lightbulb.accounts.models import User
from lightbulb.demo import words
from lightbulb.demo.commissioning.common import (
    CLOSED_DECOMMISSIONED,
    DAY,
    DECOMMISSIONED,
    DRAFT_DECOMMISSION,
    SHORT_NOTICE,
    VCS_NOTICE,
    VCS_RETURNS,
    S,
)
from lightbulb.demo.commissioning.planning import AgreementPlanner, Plan, department_of
from lightbulb.funding.models import AgreementKind, PaymentBasis, ProcurementRoute, RiskLevel
from lightbulb.funding.services.returns import add_months
from lightbulb.organisations.models import Contact, Organisation


def featured_plans(planner: AgreementPlanner, today: datetime.date) -> list[Plan]:
    """The agreements every journey of the demo hangs on: the vcs user's, and five decommissionings."""
    rng = planner.rng
    vcs = planner.vcs or planner.funded[0]
    others = [organisation for organisation in planner.funded if organisation.pk != vcs.pk] or [vcs]
    plans = []

    # A live multi-year grant reporting quarterly: one return overdue now, the next due in about two weeks.
    plan = planner.plan(vcs, add_months(today + datetime.timedelta(days=15), -10), kind=AgreementKind.GRANT, service=0)
    _set_terms(plan, months=36, amount=Decimal(45_000), risk=RiskLevel.MEDIUM, every=3, basis=PaymentBasis.ARREARS, officer=planner.officer)
    plan.agreement.long_term_need, plan.agreement.full_cost_recovery = True, True
    plans.append(_feature(plan, VCS_RETURNS, [S.APPROVED, S.AWARDED, S.LIVE]))

    # A second agreement of theirs under notice, the window to respond still open.
    plan = planner.plan(vcs, add_months(today, -20).replace(day=1), kind=AgreementKind.SLA, service=18)
    _set_terms(plan, months=24, amount=Decimal(36_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ARREARS, officer=planner.officer)
    plan.agreement.end_date = add_months(today, 4) + datetime.timedelta(days=10)
    plans.append(_feature(plan, VCS_NOTICE, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW]))

    # Six weeks' notice with no reason recorded: a Compact breach.
    # Its organisation has no e-mail address at all, so its notice is a letter to print and post.
    plan = planner.plan(_unreachable_or(rng.choice(others), others), add_months(today, -15).replace(day=1), kind=AgreementKind.CONTRACT, service=12)
    _set_terms(plan, months=24, amount=Decimal(84_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ARREARS, officer=planner.others[3])
    plan.agreement.end_date = today - datetime.timedelta(days=18)
    plans.append(_feature(plan, SHORT_NOTICE, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW]))

    # Decommissioned last month after proper notice, lessons learned recorded, ten months before its term's end:
    # the later advance payment is cancelled, the later return withdrawn, the return covering the last day cut short.
    plan = planner.plan(rng.choice(others), add_months(today, -26).replace(day=1), kind=AgreementKind.GRANT, service=14)
    _set_terms(plan, months=36, amount=Decimal(27_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ADVANCE, officer=planner.others[4])
    plan.funding_end = today - datetime.timedelta(days=35)
    plans.append(_feature(plan, DECOMMISSIONED, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW, S.DECOMMISSIONED]))

    # One decommissioned and closed well over a year ago, halfway through a reporting period of its third year.
    plan = planner.plan(rng.choice(others), add_months(today, -44).replace(day=1), kind=AgreementKind.CONTRACT, service=10)
    _set_terms(plan, months=36, amount=Decimal(120_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ARREARS, officer=planner.others[0])
    plan.funding_end = add_months(plan.agreement.start_date, 27) - DAY
    plans.append(_feature(plan, CLOSED_DECOMMISSIONED, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW, S.DECOMMISSIONED, S.CLOSED]))

    # Under review, a decommissioning being prepared.
    plan = planner.plan(rng.choice(others), add_months(today, -16).replace(day=1), kind=AgreementKind.SLA, service=16)
    _set_terms(plan, months=24, amount=Decimal(30_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ARREARS, officer=planner.officer)
    plans.append(_feature(plan, DRAFT_DECOMMISSION, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW]))
    return plans


def _unreachable_or(drawn: Organisation, organisations: list[Organisation]) -> Organisation:
    """An organisation with no e-mail address at all (none of its own, no consenting contact with one), else `drawn`.

    `drawn` is still drawn, so the choice leaves the step's random stream as it was.
    """
    if not drawn.email and not _emailed_contacts([drawn.pk]):
        return drawn
    candidates = [organisation for organisation in organisations[:500] if not organisation.email]
    emailed = _emailed_contacts([organisation.pk for organisation in candidates])
    return next((organisation for organisation in candidates if organisation.pk not in emailed), drawn)


def _emailed_contacts(pks: list[int]) -> set[int]:
    """Of these organisations, those with a contact who consented and has an e-mail address."""
    contacts = Contact.objects.filter(organisation_id__in=pks, consent_given_on__isnull=False).exclude(email="")
    return set(contacts.values_list("organisation_id", flat=True))


def _set_terms(plan: Plan, *, months: int, amount: Decimal, risk: str, every: int, basis: str, officer: User) -> None:
    agreement = plan.agreement
    agreement.end_date = add_months(agreement.start_date, months) - DAY
    agreement.amount, agreement.risk_level, agreement.reporting_every_months, agreement.payment_basis = amount, risk, every, basis
    agreement.accountable_officer = officer
    agreement.department = words.DEPARTMENTS[department_of(officer)][0]
    agreement.procurement_route = ProcurementRoute.GRANT_IN_AID if agreement.kind == AgreementKind.SLA else agreement.procurement_route


def _feature(plan: Plan, name: str, path: list[str]) -> Plan:
    plan.feature, plan.path = name, path
    return plan
