"""The `seed_concerns` step: concerns at several steps of the action ladder, and a populated risk register.

Concerns act on real demo agreements: one has its scheduled payments held, one was terminated
(its written notice issued, so its decommissioning has started). One public report is anonymous.
The access log gets an entry for each concern raised, so its chain checks out from the start.
The anonymous public report's status can be checked with its reference and the follow-up code
`ANYT-DEMO`.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password

from lightbulb.concerns.chain import access_log_append, settings_row
from lightbulb.concerns.models import (
    Concern,
    ConcernSettings,
    CounterFraudYear,
    InvestigationNote,
    LadderStep,
    NoteKind,
    Risk,
    RiskAppetite,
    RiskArea,
    Step,
    SubjectType,
)
from lightbulb.concerns.selectors import financial_year_of
from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor
from lightbulb.funding.models import Agreement, AgreementStatus, Decommissioning, Payment

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

DAY = datetime.timedelta(days=1)
DEMO_FOLLOW_UP_CODE = "ANYT-DEMO"

_JUSTIFY = {
    Step.ADVICE: "The board has not met quorately since spring; advice on its governing document is the least that may put it right.",
    Step.IMPROVEMENT_PLAN: "Advice in the summer did not lead to a quorate board; a written plan with dates gives the trustees a clear route.",
    Step.ENHANCED_MONITORING: "Two safeguarding referrals were late; monthly returns for six months let the council see the new procedure work.",
    Step.SUSPEND_PAYMENTS: "Invoices for 14 sessions do not match the venue's bookings; holding future payments protects public money while the treasurer explains.",
    Step.CLAW_BACK: "The organisation accepts that £1,800 paid for sessions was spent on unrelated costs.",
    Step.TERMINATE: "Bank statements show grant money moved to a director's personal account; the organisation did not answer two requests; nothing short of ending the agreement protects the money.",
    Step.REFER_ON: "The evidence points to deliberate false claims, which is a matter for Action Fraud.",
}
_IMPACT = "About {n} people a week use the service, most of them older residents living alone; a pause would leave them without a hot meal."
_MITIGATE = "The council has asked the neighbouring lunch club to take referrals, and will pay the venue directly so sessions can continue."
_TOLD = "The council is checking claims made under this agreement and is holding further payments until that is done."


def _agreements(ctx: DemoContext) -> list[Agreement]:
    """Live agreements with scheduled payments and no decommissioning, the demo organisation's left alone."""
    vcs_id = ctx.vcs_organisation.pk if ctx.vcs_organisation else 0
    return list(
        Agreement.objects.filter(status=AgreementStatus.LIVE, decommissioning__isnull=True, payments__status=Payment.Status.SCHEDULED)
        .exclude(organisation_id=vcs_id)
        .distinct()
        .select_related("organisation")
        .order_by("pk")[:6]
    )


def _concern(ctx: DemoContext, number: int, received: datetime.date, triage_days: int, **values: Any) -> Concern:
    values.setdefault("subject_name", values["organisation"].name if values.get("organisation") else "")
    concern = Concern.objects.create(reference=f"CN-{received.year}-{number:04d}", received_on=received, triage_due=received + triage_days * DAY, **values)
    access_log_append(user=SystemActor("Demo data"), action="raised", concern=concern, detail=concern.get_source_display())
    return concern


def _step(concern: Concern, step: str, taken_on: datetime.date, investigator: Any, rng: random.Random, **values: Any) -> LadderStep:
    return LadderStep.objects.create(
        concern=concern,
        step=step,
        justification=_JUSTIFY[step],  # type: ignore[index]
        impact_service_users=_IMPACT.format(n=rng.randint(30, 120)),
        impact_others="Eight volunteers and one part-time coordinator.",
        mitigations=_MITIGATE,
        taken_on=taken_on,
        taken_by=investigator,
        **values,
    )


