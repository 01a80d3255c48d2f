"""Anytown's Compact and two years of consultations (a demo generator step)."""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password

from lightbulb.accounts.models import Membership, User
from lightbulb.compact.models import Commitment, Compact, Consultation, ConsultationResponse
from lightbulb.compact.services import DEFAULT_COMMITMENTS
from lightbulb.core.roles import Role
from lightbulb.demo import words
from lightbulb.demo.rows import at, dated, slug
from lightbulb.organisations.models import Organisation, OrganisationStatus

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

DAY = datetime.timedelta(days=1)

TEXT_COMMITMENTS = [
    "The council and the sector share information openly and early, including plans that affect funding.",
    "The sector is involved in designing services before they are commissioned, not only consulted afterwards.",
]

# (title, purpose, weeks it ran, reason if shorter than 12 weeks)
CONSULTATIONS = [
    ("Community grants programme 2025 onwards", "How the council's community grants should be prioritised and awarded", 12, ""),
    ("Anytown libraries strategy", "The future of the library service and the role of community-run libraries", 13, ""),
    ("Adult social care prevention services", "Which preventative services the council should commission from the sector", 12, ""),
    ("Youth provision review", "Open-access youth work and how it should be funded", 14, ""),
    (
        "Household support fund allocation",
        "How this year's household support fund reaches those who need it",
        4,
        "The government grant had to be allocated within the financial year",
    ),
    ("Community asset transfer policy", "Transferring council buildings to community organisations", 12, ""),
    ("Voluntary sector infrastructure support", "What support the sector needs from a local infrastructure organisation", 12, ""),
    ("Parks and green spaces plan", "Priorities for parks, friends-of groups and volunteering", 16, ""),
    ("Winter warm spaces network", "Funding for warm spaces this winter", 6, ""),
    ("Carers' strategy refresh", "Support for unpaid carers over the next five years", 12, ""),
    ("Homelessness and rough sleeping strategy", "Prevention, outreach and supported housing", 12, ""),
    ("Anytown Compact refresh", "Updating the Compact's commitments with the sector", 12, ""),
]
SUMMARIES = [
    "You said the application form was too long for small groups. We did: a one-page form for grants under £5,000.",
    "You said decisions came too late in the year. We did: awards are now announced by the end of January.",
    "You said services should be designed with the people who use them. We did: a co-design panel meets before each commissioning round.",
    "You said three-year funding matters. We did: most new agreements for long-term needs now run for three years.",
]
RESPONSES = [
    "We welcome the proposals and would like the council to consider multi-year funding for core costs.",
    "Small groups like ours find the monitoring burdensome: please keep it proportionate to the amount.",
    "We support the priorities, and ask that the needs of older residents in our ward are reflected.",
    "We would like to be involved in designing the service, and can offer our premises for workshops.",
]


def _members(rng: random.Random, ctx: DemoContext, organisations: list[Organisation]) -> dict[int, int]:
    """A member (a `vcs` user) for some organisations, so they can respond through the portal; organisation pk → user pk."""
    unusable = make_password(None)
    users, used = [], set()
    for organisation in organisations:
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        # At the organisation's own invented domain (as its `hello@` address), never its database key: the same seed gives the same addresses.
        email = f"{slug(first)}.{slug(last)}@{slug(organisation.name).replace('-', '')[:40]}.example"
        if email in used:
            continue
        used.add(email)
        users.append((organisation, User(email=email, full_name=f"{first} {last}", role=Role.VCS, password=unusable)))
    created = User.objects.bulk_create([user for _organisation, user in users])
    Membership.objects.bulk_create(
        [Membership(user=user, organisation=organisation, role=Membership.MemberRole.LEAD) for (organisation, _u), user in zip(users, created, strict=True)]
    )
    members = {organisation.pk: user.pk for (organisation, _u), user in zip(users, created, strict=True)}
    if ctx.vcs_organisation is not None and Role.VCS in ctx.users:
        members[ctx.vcs_organisation.pk] = ctx.users[Role.VCS].pk
    return members


def _dates(rng: random.Random, today: datetime.date, index: int, weeks: int) -> tuple[datetime.date, datetime.date]:
    """Spread over the last two years, the last one open now."""
    if index == len(CONSULTATIONS) - 1:
        start = today - datetime.timedelta(days=rng.randint(20, 40))
    else:
        start = today - datetime.timedelta(days=730 - index * 55 + rng.randint(0, 20))
    length = weeks * 7 - 1 if weeks < 12 else weeks * 7 + rng.randint(-1, 3)
    return start, start + datetime.timedelta(days=max(length, 83 if weeks >= 12 else 1))


