"""The `seed_returns_and_payments` step: each agreement's monitoring returns and payments, written in batches."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from lightbulb.core.roles import Role
from lightbulb.demo.commissioning.common import AgreementInfo, MonitoringContext, S
from lightbulb.demo.commissioning.payments import payments_for
from lightbulb.demo.commissioning.returns import returns_for
from lightbulb.demo.rows import batches, dated
from lightbulb.funding.models import MonitoringReturn, Payment, ReturnFigure

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale


def seed_returns_and_payments(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """Monitoring returns on each agreement's reporting schedule, and its payments, in the states time has left them."""
    if not ctx.agreements:
        return
    mc = _monitoring_context(rng, ctx)
    closed = [info.pk for info in ctx.agreements if info.status == S.CLOSED and info.went_live and not info.feature]
    claw_back = set(rng.sample(closed, min(2, len(closed))))
    for chunk in batches(ctx.agreements, 1000):
        returns, payments = _draw(chunk, mc, claw_back)
        _write(returns, payments, ctx.scale.batch_size)


def _monitoring_context(rng: random.Random, ctx: DemoContext) -> MonitoringContext:
    vcs_user = ctx.users.get(Role.VCS)
    vcs_organisation_id = ctx.vcs_organisation.pk if ctx.vcs_organisation else 0
    return MonitoringContext(rng, ctx.today, ctx.users[Role.OFFICER].pk, vcs_organisation_id, vcs_user.pk if vcs_user else None)


def _draw(chunk: list[AgreementInfo], mc: MonitoringContext, claw_back: set[int]) -> tuple[list[tuple[MonitoringReturn, list[ReturnFigure]]], list[Payment]]:
    """The returns of the agreements that went live and the payments of those awarded, agreement by agreement."""
    returns: list[tuple[MonitoringReturn, list[ReturnFigure]]] = []
    payments: list[Payment] = []
    for info in chunk:
        if info.went_live:
            returns.extend(returns_for(info, mc))
        if info.awarded:
            payments.extend(payments_for(info, mc, info.pk in claw_back))
    return returns, payments


def _write(returns: list[tuple[MonitoringReturn, list[ReturnFigure]]], payments: list[Payment], batch_size: int) -> None:
    with dated(MonitoringReturn, "created_at", "updated_at"):
        MonitoringReturn.objects.bulk_create([item for item, _figures in returns], batch_size=batch_size)
    figures = []
    for item, rows in returns:
        for figure in rows:
            figure.monitoring_return = item
            figures.append(figure)
    ReturnFigure.objects.bulk_create(figures, batch_size=batch_size)
    with dated(Payment, "created_at", "updated_at"):
        Payment.objects.bulk_create(payments, batch_size=batch_size)
