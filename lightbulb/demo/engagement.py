"""The `seed_engagement` step: ward boundaries, the engagement log with themes and follow-up actions, surveys and flags of every rule.

Boundaries are plausible, not real: each ward an irregular polygon on a grid around Anytown, so
ward pages and briefing packs draw a map. Engagements are spread over the last year with themes
from a managed list; follow-up actions are owned by the demo officer and councillor (some overdue,
some done). Two "state of the sector" surveys go to the funded organisations and the demo member's:
last year's, closed with most answers in (those of organisations without a portal member recorded
by the officer on their behalf), and this year's, open, which the demo member's organisation has
still to answer. The register is then nudged so that every cross-referencing rule has something to find
(an income that makes an organisation depend on the council, a charity removed from the register,
shared addresses, trustees and bank details, a new organisation with a large award, a ward claimed
without activity, numbers out of line, the same purpose funded twice), flags are computed for
everyone, and two are dismissed with a reason.
"""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q

from lightbulb.accounts.models import Membership, User
from lightbulb.core.roles import Role
from lightbulb.engagement.flags.engine import flags_refresh
from lightbulb.engagement.models import (
    Engagement,
    EngagementKind,
    Flag,
    FollowUpAction,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    Theme,
)
from lightbulb.engagement.services.flags import flag_dismiss
from lightbulb.funding.models import Agreement, MonitoringReturn, ReturnFigure
from lightbulb.organisations.models import Organisation, RegisterValue
from lightbulb.places.models import Councillor, Ward

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

DAY = datetime.timedelta(days=1)
CENTRE = (-1.47, 52.60)
# A ward is about 1.2 km across.
STEP_X, STEP_Y = 0.018, 0.011
LIVE = ("live", "extended", "under_review")

THEMES = [
    ("Premises costs", "Rent, hall hire, energy and repairs"),
    ("Volunteer recruitment", "Finding and keeping volunteers"),
    ("Late payments", "Money from the council arriving late"),
    ("Rising demand", "More people asking for help"),
    ("Short-term funding", "Grants too short to plan or keep staff"),
    ("Digital exclusion", "People who cannot get online"),
    ("Transport", "Getting people to services"),
    ("Partnership working", "Working with the council and each other"),
]
TITLES = {
    EngagementKind.MEETING: ["Quarterly meeting with {org}", "Funding review with {org}"],
    EngagementKind.FORUM: ["{ward} community forum", "Voluntary sector forum", "Older people's forum"],
    EngagementKind.WORKSHOP: ["Commissioning workshop: {ward}", "Cost of living workshop"],
    EngagementKind.VISIT: ["Visit to {org}"],
    EngagementKind.CALL: ["Call with {org}"],
    EngagementKind.SURVEY: ["State of the sector survey follow-up"],
}
NOTES = [
    "Groups said hall hire has gone up by a third this year and some sessions may stop.",
    "Volunteers are harder to find since the pandemic; younger people want shorter commitments.",
    "Two groups had waited more than 30 days for a payment; the officer agreed to chase finance.",
    "Demand for the food bank has doubled; the group asked whether the grant can run for three years.",
    "Residents without internet access cannot book the new service online.",
]
ACTIONS = [
    "Chase the late payment with finance",
    "Send details of the community buildings fund",
    "Introduce the group to the volunteer centre",
    "Write up the forum notes and share them",
]