def _investigating(concern: Concern, investigator: Any, triaged: datetime.date, agreement: Agreement | None = None) -> None:
    concern.status, concern.investigated, concern.investigator, concern.triaged_on = "investigating", True, investigator, triaged
    concern.triage_decision = "Credible, specific and about public money: investigate."
    concern.agreement = agreement
    concern.save()


def _suspended(ctx: DemoContext, rng: random.Random, agreement: Agreement, investigator: Any, today: datetime.date) -> None:
    concern = _concern(
        ctx,
        4,
        today - 40 * DAY,
        5,
        source="staff",
        category="fraud",
        organisation=agreement.organisation,
        description="The venue's bookings do not match the sessions invoiced under the grant.",
        reporter_name="Priya Shah",
        reporter_email="priya.shah@anytown.example",
    )
    _investigating(concern, investigator, today - 38 * DAY, agreement)
    held = list(Payment.objects.filter(agreement=agreement, status=Payment.Status.SCHEDULED))
    Payment.objects.filter(pk__in=[p.pk for p in held]).update(status=Payment.Status.HELD, reason=_TOLD)
    total = sum((p.amount for p in held), Decimal(0))
    _step(concern, Step.ADVICE, today - 30 * DAY, investigator, rng)
    _step(
        concern,
        Step.SUSPEND_PAYMENTS,
        today - 12 * DAY,
        investigator,
        rng,
        reason_to_organisation=_TOLD,
        effect=f"{len(held)} scheduled payment{'s' if len(held) != 1 else ''} under {agreement.reference} held, £{total:,.2f} in all",
    )
    paid = Payment.objects.filter(agreement=agreement, status=Payment.Status.PAID).order_by("-paid_on", "-pk").first()
    if paid is not None:
        amount = min(paid.amount, Decimal("1800.00"))
        Payment.objects.filter(pk=paid.pk).update(status=Payment.Status.CLAWED_BACK, clawed_back_amount=amount, reason=_TOLD)
        effect = f"£{amount:,.2f} clawed back from the payment of £{paid.amount:,.2f} under {agreement.reference}"
        _step(concern, Step.CLAW_BACK, today - 5 * DAY, investigator, rng, reason_to_organisation=_TOLD, effect=effect)
    InvestigationNote.objects.create(
        concern=concern,
        kind=NoteKind.POWERS,
        text="Required the venue's booking records for the year.",
        cost=Decimal("420.00"),
        recorded_on=today - 20 * DAY,
        author=investigator,
    )
    InvestigationNote.objects.create(
        concern=concern, text="Met the treasurer; waiting for bank statements.", cost=Decimal("180.00"), recorded_on=today - 10 * DAY, author=investigator
    )


def _terminated(ctx: DemoContext, rng: random.Random, agreement: Agreement, investigator: Any, today: datetime.date) -> None:
    concern = _concern(
        ctx,
        5,
        today - 70 * DAY,
        5,
        source="organisation",
        category="misuse_of_funds",
        organisation=agreement.organisation,
        description="A partner organisation says grant money was moved to a director's own account.",
        reporter_name="Tom Okafor",
        reporter_email="tom@example.org",
    )
    _investigating(concern, investigator, today - 66 * DAY, agreement)
    notice = today - 14 * DAY
    end = notice + datetime.timedelta(days=95)
    Payment.objects.filter(agreement=agreement, status=Payment.Status.SCHEDULED).update(status=Payment.Status.HELD, reason=_TOLD)
    _step(
        concern,
        Step.SUSPEND_PAYMENTS,
        today - 40 * DAY,
        investigator,
        rng,
        reason_to_organisation=_TOLD,
        effect=f"Scheduled payments under {agreement.reference} held",
    )
    told = "Grant money was used for purposes outside the agreement and the organisation did not respond to the council's requests."
    Decommissioning.objects.create(
        agreement=agreement,
        prepared_by=investigator,
        stage=Decommissioning.Stage.NOTICE_ISSUED,
        reasons=told,
        impact_service_users=_IMPACT.format(n=rng.randint(30, 120)),
        impact_volunteers="Eight volunteers.",
        impact_staff="One part-time coordinator.",
        impact_equality_groups="Older and disabled residents are most of the users.",
        alternative_providers="The neighbouring lunch club has places.",
        mitigations=_MITIGATE,
        exit_plan="Referrals move to the lunch club over the notice period.",
        notice_date=notice,
        funding_end_date=end,
        response_due_date=notice + 30 * DAY,
    )
    _step(
        concern,
        Step.TERMINATE,
        notice,
        investigator,
        rng,
        reason_to_organisation=told,
        effect=f"Written notice issued: funding under {agreement.reference} ends {end:%-d %B %Y}",
    )


