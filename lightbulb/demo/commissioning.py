"""Anytown's commissioning: agreements over five financial years, their returns, payments and decommissionings.

Each function here is a demo generator step `(rng, scale, ctx)`. Rows are written
with `bulk_create` in batches, as the services would leave them: references
AGR-<year>-NNNN, life-cycle transitions allowed by `funding.lifecycle.ALLOWED`
in date order, due diligence meeting each awarded agreement's tier, returns and
payments on the agreement's own schedule.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from lightbulb.accounts.models import User
from lightbulb.core.roles import Role
from lightbulb.demo import words
from lightbulb.funding.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    AgreementTransition,
    Condition,
    Decommissioning,
    DueDiligenceRecord,
    MonitoringReturn,
    Payment,
    PaymentBasis,
    ProcurementRoute,
    ProportionalityTier,
    ReturnFigure,
    RiskLevel,
)
from lightbulb.funding.services.returns import add_months, reporting_periods, return_due_date
from lightbulb.organisations.models import IdentifierScheme, Organisation, OrganisationIdentifier, OrganisationStatus

if TYPE_CHECKING:
    from lightbulb.demo.generator import DemoContext, Scale

S = AgreementStatus
DAY = datetime.timedelta(days=1)
PENNY = Decimal("0.01")
# Statuses an agreement passes through once it has gone live (it has returns to make and payments due).
WENT_LIVE = frozenset({S.LIVE, S.UNDER_REVIEW, S.EXTENDED, S.RECOMMISSIONED, S.DECOMMISSIONED})

# Featured agreements the demo needs to show every journey (see `_featured`).
VCS_RETURNS = "vcs_returns"
VCS_NOTICE = "vcs_notice"
SHORT_NOTICE = "short_notice"
DECOMMISSIONED = "decommissioned"
CLOSED_DECOMMISSIONED = "closed_decommissioned"
DRAFT_DECOMMISSION = "draft_decommission"


@dataclass
class AgreementInfo:
    """What the later steps need to know of one agreement, without keeping the model in memory."""

    pk: int
    organisation_id: int
    officer_id: int
    kind: str
    start: datetime.date
    end: datetime.date
    status: str
    every_months: int
    basis: str
    amount: Decimal
    went_live: bool
    awarded: bool
    # (condition pk, target, unit) of the KPIs, outputs and outcomes a return reports against.
    measured: list[tuple[int, Decimal, str]] = field(default_factory=list)
    feature: str = ""


@dataclass
class _Tier:
    low: Decimal
    high: Decimal | None
    risk: str
    checks: list[str]
    every_months: int
    advance_allowed: bool


@dataclass
class _Plan:
    agreement: Agreement
    created: datetime.date
    wards: list[int]
    conditions: list[Condition]
    service: int
    path: list[str] = field(default_factory=list)
    when: list[datetime.date] = field(default_factory=list)
    previous: _Plan | None = None
    successor: str = ""  # "recommissioned" or "extended" when a later agreement follows this one
    feature: str = ""


@contextlib.contextmanager
def dated(model: type[models.Model], *names: str) -> Iterator[None]:
    """Let bulk_create keep the dates the demo gives, which `auto_now`/`auto_now_add` would stamp with today."""
    fields = [cast(Any, model._meta.get_field(name)) for name in names]
    saved = [(item.auto_now, item.auto_now_add) for item in fields]
    for item in fields:
        item.auto_now = item.auto_now_add = False
    try:
        yield
    finally:
        for item, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            item.auto_now, item.auto_now_add = auto_now, auto_now_add


def at(day: datetime.date, minute: int = 0) -> datetime.datetime:
    """A working-hours moment on `day` (minutes after 9am keep same-day steps in order)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)) + datetime.timedelta(minutes=minute))


