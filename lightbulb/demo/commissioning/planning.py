"""Drawing agreements: one at a time (kind, amount, route, term, conditions), and chains of successors."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from lightbulb.accounts.models import User
from lightbulb.core.roles import Role
from lightbulb.demo import words
from lightbulb.demo.commissioning.common import DAY, financial_year_start, money
from lightbulb.demo.rows import batches
from lightbulb.funding.models import (
    Agreement,
    AgreementKind,
    Condition,
    PaymentBasis,
    ProcurementRoute,
    ProportionalityTier,
    RiskLevel,
)
from lightbulb.funding.services.returns import add_months
from lightbulb.organisations.models import IdentifierScheme, Organisation, OrganisationIdentifier, OrganisationStatus

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

# The budget line's suffix by kind of agreement (service-level agreements are the rest).
_BUDGET_SUFFIX: dict[str, str] = {AgreementKind.GRANT: "GRA", AgreementKind.CONTRACT: "CON"}


@dataclass
class Tier:
    """A proportionality tier as the planner needs it: value band, risk, checks, reporting and payment terms."""

    low: Decimal
    high: Decimal | None
    risk: str
    checks: list[str]
    every_months: int
    advance_allowed: bool


@dataclass
class Plan:
    """One agreement as drawn, before it is written, with what later stages decide: its path, dates and successor."""

    agreement: Agreement
    created: datetime.date
    wards: list[int]
    conditions: list[Condition]
    service: int
    path: list[str] = field(default_factory=list)
    when: list[datetime.date] = field(default_factory=list)
    previous: Plan | None = None
    successor: str = ""  # "recommissioned" or "extended" when a later agreement follows this one
    feature: str = ""
    # A decommissioning ended the funding on this day, before the agreed term's end (`agreement.end_date`).
    funding_end: datetime.date | None = None


class AgreementPlanner:
    """Draws agreements for the funded organisations from the step's Random, in a fixed order."""

    def __init__(self, rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
        self.rng, self.scale, self.ctx = rng, scale, ctx
        self.today = ctx.today
        self.window_start = datetime.date(financial_year_start(ctx.today).year - 4, 4, 1)
        self.latest_start = ctx.today + datetime.timedelta(days=240)
        self.officer = ctx.users[Role.OFFICER]
        self.others = ctx.officers
        self.tiers = [
            Tier(tier.min_value, tier.max_value, tier.risk_level, list(tier.required_checks), tier.monitoring_every_months, tier.advance_payment_allowed)
            for tier in ProportionalityTier.objects.order_by("min_value", "pk")
        ]
        active = [organisation for organisation in ctx.sample_organisations if organisation.status == OrganisationStatus.ACTIVE]
        self.funded = rng.sample(active, max(1, round(len(active) * 0.6)))
        self.vcs = ctx.vcs_organisation
        if self.vcs is not None and self.vcs not in self.funded:
            self.funded[0] = self.vcs
        self.registration = self._registration_numbers([organisation.pk for organisation in self.funded])
        self.ward_names = {ward.pk: ward.name for ward in ctx.wards}
        self.plans: list[Plan] = []

    @staticmethod
    def _registration_numbers(pks: list[int]) -> dict[int, str]:
        rank: dict[str, int] = {IdentifierScheme.CHC: 0, IdentifierScheme.COH: 1, IdentifierScheme.MPR: 2}
        best: dict[int, tuple[int, str]] = {}
        for chunk in batches(pks, 900):
            for organisation_id, scheme, value in OrganisationIdentifier.objects.filter(organisation_id__in=chunk).values_list(
                "organisation_id", "scheme", "value"
            ):
                candidate = (rank.get(scheme, 9), value)
                if organisation_id not in best or candidate < best[organisation_id]:
                    best[organisation_id] = candidate
        return {pk: value for pk, (_rank, value) in best.items()}

    def tier(self, amount: Decimal, risk: str) -> Tier | None:
        for tier in self.tiers:
            if tier.risk == risk and tier.low <= amount and (tier.high is None or amount <= tier.high):
                return tier
        return None

    # --- one agreement

    def kind_and_amount(self, kind: str | None = None) -> tuple[str, Decimal]:
        rng = self.rng
        kind = kind or rng.choices((AgreementKind.GRANT, AgreementKind.CONTRACT, AgreementKind.SLA), weights=(58, 24, 18))[0]
        if kind == AgreementKind.GRANT:
            if rng.random() < 0.3:
                return kind, Decimal(rng.choice((500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000)))
            return kind, money(min(150_000, max(5_000, rng.lognormvariate(9.6, 0.9))), 100)
        if kind == AgreementKind.CONTRACT:
            if rng.random() < 0.012:
                return kind, money(rng.uniform(1_000_000, 2_000_000), 5000)
            return kind, money(min(900_000, max(12_000, rng.lognormvariate(11.4, 0.9))), 1000)
        return kind, money(min(400_000, max(6_000, rng.lognormvariate(10.4, 0.7))), 500)

    def route(self, kind: str, amount: Decimal) -> str:
        rng = self.rng
        if kind == AgreementKind.SLA:
            return ProcurementRoute.GRANT_IN_AID
        if kind == AgreementKind.GRANT:
            return ProcurementRoute.GRANT_ROUND if rng.random() < 0.75 else ProcurementRoute.DIRECT_GRANT
        if rng.random() < 0.04:
            return ProcurementRoute.DIRECT_AWARD
        if amount <= 25_000:
            return ProcurementRoute.QUOTATION
        if amount <= 200_000:
            return rng.choice((ProcurementRoute.QUOTATION, ProcurementRoute.OPEN_TENDER, ProcurementRoute.FRAMEWORK))
        return rng.choice((ProcurementRoute.OPEN_TENDER, ProcurementRoute.OPEN_TENDER, ProcurementRoute.FRAMEWORK))

    def months(self, kind: str, amount: Decimal, long_term: bool) -> int:
        rng = self.rng
        if long_term and rng.random() < 0.65:
            return rng.choice((36, 36, 48, 60)) if kind == AgreementKind.CONTRACT else 36
        if kind == AgreementKind.GRANT and amount <= 5_000:
            return rng.choice((6, 9, 12, 12))
        if kind == AgreementKind.CONTRACT:
            return rng.choice((12, 12, 18, 24, 24))
        return rng.choice((12, 12, 24))

    def accountable(self) -> User:
        return self.officer if self.rng.random() < 0.046 else self.rng.choice(self.others)

    def plan(self, organisation: Organisation, start: datetime.date, *, kind: str | None = None, service: int | None = None) -> Plan:
        rng = self.rng
        kind, amount = self.kind_and_amount(kind)
        long_term = rng.random() < (0.2 if kind == AgreementKind.GRANT else 0.45)
        months = self.months(kind, amount, long_term)
        amount = money(float(amount) * max(1, months / 12), 100)
        risk = rng.choices((RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH), weights=(60, 30, 10))[0]
        tier = self.tier(amount, risk)
        basis = self._basis(kind, tier)
        officer = self.accountable()
        service = rng.randrange(len(words.FUNDED_SERVICES)) if service is None else service
        agreement = Agreement(
            title=self._title(service, organisation),
            kind=kind,
            organisation=organisation,
            accountable_officer=officer,
            department=words.DEPARTMENTS[department_of(officer)][0],
            budget_line=self._budget_line(officer, kind),
            purpose=f"{organisation.name} provides {words.FUNDED_SERVICES[service][1]}.",
            amount=amount,
            start_date=start,
            end_date=add_months(start, months) - DAY,
            procurement_route=self.route(kind, amount),
            risk_level=risk,
            payment_basis=basis,
            reporting_every_months=_reporting_every(tier, months),
            recipient_is_vcse=True,
            recipient_is_sme=(organisation.latest_income or 0) < 10_000_000,
            recipient_registration_number=self.registration.get(organisation.pk, ""),
            full_cost_recovery=rng.random() < (0.75 if kind == AgreementKind.CONTRACT else 0.5),
            long_term_need=long_term,
        )
        wards = self._wards(organisation)
        created = start - datetime.timedelta(days=rng.randint(45, 120))
        return Plan(agreement, created, wards, self.conditions(agreement, service, months), service)

    def _title(self, service: int, organisation: Organisation) -> str:
        """The funded service's title, most often naming the organisation's ward."""
        title = words.FUNDED_SERVICES[service][0]
        ward_name = self.ward_names.get(organisation.ward_id or 0, "Anytown")
        return f"{title} – {ward_name}" if self.rng.random() < 0.6 else title

    def _budget_line(self, officer: User, kind: str) -> str:
        """The accountable officer's department code, a cost centre and the kind of spend."""
        code = words.DEPARTMENTS[department_of(officer)][1]
        return f"{code}-{self.rng.randint(1000, 1999)}-{_BUDGET_SUFFIX.get(kind, 'SLA')}"

    def _wards(self, organisation: Organisation) -> list[int]:
        """The organisation's own ward and now and then one or two more."""
        rng = self.rng
        extra = [rng.choice(self.ctx.wards).pk for _ in range(rng.choice((0, 0, 1, 2)))]
        return sorted({pk for pk in (organisation.ward_id, *extra) if pk is not None})

    def _basis(self, kind: str, tier: Tier | None) -> str:
        advance_ok = tier is None or tier.advance_allowed
        if kind == AgreementKind.GRANT and advance_ok:
            return PaymentBasis.ADVANCE
        if kind == AgreementKind.CONTRACT and self.rng.random() < 0.25:
            return PaymentBasis.MILESTONES
        if kind == AgreementKind.SLA and advance_ok and self.rng.random() < 0.5:
            return PaymentBasis.ADVANCE
        return PaymentBasis.ARREARS

    def conditions(self, agreement: Agreement, service: int, months: int) -> list[Condition]:
        rng = self.rng
        _title, _purpose, kpi, output, outcome = words.FUNDED_SERVICES[service]
        scale = max(0.05, float(agreement.amount) / 60_000) if agreement.amount < 60_000 else 1 + (months / 12 - 1) * 0.9
        items = [_measured(Condition.Kind.KPI, kpi, scale)]
        if agreement.amount > 5_000:
            items.append(_measured(Condition.Kind.OUTPUT, output, scale))
            items.append(_measured(Condition.Kind.OUTCOME, outcome, scale))
        items.append(Condition(kind=Condition.Kind.REPORTING, description=rng.choice(words.REPORTING_DUTIES)))
        if agreement.kind != AgreementKind.GRANT or agreement.amount > 25_000:
            items.append(Condition(kind=Condition.Kind.INSURANCE, description=rng.choice(words.INSURANCE_DUTIES)))
        if rng.random() < 0.5:
            items.append(Condition(kind=Condition.Kind.SAFEGUARDING, description=rng.choice(words.SAFEGUARDING_DUTIES)))
        return items

    # --- chains and statuses

    def random_start(self) -> datetime.date:
        span = (self.latest_start - self.window_start).days
        day = self.window_start + datetime.timedelta(days=self.rng.randrange(span))
        # Most agreements start on the 1st, many on 1 April.
        return financial_year_start(day) if self.rng.random() < 0.3 else day.replace(day=1)

    def chains(self, target: int) -> None:
        rng = self.rng
        count = 0
        while len(self.plans) < target:
            organisation = self.funded[count % len(self.funded)] if count < len(self.funded) else rng.choice(self.funded)
            count += 1
            plan = self.plan(organisation, self.random_start())
            self.plans.append(plan)
            while plan.agreement.end_date < self.today + datetime.timedelta(days=120) and rng.random() < 0.6 and len(self.plans) < target:
                plan = self.successor(plan)
                self.plans.append(plan)

    def successor(self, before: Plan) -> Plan:
        rng = self.rng
        old = before.agreement
        start = old.end_date + DAY
        if rng.random() < 0.15:
            # A short extension under a new agreement, for the same work.
            months = rng.choice((3, 6))
            plan = self.plan(old.organisation, start, kind=old.kind, service=before.service)
            new = plan.agreement
            new.title, new.end_date = f"{old.title} (extension)", add_months(start, months) - DAY
            new.amount = max(Decimal(500), (old.amount * months / max(1, (old.end_date - old.start_date).days // 30)).quantize(Decimal(100)))
            new.accountable_officer, new.department, new.budget_line = old.accountable_officer, old.department, old.budget_line
            new.reporting_every_months = min(new.reporting_every_months, months)
            before.successor = "extended"
        else:
            organisation = old.organisation if rng.random() < 0.85 else rng.choice(self.funded)
            plan = self.plan(organisation, start, kind=old.kind, service=before.service)
            before.successor = "recommissioned"
        plan.previous = before
        plan.created = min(plan.created, self.today - datetime.timedelta(days=rng.randint(3, 40)))
        return plan


def department_of(officer: User) -> int:
    """The index in `words.DEPARTMENTS` of an accountable officer's department (the first for the demo officer)."""
    return next((d for n, _j, d in words.COMMISSIONING_OFFICERS if n == officer.full_name), 0)


def _reporting_every(tier: Tier | None, months: int) -> int:
    """Months between returns: the tier's (six without one), never longer than a term of three months or more."""
    every = tier.every_months if tier else 6
    return min(every, months) if months >= 3 else months


def _measured(kind: str, spec: tuple[str, str, int], scale: float) -> Condition:
    description, unit, yearly = spec
    target = Decimal(yearly) if unit == "%" else Decimal(max(1, round(yearly * scale)))
    return Condition(kind=kind, description=description, target=target, unit=unit)