def _other_concerns(ctx: DemoContext, rng: random.Random, agreements: list[Agreement], investigator: Any, today: datetime.date) -> None:
    organisations = [a.organisation for a in agreements] + list(ctx.sample_organisations[:6])
    # A public, anonymous report awaiting triage; its status can be checked with DEMO_FOLLOW_UP_CODE.
    _concern(
        ctx,
        1,
        today - 2 * DAY,
        5,
        source="public",
        category="safeguarding",
        subject_name=organisations[-1].name,
        anonymous=True,
        description="Children at the Saturday club are left without an adult for long spells.",
        follow_up_code_hash=make_password(DEMO_FOLLOW_UP_CODE),
    )
    # Raised by an officer; triage overdue.
    _concern(
        ctx,
        2,
        today - 9 * DAY,
        5,
        source="staff",
        category="poor_delivery",
        organisation=organisations[-2],
        description="Quarterly figures are copied from the last quarter.",
        reporter_user=ctx.users.get(Role.OFFICER),
        reporter_name="Demo officer",
    )
    governance = _concern(
        ctx,
        3,
        today - 120 * DAY,
        5,
        source="staff",
        category="governance",
        organisation=organisations[-3],
        description="The board has not been quorate since March.",
        reporter_name="Alex Green",
        reporter_email="alex.green@anytown.example",
    )
    _investigating(governance, investigator, today - 117 * DAY)
    _step(governance, Step.ADVICE, today - 110 * DAY, investigator, rng)
    _step(governance, Step.IMPROVEMENT_PLAN, today - 50 * DAY, investigator, rng)
    monitoring = _concern(
        ctx,
        6,
        today - 60 * DAY,
        5,
        source="organisation",
        category="safeguarding",
        organisation=organisations[-4],
        description="Two safeguarding referrals were made weeks late.",
        reporter_name="Jo Patel",
    )
    _investigating(monitoring, investigator, today - 57 * DAY)
    _step(monitoring, Step.ENHANCED_MONITORING, today - 45 * DAY, investigator, rng)
    last_year = today - 300 * DAY
    referred = _concern(
        ctx,
        7,
        last_year,
        5,
        source="public",
        category="fraud",
        organisation=organisations[-5],
        description="Claims for volunteers' expenses for people who never volunteered.",
        reporter_name="Name withheld by request",
        reporter_phone="01632 960123",
    )
    _investigating(referred, investigator, last_year + 3 * DAY)
    InvestigationNote.objects.create(
        concern=referred, kind=NoteKind.POWERS, text="Required bank records.", cost=Decimal("950.00"), recorded_on=last_year + 20 * DAY, author=investigator
    )
    _step(referred, Step.REFER_ON, last_year + 60 * DAY, investigator, rng, referred_to="action_fraud")
    referred.status, referred.closed_on, referred.outcome = "closed", last_year + 61 * DAY, "Referred to Action Fraud; the council's part is done."
    referred.save()