def financial_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _money(value: float, step: int) -> Decimal:
    return Decimal(max(step, int(value // step) * step))


def split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` equal instalments, the pennies left over on the last (as the payment schedule does)."""
    each = (total / parts).quantize(PENNY, rounding=ROUND_DOWN)
    return [each] * (parts - 1) + [total - each * (parts - 1)]


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- officers


def _seed_officers(ctx: DemoContext) -> list[User]:
    """Accountable officers besides the demo officer; they exist to own agreements and cannot sign in."""
    unusable = make_password(None)
    officers = []
    for name, job_title, department in words.COMMISSIONING_OFFICERS:
        first, last = name.split()
        officers.append(
            User(
                email=f"{first.lower()}.{last.lower()}@anytown.example",
                full_name=name,
                role=Role.OFFICER,
                job_title=job_title,
                service_area=words.DEPARTMENTS[department][0],
                password=unusable,
            )
        )
    return User.objects.bulk_create(officers)


# ---------------------------------------------------------------- planning agreements


class _AgreementPlanner:
    def __init__(self, rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
        self.rng, self.scale, self.ctx = rng, scale, ctx
        self.today = ctx.today
        self.window_start = datetime.date(financial_year_start(ctx.today).year - 4, 4, 1)
        self.latest_start = ctx.today + datetime.timedelta(days=240)
        self.officer = ctx.users[Role.OFFICER]
        self.others = ctx.officers
        self.tiers = [
            _Tier(tier.min_value, tier.max_value, tier.risk_level, list(tier.required_checks), tier.monitoring_every_months, tier.advance_payment_allowed)
            for tier in ProportionalityTier.objects.order_by("min_value", "pk")
        ]
        active = [organisation for organisation in ctx.sample_organisations if organisation.status == OrganisationStatus.ACTIVE]
        self.funded = rng.sample(active, max(1, round(len(active) * 0.6)))
        self.vcs = ctx.vcs_organisation
        if self.vcs is not None and self.vcs not in self.funded:
            self.funded[0] = self.vcs
        self.registration = self._registration_numbers([organisation.pk for organisation in self.funded])
        self.ward_names = {ward.pk: ward.name for ward in ctx.wards}
        self.plans: list[_Plan] = []

    @staticmethod
    def _registration_numbers(pks: list[int]) -> dict[int, str]:
        rank: dict[str, int] = {IdentifierScheme.CHC: 0, IdentifierScheme.COH: 1, IdentifierScheme.MPR: 2}
        best: dict[int, tuple[int, str]] = {}
        for chunk in _batches(pks, 900):
            for organisation_id, scheme, value in OrganisationIdentifier.objects.filter(organisation_id__in=chunk).values_list(
                "organisation_id", "scheme", "value"
            ):
                candidate = (rank.get(scheme, 9), value)
                if organisation_id not in best or candidate < best[organisation_id]:
                    best[organisation_id] = candidate
        return {pk: value for pk, (_rank, value) in best.items()}

    def tier(self, amount: Decimal, risk: str) -> _Tier | None:
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
            return kind, _money(min(150_000, max(5_000, rng.lognormvariate(9.6, 0.9))), 100)
        if kind == AgreementKind.CONTRACT:
            if rng.random() < 0.012:
                return kind, _money(rng.uniform(1_000_000, 2_000_000), 5000)
            return kind, _money(min(900_000, max(12_000, rng.lognormvariate(11.4, 0.9))), 1000)
        return kind, _money(min(400_000, max(6_000, rng.lognormvariate(10.4, 0.7))), 500)

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

    def plan(self, organisation: Organisation, start: datetime.date, *, kind: str | None = None, service: int | None = None) -> _Plan:
        rng = self.rng
        kind, amount = self.kind_and_amount(kind)
        long_term = rng.random() < (0.2 if kind == AgreementKind.GRANT else 0.45)
        months = self.months(kind, amount, long_term)
        amount = _money(float(amount) * max(1, months / 12), 100)
        risk = rng.choices((RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH), weights=(60, 30, 10))[0]
        tier = self.tier(amount, risk)
        every = tier.every_months if tier else 6
        every = min(every, months) if months >= 3 else months
        basis = self._basis(kind, tier)
        officer = self.accountable()
        service = rng.randrange(len(words.FUNDED_SERVICES)) if service is None else service
        title, purpose = words.FUNDED_SERVICES[service][:2]
        ward_name = self.ward_names.get(organisation.ward_id or 0, "Anytown")
        department, code = words.DEPARTMENTS[next((d for n, _j, d in words.COMMISSIONING_OFFICERS if n == officer.full_name), 0)]
        agreement = Agreement(
            title=f"{title} – {ward_name}" if rng.random() < 0.6 else title,
            kind=kind,
            organisation=organisation,
            accountable_officer=officer,
            department=department,
            budget_line=f"{code}-{rng.randint(1000, 1999)}-{'GRA' if kind == AgreementKind.GRANT else 'CON' if kind == AgreementKind.CONTRACT else 'SLA'}",
            purpose=f"{organisation.name} provides {purpose}.",
            amount=amount,
            start_date=start,
            end_date=add_months(start, months) - DAY,
            procurement_route=self.route(kind, amount),
            risk_level=risk,
            payment_basis=basis,
            reporting_every_months=every,
            recipient_is_vcse=True,
            recipient_is_sme=(organisation.latest_income or 0) < 10_000_000,
            recipient_registration_number=self.registration.get(organisation.pk, ""),
            full_cost_recovery=rng.random() < (0.75 if kind == AgreementKind.CONTRACT else 0.5),
            long_term_need=long_term,
        )
        extra = [rng.choice(self.ctx.wards).pk for _ in range(rng.choice((0, 0, 1, 2)))]
        wards = sorted({pk for pk in (organisation.ward_id, *extra) if pk is not None})
        created = start - datetime.timedelta(days=rng.randint(45, 120))
        return _Plan(agreement, created, wards, self.conditions(agreement, service, months), service)

    def _basis(self, kind: str, tier: _Tier | None) -> str:
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

    def successor(self, before: _Plan) -> _Plan:
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


def _measured(kind: str, spec: tuple[str, str, int], scale: float) -> Condition:
    description, unit, yearly = spec
    target = Decimal(yearly) if unit == "%" else Decimal(max(1, round(yearly * scale)))
    return Condition(kind=kind, description=description, target=target, unit=unit)


def _path(plan: _Plan, today: datetime.date, rng: random.Random) -> list[str]:
    """Statuses after `planned`, in order, for an agreement with these dates and this successor."""
    agreement = plan.agreement
    start, end = agreement.start_date, agreement.end_date
    roll = rng.random()
    if start > today:
        return [] if roll < 0.35 else [S.APPROVED] if roll < 0.65 else [S.APPROVED, S.AWARDED]
    began: list[str] = [S.APPROVED, S.AWARDED, S.LIVE]
    closed: list[str] = [S.CLOSED] if end < today - datetime.timedelta(days=20) else []
    if plan.successor:
        return [*began, S.UNDER_REVIEW, plan.successor, *(closed if end < today else [])]
    if end < today:
        if roll < 0.04:
            return [S.APPROVED, S.CLOSED] if roll < 0.02 else [S.CLOSED]
        return [*began, S.UNDER_REVIEW, S.EXTENDED, *closed]
    if end < add_months(today, 6):
        return [*began, *([S.UNDER_REVIEW] if roll < 0.45 else [S.UNDER_REVIEW, S.EXTENDED] if roll < 0.65 else [])]
    return [*began, *([S.UNDER_REVIEW, S.EXTENDED] if roll < 0.05 else [S.UNDER_REVIEW] if roll < 0.08 else [])]


def _cover_every_status(plans: list[_Plan], today: datetime.date) -> None:
    """Make sure a small council still shows each status: move an agreement from the commonest one if one is missing."""
    began: list[str] = [S.APPROVED, S.AWARDED, S.LIVE]
    future = [plan for plan in plans if plan.agreement.start_date > today]
    current = [plan for plan in plans if plan.agreement.start_date <= today <= plan.agreement.end_date and not plan.successor]
    options: list[tuple[list[_Plan], list[list[str]]]] = [
        (future, [[], [S.APPROVED], [S.APPROVED, S.AWARDED]]),
        (current, [began, [*began, S.UNDER_REVIEW], [*began, S.UNDER_REVIEW, S.EXTENDED]]),
    ]
    for group, paths in options:
        for path in paths:
            if any(plan.path == path for plan in group):
                continue
            donors = max(paths, key=lambda other: sum(1 for plan in group if plan.path == other))
            donor = next((plan for plan in group if plan.path == donors), None)
            if donor is not None and sum(1 for plan in group if plan.path == donors) > 1:
                donor.path = list(path)


def _path_dates(plan: _Plan, today: datetime.date, rng: random.Random) -> list[datetime.date]:
    """When each step of the path happened: increasing, none after today."""
    agreement = plan.agreement
    start, end = agreement.start_date, agreement.end_date
    wanted = {
        S.APPROVED: start - datetime.timedelta(days=rng.randint(30, 60)),
        S.AWARDED: start - datetime.timedelta(days=rng.randint(5, 28)),
        S.LIVE: start,
        S.UNDER_REVIEW: max(start + datetime.timedelta(days=20), add_months(end, -6) + datetime.timedelta(days=rng.randint(0, 40))),
        S.EXTENDED: max(start + datetime.timedelta(days=40), add_months(end, -3) + datetime.timedelta(days=rng.randint(0, 30))),
        S.RECOMMISSIONED: max(start + datetime.timedelta(days=40), add_months(end, -3) + datetime.timedelta(days=rng.randint(0, 30))),
        S.DECOMMISSIONED: end,
        S.CLOSED: end + datetime.timedelta(days=rng.randint(5, 20)),
    }
    dates: list[datetime.date] = []
    last = plan.created
    for status in plan.path:
        day = wanted[S(status)]
        if status == S.CLOSED and S.LIVE not in plan.path:
            day = last + datetime.timedelta(days=rng.randint(10, 40))  # withdrawn before it started
        day = min(max(day, last), today)
        dates.append(day)
        last = day
    return dates


def _featured(planner: _AgreementPlanner, today: datetime.date) -> list[_Plan]:
    """The agreements every journey of the demo hangs on: the vcs user's, and five decommissionings."""
    rng = planner.rng
    vcs = planner.vcs or planner.funded[0]
    others = [organisation for organisation in planner.funded if organisation.pk != vcs.pk] or [vcs]
    plans = []

    # A live multi-year grant reporting quarterly: one return overdue now, the next due in about two weeks.
    plan = planner.plan(vcs, add_months(today + datetime.timedelta(days=15), -10), kind=AgreementKind.GRANT, service=0)
    _set(plan, months=36, amount=Decimal(45_000), risk=RiskLevel.MEDIUM, every=3, basis=PaymentBasis.ARREARS, officer=planner.officer)
    plan.agreement.long_term_need, plan.agreement.full_cost_recovery = True, True
    plans.append(_feature(plan, VCS_RETURNS, [S.APPROVED, S.AWARDED, S.LIVE]))

    # A second agreement of theirs under notice, the window to respond still open.
    plan = planner.plan(vcs, add_months(today, -20).replace(day=1), kind=AgreementKind.SLA, service=18)
    _set(plan, months=24, amount=Decimal(36_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ARREARS, officer=planner.officer)
    plan.agreement.end_date = add_months(today, 4) + datetime.timedelta(days=10)
    plans.append(_feature(plan, VCS_NOTICE, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW]))

    # Six weeks' notice with no reason recorded: a Compact breach.
    plan = planner.plan(rng.choice(others), add_months(today, -15).replace(day=1), kind=AgreementKind.CONTRACT, service=12)
    _set(plan, months=24, amount=Decimal(84_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ARREARS, officer=planner.others[3])
    plan.agreement.end_date = today - datetime.timedelta(days=18)
    plans.append(_feature(plan, SHORT_NOTICE, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW]))

    # Decommissioned last month after proper notice, lessons learned recorded.
    plan = planner.plan(rng.choice(others), add_months(today, -26).replace(day=1), kind=AgreementKind.GRANT, service=14)
    _set(plan, months=36, amount=Decimal(27_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ADVANCE, officer=planner.others[4])
    plan.agreement.end_date = today - datetime.timedelta(days=35)
    plans.append(_feature(plan, DECOMMISSIONED, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW, S.DECOMMISSIONED]))

    # One decommissioned and closed well over a year ago.
    plan = planner.plan(rng.choice(others), add_months(today, -44).replace(day=1), kind=AgreementKind.CONTRACT, service=10)
    _set(plan, months=36, amount=Decimal(120_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ARREARS, officer=planner.others[0])
    plan.agreement.end_date = add_months(today, -20)
    plans.append(_feature(plan, CLOSED_DECOMMISSIONED, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW, S.DECOMMISSIONED, S.CLOSED]))

    # Under review, a decommissioning being prepared.
    plan = planner.plan(rng.choice(others), add_months(today, -16).replace(day=1), kind=AgreementKind.SLA, service=16)
    _set(plan, months=24, amount=Decimal(30_000), risk=RiskLevel.LOW, every=6, basis=PaymentBasis.ARREARS, officer=planner.officer)
    plans.append(_feature(plan, DRAFT_DECOMMISSION, [S.APPROVED, S.AWARDED, S.LIVE, S.UNDER_REVIEW]))
    return plans


def _set(plan: _Plan, *, months: int, amount: Decimal, risk: str, every: int, basis: str, officer: User) -> None:
    agreement = plan.agreement
    agreement.end_date = add_months(agreement.start_date, months) - DAY
    agreement.amount, agreement.risk_level, agreement.reporting_every_months, agreement.payment_basis = amount, risk, every, basis
    agreement.accountable_officer = officer
    department = next((d for n, _j, d in words.COMMISSIONING_OFFICERS if n == officer.full_name), 0)
    agreement.department = words.DEPARTMENTS[department][0]
    agreement.procurement_route = ProcurementRoute.GRANT_IN_AID if agreement.kind == AgreementKind.SLA else agreement.procurement_route


def _feature(plan: _Plan, name: str, path: list[str]) -> _Plan:
    plan.feature, plan.path = name, path
    return plan


# ---------------------------------------------------------------- writing agreements


def _references(plans: list[_Plan]) -> None:
    """AGR-<year>-NNNN in the order agreements were entered, the year being the year each was entered."""
    counters: dict[int, int] = {}
    for plan in sorted(plans, key=lambda item: (item.created, item.agreement.start_date)):
        year = plan.created.year
        counters[year] = counters.get(year, 0) + 1
        plan.agreement.reference = f"AGR-{year}-{counters[year]:04d}"


def _write_agreements(plans: list[_Plan], planner: _AgreementPlanner, ctx: DemoContext, rng: random.Random) -> None:
    size = ctx.scale.batch_size
    for plan in plans:
        agreement = plan.agreement
        agreement.status = plan.path[-1] if plan.path else S.PLANNED
        agreement.created_at = at(plan.created)
        agreement.updated_at = at(plan.when[-1] if plan.when else plan.created, 30)
    with dated(Agreement, "created_at", "updated_at"):
        for batch in _batches(plans, size):
            Agreement.objects.bulk_create([plan.agreement for plan in batch])
    linked = []
    for plan in plans:
        if plan.previous is not None:
            plan.agreement.previous_id = plan.previous.agreement.pk
            linked.append(plan.agreement)
    Agreement.objects.bulk_update(linked, ["previous"], batch_size=500)
    wards_model = Agreement.wards.through
    for batch in _batches(plans, size):
        wards_model.objects.bulk_create([wards_model(agreement_id=plan.agreement.pk, ward_id=ward) for plan in batch for ward in plan.wards])
        _write_transitions(batch, rng)
        _write_conditions(batch)
        _write_due_diligence(batch, planner, rng)


def _write_transitions(plans: list[_Plan], rng: random.Random) -> None:
    rows = []
    for plan in plans:
        before: str = S.PLANNED
        for step, (status, day) in enumerate(zip(plan.path, plan.when, strict=True)):
            key = "withdrawn" if status == S.CLOSED and S.LIVE not in plan.path else status
            rows.append(
                AgreementTransition(
                    agreement=plan.agreement,
                    from_status=before,
                    to_status=status,
                    by=plan.agreement.accountable_officer,
                    at=at(day, step),
                    reason=rng.choice(words.TRANSITION_REASONS[key]),
                )
            )
            before = status
    with dated(AgreementTransition, "at"):
        AgreementTransition.objects.bulk_create(rows)


def _write_conditions(plans: list[_Plan]) -> None:
    rows = []
    for plan in plans:
        for condition in plan.conditions:
            condition.agreement = plan.agreement
            rows.append(condition)
    Condition.objects.bulk_create(rows)


def _write_due_diligence(plans: list[_Plan], planner: _AgreementPlanner, rng: random.Random) -> None:
    """Every check the tier asks for, done before the award (so every award-or-later agreement meets its tier)."""
    rows = []
    for plan in plans:
        if S.AWARDED not in plan.path:
            continue
        agreement = plan.agreement
        tier = planner.tier(agreement.amount, agreement.risk_level)
        award = plan.when[plan.path.index(S.AWARDED)]
        for check in tier.checks if tier else []:
            rows.append(
                DueDiligenceRecord(
                    agreement=agreement,
                    check_code=check,
                    completed_by=agreement.accountable_officer,
                    completed_on=award - datetime.timedelta(days=rng.randint(1, 25)),
                    note="" if rng.random() < 0.7 else "Seen and filed",
                )
            )
    DueDiligenceRecord.objects.bulk_create(rows)


def seed_agreements(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """About 1,500 agreements over five financial years (at council scale), in every status of the life-cycle."""
    if not scale.agreements or not ctx.sample_organisations:
        return
    ctx.officers = _seed_officers(ctx)
    planner = _AgreementPlanner(rng, scale, ctx)
    featured = _featured(planner, ctx.today)
    planner.chains(max(0, scale.agreements - len(featured)))
    plans = featured + planner.plans
    for plan in plans:
        if not plan.feature:
            plan.path = _path(plan, ctx.today, rng)
    _cover_every_status(planner.plans, ctx.today)
    for plan in plans:
        plan.when = _path_dates(plan, ctx.today, rng)
    _references(plans)
    _write_agreements(plans, planner, ctx, rng)
    ctx.agreements = [_info(plan) for plan in plans]


def _info(plan: _Plan) -> AgreementInfo:
    agreement = plan.agreement
    return AgreementInfo(
        pk=agreement.pk,
        organisation_id=agreement.organisation_id,
        officer_id=agreement.accountable_officer_id,
        kind=agreement.kind,
        start=agreement.start_date,
        end=agreement.end_date,
        status=agreement.status,
        every_months=agreement.reporting_every_months,
        basis=agreement.payment_basis,
        amount=agreement.amount,
        went_live=S.LIVE in plan.path,
        awarded=S.AWARDED in plan.path,
        measured=[(condition.pk, condition.target, condition.unit) for condition in plan.conditions if condition.target is not None],
        feature=plan.feature,
    )


# ---------------------------------------------------------------- returns and payments

RS = MonitoringReturn.Status
PS = Payment.Status
STILL_RUNNING = frozenset({S.LIVE, S.UNDER_REVIEW, S.EXTENDED, S.RECOMMISSIONED})


@dataclass
class _ReturnContext:
    rng: random.Random
    today: datetime.date
    officer_id: int
    vcs_organisation_id: int
    vcs_user_id: int | None


def _return_status(info: AgreementInfo, due: datetime.date, rc: _ReturnContext, latest: bool) -> str:
    """`latest`: this is the agreement's most recent return already due."""
    today, rng = rc.today, rc.rng
    if due > today:
        return RS.DUE
    if info.feature == VCS_RETURNS:
        # The latest return is overdue; the ones before were accepted.
        return RS.DUE if latest else RS.ACCEPTED
    if info.status not in STILL_RUNNING or due < today - datetime.timedelta(days=120):
        return RS.ACCEPTED
    roll = rng.random()
    # The demo officer's dashboard shows several overdue returns: the latest one on some of their agreements.
    overdue = (0.35 if latest else 0.0) if info.officer_id == rc.officer_id else 0.045
    if roll < overdue:
        return RS.DUE
    if roll < overdue + 0.025:
        return RS.QUERIED
    if roll < overdue + 0.2 and due >= today - datetime.timedelta(days=60):
        return RS.SUBMITTED
    return RS.ACCEPTED


def _figure_value(target: Decimal, unit: str, every_months: int, rng: random.Random) -> Decimal:
    if unit == "%":
        return Decimal(min(100, max(0, int(target) + rng.randint(-15, 12))))
    return Decimal(max(0, round(float(target) * every_months / 12 * rng.uniform(0.6, 1.3))))


def _returns_for(info: AgreementInfo, rc: _ReturnContext) -> list[tuple[MonitoringReturn, list[ReturnFigure]]]:
    rng, today = rc.rng, rc.today
    periods = reporting_periods(info.start, info.end, info.every_months)
    dues = [return_due_date(end) for _start, end in periods]
    last_past = max((index for index, due in enumerate(dues) if due <= today), default=-1)
    rows = []
    for index, ((start, end), due) in enumerate(zip(periods, dues, strict=True)):
        status = _return_status(info, due, rc, latest=index == last_past)
        item = MonitoringReturn(agreement_id=info.pk, period_start=start, period_end=end, due_date=due, status=status, created_at=at(info.start))
        item.updated_at = item.created_at
        figures: list[ReturnFigure] = []
        if status != RS.DUE:
            submitted = min(today, max(end + DAY, due + datetime.timedelta(days=rng.randint(-20, 0) if rng.random() < 0.8 else rng.randint(1, 20))))
            item.submitted_at = at(submitted, rng.randint(0, 400))
            item.submitted_by_id = rc.vcs_user_id if info.organisation_id == rc.vcs_organisation_id and rc.vcs_user_id else info.officer_id
            item.narrative = rng.choice(words.RETURN_NARRATIVES)
            item.updated_at = item.submitted_at
            figures = [
                ReturnFigure(condition_id=pk, value=_figure_value(target, unit, info.every_months, rng), comment="") for pk, target, unit in info.measured
            ]
        if status in (RS.ACCEPTED, RS.QUERIED):
            reviewed = min(today, submitted + datetime.timedelta(days=rng.randint(2, 20)))
            item.reviewed_at, item.reviewed_by_id = at(reviewed, 480), info.officer_id
            item.review_note = rng.choice(words.QUERY_NOTES) if status == RS.QUERIED else ("" if rng.random() < 0.7 else "Thank you: a clear return.")
            item.updated_at = item.reviewed_at
        rows.append((item, figures))
    return rows


def _schedule(info: AgreementInfo) -> list[tuple[datetime.date, Decimal, str]]:
    """(due date, amount, milestone) as the payment schedule makes them (milestones as an officer would enter them)."""
    if info.basis == PaymentBasis.MILESTONES:
        first, rest = split(info.amount * Decimal("0.2"), 1)[0].quantize(PENNY), split(info.amount * Decimal("0.8"), 2)
        rest[-1] = info.amount - first - rest[0]
        middle = info.start + (info.end - info.start) / 2
        return [
            (add_months(info.start, 1), first, "Service mobilised and staff in post"),
            (middle, rest[0], "Mid-term report accepted"),
            (info.end, rest[1], "Final report and evaluation accepted"),
        ]
    periods = reporting_periods(info.start, info.end, info.every_months)
    advance = info.basis == PaymentBasis.ADVANCE
    return [(start if advance else end, amount, "") for (start, end), amount in zip(periods, split(info.amount, len(periods)), strict=True)]


def _payments_for(info: AgreementInfo, rc: _ReturnContext, claw_back: bool) -> list[Payment]:
    rng, today = rc.rng, rc.today
    rows = []
    for due, amount, milestone in _schedule(info):
        payment = Payment(agreement_id=info.pk, due_date=due, amount=amount, basis=info.basis, milestone=milestone, created_at=at(info.start - 7 * DAY))
        payment.updated_at = payment.created_at
        if due <= today and info.went_live:
            invoice = None if info.basis == PaymentBasis.ADVANCE else due + datetime.timedelta(days=rng.randint(0, 10))
            paid = (invoice or due) + datetime.timedelta(days=rng.randint(31, 70) if rng.random() < 0.05 else rng.randint(2, 28))
            payment.invoice_received_on = invoice if invoice and invoice <= today else None
            if paid <= today:
                payment.status, payment.paid_on, payment.updated_at = PS.PAID, paid, at(paid)
        rows.append(payment)
    waiting = [payment for payment in rows if payment.status == PS.SCHEDULED and payment.due_date <= today + datetime.timedelta(days=30)]
    if waiting and info.status in STILL_RUNNING and (info.feature == VCS_RETURNS or rng.random() < 0.03):
        held = waiting[0]
        held.status = PS.HELD
        held.reason = words.HOLD_REASONS[0] if info.feature == VCS_RETURNS else rng.choice(words.HOLD_REASONS)
    made = [payment for payment in rows if payment.status == PS.PAID]
    if claw_back and made:
        payment = made[-1]
        payment.status = PS.CLAWED_BACK
        payment.clawed_back_amount = (payment.amount * Decimal(rng.randint(10, 30)) / 100).quantize(PENNY)
        payment.reason = rng.choice(words.CLAWBACK_REASONS)
    return rows


def seed_returns_and_payments(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """Monitoring returns on each agreement's reporting schedule, and its payments, in the states time has left them."""
    if not ctx.agreements:
        return
    vcs_user = ctx.users.get(Role.VCS)
    rc = _ReturnContext(rng, ctx.today, ctx.users[Role.OFFICER].pk, ctx.vcs_organisation.pk if ctx.vcs_organisation else 0, vcs_user.pk if vcs_user else None)
    closed = [info.pk for info in ctx.agreements if info.status == S.CLOSED and info.went_live and not info.feature]
    claw_back = set(rng.sample(closed, min(2, len(closed))))
    for chunk in _batches(ctx.agreements, 1000):
        returns: list[tuple[MonitoringReturn, list[ReturnFigure]]] = []
        payments: list[Payment] = []
        for info in chunk:
            if info.went_live:
                returns.extend(_returns_for(info, rc))
            if info.awarded:
                payments.extend(_payments_for(info, rc, info.pk in claw_back))
        with dated(MonitoringReturn, "created_at", "updated_at"):
            MonitoringReturn.objects.bulk_create([item for item, _figures in returns], batch_size=ctx.scale.batch_size)
        figures = []
        for item, rows in returns:
            for figure in rows:
                figure.monitoring_return = item
                figures.append(figure)
        ReturnFigure.objects.bulk_create(figures, batch_size=ctx.scale.batch_size)
        with dated(Payment, "created_at", "updated_at"):
            Payment.objects.bulk_create(payments, batch_size=ctx.scale.batch_size)


# ---------------------------------------------------------------- decommissioning

_IMPACT = {
    "impact_service_users": "Around {users} people use the service each year; most live in the two most deprived wards it covers.",
    "impact_volunteers": "{volunteers} volunteers give time each week; the organisation will offer them roles in its other projects.",
    "impact_staff": "Two part-time posts are funded by this agreement and are at risk.",
    "impact_equality_groups": "Older and disabled residents are over-represented among users; the equality impact assessment is attached to the file.",
    "alternative_providers": "The library outreach team and two neighbouring community centres run similar sessions and have capacity.",
    "mitigations": "Users will be referred on with a warm handover; a small transition grant covers the last quarter's running costs.",
    "exit_plan": "Stop taking new referrals eight weeks before the end; hand over case records securely; final monitoring return and report due one month after the end.",
}


def _decommissioning(info: AgreementInfo, prepared_by_id: int, rng: random.Random, **values: Any) -> Decommissioning:
    texts = {name: text.format(users=rng.randint(80, 400), volunteers=rng.randint(4, 25)) for name, text in _IMPACT.items()}
    item = Decommissioning(
        agreement_id=info.pk,
        prepared_by_id=prepared_by_id,
        reasons="The council's budget for this service has been cut and the need is now met by the integrated neighbourhood service.",
        funding_end_date=info.end,
        **texts,
    )
    for name, value in values.items():
        setattr(item, name, value)
    return item


def seed_decommissioning(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """Decommissionings at every stage: prepared, notice open to a response, short notice without a reason, complete."""
    featured = {info.feature: info for info in ctx.agreements if info.feature}
    if not featured:
        return
    today = ctx.today
    considered = "The response was discussed with the head of service; the timetable was kept but the transition grant was increased."
    rows = []
    info = featured[DRAFT_DECOMMISSION]
    rows.append((_decommissioning(info, info.officer_id, rng, stage=Decommissioning.Stage.DRAFT), today - 6 * DAY))
    info = featured[VCS_NOTICE]
    notice = today - 10 * DAY
    rows.append(
        (
            _decommissioning(info, info.officer_id, rng, stage=Decommissioning.Stage.NOTICE_ISSUED, notice_date=notice, response_due_date=notice + 28 * DAY),
            notice,
        )
    )
    info = featured[SHORT_NOTICE]
    notice = info.end - 42 * DAY
    rows.append(
        (
            _decommissioning(
                info,
                info.officer_id,
                rng,
                stage=Decommissioning.Stage.RESPONSE_CONSIDERED,
                notice_date=notice,
                response_due_date=notice + 21 * DAY,
                organisation_response="Six weeks is not enough time to find other funding or to tell the families we support. We ask for three months.",
                responded_at=at(notice + 12 * DAY),
                response_consideration=considered,
            ),
            notice,
        )
    )
    for name, months, response in ((DECOMMISSIONED, 4, True), (CLOSED_DECOMMISSIONED, 3, False)):
        info = featured[name]
        notice = add_months(info.end, -months) - 7 * DAY
        rows.append(
            (
                _decommissioning(
                    info,
                    info.officer_id,
                    rng,
                    stage=Decommissioning.Stage.COMPLETE,
                    notice_date=notice,
                    response_due_date=notice + 28 * DAY,
                    organisation_response="We understand the decision and will work with you on the exit plan." if response else "",
                    responded_at=at(notice + 20 * DAY) if response else None,
                    response_consideration=considered if response else "No response came within the 28 days; the exit plan went ahead as written.",
                    lessons_learned="Start the conversation about the end of funding a year ahead, and plan the handover of users with the organisation from the start.",
                ),
                notice,
            )
        )
    for item, created in rows:
        item.created_at = at(created - 14 * DAY)
        item.updated_at = at(created)
    with dated(Decommissioning, "created_at", "updated_at"):
        Decommissioning.objects.bulk_create([item for item, _created in rows])
