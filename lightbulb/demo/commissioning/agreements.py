"""The `seed_agreements` step: about 1,500 agreements with their wards, history, conditions and due diligence."""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password

from lightbulb.accounts.models import User
from lightbulb.core.roles import Role
from lightbulb.demo import words
from lightbulb.demo.commissioning.common import AgreementInfo, S
from lightbulb.demo.commissioning.featured import featured_plans
from lightbulb.demo.commissioning.lifecycle import cover_every_status, path_dates, status_path
from lightbulb.demo.commissioning.planning import AgreementPlanner, Plan
from lightbulb.demo.rows import at, batches, dated
from lightbulb.funding.models import Agreement, AgreementTransition, Condition, DueDiligenceRecord

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale


def seed_agreements(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """About 1,500 agreements over five financial years (at council scale), in every status of the life-cycle."""
    if not scale.agreements or not ctx.sample_organisations:
        return
    ctx.officers = _seed_officers(ctx)
    planner = AgreementPlanner(rng, scale, ctx)
    featured = featured_plans(planner, ctx.today)
    planner.chains(max(0, scale.agreements - len(featured)))
    plans = featured + planner.plans
    for plan in plans:
        if not plan.feature:
            plan.path = status_path(plan, ctx.today, rng)
    cover_every_status(planner.plans, ctx.today)
    for plan in plans:
        plan.when = path_dates(plan, ctx.today, rng)
    _references(plans)
    _write_agreements(plans, planner, ctx, rng)
    ctx.agreements = [_info(plan) for plan in plans]


def _info(plan: Plan) -> AgreementInfo:
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
        funding_end=plan.funding_end,
    )


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


def _references(plans: list[Plan]) -> None:
    """AGR-<year>-NNNN in the order agreements were entered, the year being the year each was entered."""
    counters: dict[int, int] = {}
    for plan in sorted(plans, key=lambda item: (item.created, item.agreement.start_date)):
        year = plan.created.year
        counters[year] = counters.get(year, 0) + 1
        plan.agreement.reference = f"AGR-{year}-{counters[year]:04d}"


def _write_agreements(plans: list[Plan], planner: AgreementPlanner, ctx: DemoContext, rng: random.Random) -> None:
    size = ctx.scale.batch_size
    for plan in plans:
        agreement = plan.agreement
        agreement.status = plan.path[-1] if plan.path else S.PLANNED
        agreement.created_at = at(plan.created)
        agreement.updated_at = at(plan.when[-1] if plan.when else plan.created, 30)
    with dated(Agreement, "created_at", "updated_at"):
        for batch in batches(plans, size):
            Agreement.objects.bulk_create([plan.agreement for plan in batch])
    linked = []
    for plan in plans:
        if plan.previous is not None:
            plan.agreement.previous_id = plan.previous.agreement.pk
            linked.append(plan.agreement)
    Agreement.objects.bulk_update(linked, ["previous"], batch_size=500)
    wards_model = Agreement.wards.through
    for batch in batches(plans, size):
        wards_model.objects.bulk_create([wards_model(agreement_id=plan.agreement.pk, ward_id=ward) for plan in batch for ward in plan.wards])
        _write_transitions(batch, rng)
        _write_conditions(batch)
        _write_due_diligence(batch, planner, rng)


def _write_transitions(plans: list[Plan], rng: random.Random) -> None:
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


def _write_conditions(plans: list[Plan]) -> None:
    rows = []
    for plan in plans:
        for condition in plan.conditions:
            condition.agreement = plan.agreement
            rows.append(condition)
    Condition.objects.bulk_create(rows)


def _write_due_diligence(plans: list[Plan], planner: AgreementPlanner, rng: random.Random) -> None:
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