def _risks(ctx: DemoContext, rng: random.Random, agreements: list[Agreement], today: datetime.date) -> None:
    bands = {
        RiskArea.FINANCIAL: (4, 10, "Low appetite: public money is protected first."),
        RiskArea.SERVICE_DELIVERY: (6, 12, "Moderate: new providers are welcome if services carry on."),
        RiskArea.SAFEGUARDING: (1, 5, "Very low: no risk to people is accepted that can be avoided."),
        RiskArea.REPUTATION: (5, 12, "Moderate."),
        RiskArea.INNOVATION: (8, 16, "Open: the council wants to try new things with the sector and accepts some will fail."),
        RiskArea.COMPLIANCE: (2, 8, "Low."),
    }
    RiskAppetite.objects.bulk_create([RiskAppetite(area=area, lowest=low, highest=high, statement=text) for area, (low, high, text) in bands.items()])
    owners = [u for u in (ctx.users.get(Role.OFFICER), ctx.users.get(Role.INVESTIGATOR), *ctx.officers[:3]) if u is not None]
    plain = [
        ("Warm spaces pilot draws too few people to judge", RiskArea.INNOVATION, SubjectType.PROJECT, "Warm spaces winter pilot", 2, 2),
        ("Community fridge network grows faster than volunteers", RiskArea.INNOVATION, SubjectType.PROJECT, "Community fridge network", 2, 1),
        ("Community centre roof needs repair before transfer", RiskArea.FINANCIAL, SubjectType.ASSET, "Eastfield Community Centre", 4, 4),
        ("Capital challenge fund round oversubscribed", RiskArea.REPUTATION, SubjectType.FUND, "Capital challenge fund 2026", 4, 2),
        ("Match funding in kind overvalued", RiskArea.FINANCIAL, SubjectType.FUND, "Capital challenge fund 2026", 3, 3),
        ("DBS checks lapse for youth volunteers", RiskArea.SAFEGUARDING, SubjectType.PROJECT, "Holiday activities programme", 2, 5),
        ("Innovation budget unspent at year end", RiskArea.INNOVATION, SubjectType.FUND, "Innovation budget", 3, 1),
    ]
    risks = [
        Risk(
            title=title,
            area=area,
            subject_type=kind,
            subject_label=label,
            likelihood=lik,
            impact=imp,
            owner=owners[i % len(owners)],
            controls="Quarterly review with the lead officer; escalation to the head of service.",
            review_date=today + rng.randint(-10, 80) * DAY,
        )
        for i, (title, area, kind, label, lik, imp) in enumerate(plain)
    ]
    for i, agreement in enumerate(agreements[:5]):
        risks.append(
            Risk(
                title=f"Provider cannot sustain delivery under {agreement.reference}",
                area=RiskArea.SERVICE_DELIVERY,
                subject_type=SubjectType.AGREEMENT,
                subject_label=str(agreement)[:300],
                agreement=agreement,
                likelihood=rng.randint(1, 5),
                impact=rng.randint(2, 5),
                owner=owners[i % len(owners)],
                controls="Monthly contract meetings; a named alternative provider.",
                review_date=today + rng.randint(-5, 60) * DAY,
            )
        )
    Risk.objects.bulk_create(risks)


def seed_concerns(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """Concerns at every step of the ladder on real agreements, the counter-fraud team's figures, and the risk register."""
    investigator = ctx.users.get(Role.INVESTIGATOR)
    if investigator is None:
        return
    today = ctx.today
    settings_row()
    ConcernSettings.objects.update(triage_days=5)
    agreements = _agreements(ctx)
    _other_concerns(ctx, rng, agreements, investigator, today)
    if len(agreements) >= 2:
        _suspended(ctx, rng, agreements[0], investigator, today)
        _terminated(ctx, rng, agreements[1], investigator, today)
    year = financial_year_of(today)
    CounterFraudYear.objects.create(
        year=year, employees_fte=Decimal("1.6"), accredited_specialists=1, accredited_fte=Decimal("1.0"), other_costs=Decimal("2400.00")
    )
    CounterFraudYear.objects.create(
        year=year - 1, employees_fte=Decimal("1.4"), accredited_specialists=1, accredited_fte=Decimal("1.0"), other_costs=Decimal("2100.00")
    )
    _risks(ctx, rng, agreements[2:], today)