def seed_compact(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """The Anytown Compact with its five measured commitments and two others, and about a dozen consultations."""
    today = ctx.today
    officer = ctx.users.get(Role.OFFICER)
    if officer is None or not ctx.sample_organisations:
        return
    _adopt_compact(today)
    active = [organisation for organisation in ctx.sample_organisations if organisation.status == OrganisationStatus.ACTIVE]
    members = _members(rng, ctx, rng.sample(active, min(len(active), max(3, len(active) // 25))))
    with_members = [organisation for organisation in active if organisation.pk in members]
    leads = [officer, *ctx.officers]
    for index, (title, purpose, weeks, reason) in enumerate(CONSULTATIONS):
        consultation = _consult(rng, today, index, leads, title=title, purpose=purpose, weeks=weeks, reason=reason)
        invited = _invite(rng, ctx, consultation, active, with_members, last=index == len(CONSULTATIONS) - 1)
        _respond(rng, ctx, consultation, invited, members)


def _adopt_compact(today: datetime.date) -> Compact:
    """The Compact, adopted three years ago, with the measured commitments and the text-only ones."""
    adopted = datetime.date(today.year - 3, 11, 14)
    with dated(Compact, "created_at", "updated_at"):
        compact = Compact.objects.create(
            title="Anytown Compact",
            adopted_on=adopted,
            enabled=True,
            introduction="Agreed between Anytown Council and the voluntary and community sector: how we work together as equal partners.",
            created_at=at(adopted),
            updated_at=at(adopted),
        )
    texts = [(text, str(rule)) for text, rule in DEFAULT_COMMITMENTS] + [(text, "") for text in TEXT_COMMITMENTS]
    Commitment.objects.bulk_create([Commitment(compact=compact, order=order, text=text, rule=rule) for order, (text, rule) in enumerate(texts, start=1)])
    return compact


def _consult(rng: random.Random, today: datetime.date, index: int, leads: list[User], *, title: str, purpose: str, weeks: int, reason: str) -> Consultation:
    """One consultation with its dates, lead officer and, for most closed ones, a "you said, we did" summary."""
    start, end = _dates(rng, today, index, weeks)
    # The "you said, we did" summary follows a few weeks after closing, for most.
    published = end + datetime.timedelta(days=rng.randint(21, 50))
    summary = published <= today and rng.random() < 0.85
    consultation = Consultation(
        title=title,
        purpose=purpose,
        start_date=start,
        end_date=end,
        short_reason=reason,
        lead_officer=rng.choice(leads),
        you_said_we_did=rng.choice(SUMMARIES) if summary else "",
        summary_published_on=published if summary else None,
        created_at=at(start - 7 * DAY),
        updated_at=at(published if summary else start),
    )
    with dated(Consultation, "created_at", "updated_at"):
        consultation.save()
    return consultation


def _invite(
    rng: random.Random, ctx: DemoContext, consultation: Consultation, active: list[Organisation], with_members: list[Organisation], *, last: bool
) -> list[Organisation]:
    """Invite some active organisations, always a few with members; the open (last) one reaches the demo vcs user's portal."""
    invited = rng.sample(active, min(len(active), rng.randint(15, 60)))
    invited = list(dict.fromkeys([*rng.sample(with_members, min(len(with_members), 6)), *invited]))
    if last and ctx.vcs_organisation is not None and ctx.vcs_organisation not in invited:
        invited.append(ctx.vcs_organisation)
    invited_model = Consultation.invited.through
    invited_model.objects.bulk_create([invited_model(consultation_id=consultation.pk, organisation_id=organisation.pk) for organisation in invited])
    return invited


def _respond(rng: random.Random, ctx: DemoContext, consultation: Consultation, invited: list[Organisation], members: dict[int, int]) -> None:
    """Responses from some invited organisations with members (the demo vcs user answers an open one themselves)."""
    responding = [organisation for organisation in invited if organisation.pk in members and rng.random() < 0.6]
    still_open = consultation.start_date <= ctx.today <= consultation.end_date
    vcs_pk = getattr(ctx.vcs_organisation, "pk", None)
    responses = [
        _response(rng, ctx.today, consultation, organisation, members[organisation.pk])
        for organisation in responding
        if not (still_open and organisation.pk == vcs_pk)
    ]
    with dated(ConsultationResponse, "created_at", "updated_at"):
        ConsultationResponse.objects.bulk_create(responses)


def _response(rng: random.Random, today: datetime.date, consultation: Consultation, organisation: Organisation, submitted_by_id: int) -> ConsultationResponse:
    start, end = consultation.start_date, consultation.end_date
    response = ConsultationResponse(
        consultation=consultation,
        organisation=organisation,
        submitted_by_id=submitted_by_id,
        text=rng.choice(RESPONSES),
        created_at=at(min(today, start + datetime.timedelta(days=rng.randint(3, max(3, (end - start).days)))), rng.randint(0, 400)),
    )
    response.updated_at = response.created_at
    return response