def _polygon(rng: random.Random, column: int, row: int) -> dict:
    """An irregular ten-sided polygon in the ward's grid cell (longitude, latitude)."""
    cx, cy = CENTRE[0] + (column - 2) * STEP_X, CENTRE[1] + (row - 2) * STEP_Y
    ring = []
    for corner in range(10):
        angle = 2 * math.pi * corner / 10
        reach = rng.uniform(0.75, 1.0) / 2
        ring.append([round(cx + math.cos(angle) * STEP_X * reach, 6), round(cy + math.sin(angle) * STEP_Y * reach, 6)])
    ring.append(ring[0])
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def _boundaries(rng: random.Random, ctx: DemoContext) -> None:
    wards = list(Ward.objects.order_by("gss_code"))
    columns = max(1, math.ceil(math.sqrt(len(wards))))
    for index, ward in enumerate(wards):
        ward.boundary = _polygon(rng, index % columns, index // columns)
    Ward.objects.bulk_update(wards, ["boundary"], batch_size=500)


def _action(engagement: Engagement, number: int, rng: random.Random, ctx: DemoContext) -> None:
    """Every third engagement has a follow-up action, owned in turn by the demo officer and councillor; some are done."""
    owner = ctx.users[Role.COUNCILLOR] if number % 2 else ctx.users[Role.OFFICER]
    due = ctx.today + DAY * rng.randint(-20, 40)
    done = due < ctx.today and number % 4 == 0
    FollowUpAction.objects.create(
        engagement=engagement,
        description=rng.choice(ACTIONS),
        owner=owner,
        due_date=due,
        completed_on=due if done else None,
        completed_by=owner if done else None,
    )


def _engagement(rng: random.Random, ctx: DemoContext, organisations: list[Organisation], wards: list[Ward]) -> Engagement:
    kind = rng.choice(list(EngagementKind))
    organisation = rng.choice(organisations)
    ward = organisation.ward or rng.choice(wards)
    title = rng.choice(TITLES[kind]).format(org=organisation.name, ward=ward.name)
    return Engagement.objects.create(
        kind=kind, title=title, held_on=ctx.today - DAY * rng.randint(2, 360), ward=ward, notes=rng.choice(NOTES), recorded_by=ctx.users[Role.OFFICER]
    )


def _engagements(rng: random.Random, scale: Scale, ctx: DemoContext, themes: list[Theme]) -> None:
    organisations = list(Organisation.objects.filter(agreements__isnull=False).select_related("ward").distinct().order_by("pk")[:60])
    wards = list(Ward.objects.order_by("pk")[:40])
    councillors = list(Councillor.objects.order_by("pk")[:20])
    if not organisations or not wards:
        return
    for number in range(min(60, max(12, len(wards) * 2))):
        engagement = _engagement(rng, ctx, organisations, wards)
        engagement.themes.set(rng.sample(themes, rng.randint(1, 3)))
        engagement.organisations.set(rng.sample(organisations, min(len(organisations), rng.randint(1, 4))))
        engagement.officers.set([ctx.users[Role.OFFICER]])
        if councillors and rng.random() < 0.5:
            engagement.councillors.set(rng.sample(councillors, 1))
        if number % 3 == 0:
            _action(engagement, number, rng, ctx)


def _live_agreements() -> list[Agreement]:
    vcs_free = Q(organisation__memberships__isnull=True)
    return list(Agreement.objects.filter(vcs_free, status__in=LIVE).select_related("organisation").order_by("pk")[:40])


def _shared_details(live: list[Agreement], as_of: datetime.date) -> None:
    """Shared address, trustee and bank details between applicants."""
    first, second, third = live[2].organisation, live[3].organisation, live[4].organisation
    address = first.address or "Unit 4, Mill Lane\nAnytown"
    # The same place, so the same postcode and the ward that postcode is in.
    Organisation.objects.filter(pk__in=[first.pk, second.pk]).update(address=address, postcode=first.postcode, ward_id=first.ward_id)
    if first.ward_id:
        second.wards_served.add(first.ward_id)
    for organisation, names in ((first, "Margaret Okafor; David Lin"), (third, "Margaret Okafor\nSusan Hale")):
        RegisterValue.objects.update_or_create(
            organisation=organisation, source="Charity Commission", field="trustees", defaults={"value": names, "as_of": as_of}
        )
    for organisation in (second, third):
        RegisterValue.objects.update_or_create(
            organisation=organisation, source="Council finance system", field="bank_account", defaults={"value": "30-94-12 41172233", "as_of": as_of}
        )


def _claims(live: list[Agreement]) -> None:
    """Work claimed in a ward without activity, and a count of people out of line with a small income."""
    claimed = live[6]
    activity = {claimed.organisation.ward_id, *claimed.organisation.wards_served.values_list("pk", flat=True)}
    elsewhere = Ward.objects.exclude(pk__in=[pk for pk in activity if pk]).order_by("-pk").first()
    if elsewhere:
        claimed.wards.add(elsewhere)
    figure = ReturnFigure.objects.filter(monitoring_return__status__in=("submitted", "accepted"), condition__unit__icontains="people", value__gt=0).first()
    if figure:
        Organisation.objects.filter(pk=figure.monitoring_return.agreement.organisation_id).update(latest_income=figure.value * 3)


def _twin(twin: Agreement, ctx: DemoContext) -> None:
    """The same purpose funded twice: a planned agreement repeating a live one's purpose."""
    again = Agreement.objects.create(
        # A reference of the council's usual shape, numbered past the generated ones.
        reference=f"AGR-{ctx.today.year}-9{twin.reference[-3:]}",
        title=twin.title,
        kind=twin.kind,
        organisation=twin.organisation,
        accountable_officer=twin.accountable_officer,
        department=twin.department,
        budget_line=twin.budget_line,
        purpose=twin.purpose,
        amount=twin.amount,
        start_date=max(twin.start_date, ctx.today),
        end_date=max(twin.end_date, ctx.today + DAY * 200),
        procurement_route=twin.procurement_route,
        status="planned",
    )
    # It repeats the live one's conditions too, as a copied bid would.
    for condition in twin.conditions.all():
        condition.pk = None
        condition.agreement = again
        condition.save()


def _nudge_register(rng: random.Random, ctx: DemoContext) -> None:
    """Make sure each rule has something to find in the demo council."""
    live = _live_agreements()
    if len(live) < 8:
        return
    as_of = ctx.today - DAY * 10
    dependent = live[0].organisation
    year_end = datetime.date(ctx.today.year - (ctx.today.month < 4), 3, 31)
    Organisation.objects.filter(pk=dependent.pk).update(latest_income=live[0].amount, latest_income_year_end=year_end)
    RegisterValue.objects.update_or_create(
        organisation=live[1].organisation, source="Charity Commission", field="register_status", defaults={"value": "Removed", "as_of": as_of}
    )
    _shared_details(live, as_of)
    large = live[5]
    Agreement.objects.filter(pk=large.pk, amount__lt=Decimal("50000")).update(amount=Decimal("60000"))
    Organisation.objects.filter(pk=large.organisation_id).update(date_registered=large.start_date - DAY * 150)
    _claims(live)
    _twin(live[7], ctx)
    if not MonitoringReturn.objects.filter(status="due", due_date__lt=ctx.today).exists():
        MonitoringReturn.objects.filter(agreement=live[0], status="due").order_by("due_date")[:1].update(due_date=ctx.today - DAY * 14)


QUESTIONS = [
    ("How confident are you that your organisation will still be running in two years?", QuestionKind.SCALE, []),
    ("How would you rate the council's relationship with the voluntary sector?", QuestionKind.SCALE, []),
    ("What is your biggest pressure this year?", QuestionKind.CHOICE, ["Rising demand", "Premises costs", "Finding volunteers", "Short-term funding"]),
    ("Is there anything else the council should know?", QuestionKind.TEXT, []),
]
SAID = [
    "Hall hire has gone up again; we have cut one session a week.",
    "Three-year funding would let us keep our coordinator.",
    "More families are coming to us from outside the ward.",
    "",
]


def _answers(rng: random.Random, questions: list[SurveyQuestion], hopeful: bool) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in questions:
        if question.kind == QuestionKind.SCALE:
            answers[str(question.pk)] = rng.choice([3, 4, 4, 5] if hopeful else [1, 2, 2, 3, 4])
        elif question.kind == QuestionKind.CHOICE:
            answers[str(question.pk)] = rng.choice(question.options)
        elif said := rng.choice(SAID):
            answers[str(question.pk)] = said
    return answers


def _survey(rng: random.Random, ctx: DemoContext, *, year: int, opens: datetime.date, closes: datetime.date, invited: list[Organisation]) -> None:
    """One "state of the sector" survey sent to `invited`: most answered (some recorded by the officer on their behalf); closed once past."""
    officer = ctx.users[Role.OFFICER]
    closed = closes < ctx.today
    sent_at = datetime.datetime.combine(opens, datetime.time(9), tzinfo=datetime.UTC)
    survey = Survey.objects.create(
        title=f"State of the sector {year}",
        introduction="Once a year the council asks how the voluntary and community sector is doing. Your answers shape the Compact's action plan.",
        opens_on=opens,
        closes_on=closes,
        status=Survey.Status.CLOSED if closed else Survey.Status.OPEN,
        created_by=officer,
        sent_at=sent_at,
        closed_at=datetime.datetime.combine(closes + DAY, datetime.time(6), tzinfo=datetime.UTC) if closed else None,
    )
    questions = [
        SurveyQuestion.objects.create(survey=survey, order=n, text=text, kind=kind, options=options) for n, (text, kind, options) in enumerate(QUESTIONS, 1)
    ]
    member = ctx.users.get(Role.VCS)
    theirs = set(member.memberships.values_list("organisation_id", flat=True)) if member else set()
    # Each organisation's first portal member, where it has one: they answered in the portal.
    members: dict[int, User] = {}
    for membership in Membership.objects.filter(organisation__in=invited).select_related("user").order_by("pk"):
        members.setdefault(membership.organisation_id, membership.user)
    for number, organisation in enumerate(invited):
        # The demo member's organisation still has this year's survey to answer.
        answered = number % 3 != 2 and not (organisation.pk in theirs and not closed)
        _invite(rng, survey, questions, organisation, answered=answered, answerer=members.get(organisation.pk) or officer, hopeful=year < ctx.today.year)


def _invite(
    rng: random.Random, survey: Survey, questions: list[SurveyQuestion], organisation: Organisation, *, answered: bool, answerer: User, hopeful: bool
) -> None:
    """The survey sent to one organisation and, when it answered, its answer: in the portal by its member, or recorded by the
    officer on its behalf (by phone or on paper) when it has none."""
    closed = survey.status == Survey.Status.CLOSED
    status = SurveyInvitation.Status.ANSWERED if answered else (SurveyInvitation.Status.CLOSED if closed else SurveyInvitation.Status.DUE)
    SurveyInvitation.objects.create(survey=survey, organisation=organisation, status=status, sent_at=survey.sent_at or survey.created_at)
    if answered:
        on_behalf = answerer.role != Role.VCS
        answers = _answers(rng, questions, hopeful=hopeful)
        SurveyAnswer.objects.create(survey=survey, organisation=organisation, submitted_by=answerer, on_behalf=on_behalf, answers=answers)


def _surveys(rng: random.Random, ctx: DemoContext) -> None:
    """Last year's survey, closed with its answers, and this year's, open, sent to the funded organisations."""
    member = ctx.users.get(Role.VCS)
    theirs = list(Organisation.objects.filter(memberships__user=member)) if member else []
    funded = list(Organisation.objects.filter(agreements__status__in=LIVE).distinct().order_by("pk")[:30])
    invited = funded + [organisation for organisation in theirs if organisation not in funded]
    if not invited:
        return
    year = ctx.today.year
    _survey(rng, ctx, year=year - 1, opens=ctx.today - DAY * 400, closes=ctx.today - DAY * 372, invited=invited[:24])
    _survey(rng, ctx, year=year, opens=ctx.today - DAY * 10, closes=ctx.today + DAY * 25, invited=invited)


def seed_engagement(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    _boundaries(rng, ctx)
    themes = [Theme.objects.get_or_create(name=name, defaults={"description": description})[0] for name, description in THEMES]
    _engagements(rng, scale, ctx, themes)
    _surveys(rng, ctx)
    _nudge_register(rng, ctx)
    flags_refresh(None, ctx.today)
    officer = ctx.users[Role.OFFICER]
    for rule, reason in (
        ("shared_details", "The two groups share the community centre's address: both are tenants there."),
        ("overdue_returns", "The return came in by post and is being entered."),
    ):
        flag = Flag.objects.filter(rule=rule, status=Flag.Status.OPEN).order_by("pk").first()
        if flag:
            flag_dismiss(acting_user=officer, flag=flag, reason=reason)
