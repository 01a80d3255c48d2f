"""The deterministic demo council generator (PRODUCT.md §4).

`generate(scale, seed)` builds "Anytown": the council, wards, postcodes,
councillors, organisations, demo users and pending claims. The same seed gives
the same council: each step draws from its own `random.Random` seeded with the
seed and the step's name, so a step added later (funding, assets…) does not
change what the earlier steps produce.

Rows are written straight through the ORM in batches (`bulk_create`): the demo
is data the council never typed, so it carries no audit events, and the
national scale (400,000 organisations) must keep memory flat. Every row is
still consistent: name keys filled, each organisation's ward taken from its
postcode, identifiers valid.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import Membership, User
from lightbulb.core.roles import Role
from lightbulb.demo import words
from lightbulb.demo.commissioning import AgreementInfo, seed_agreements, seed_decommissioning, seed_returns_and_payments
from lightbulb.demo.consultations import seed_compact
from lightbulb.organisations.models import (
    AreaOfWork,
    Contact,
    IdentifierScheme,
    LegalForm,
    Organisation,
    OrganisationClaim,
    OrganisationIdentifier,
    OrganisationStatus,
)
from lightbulb.organisations.services import name_key
from lightbulb.places.models import Council, Councillor, Locality, Postcode, Ward

COUNCIL_NAME = "Anytown Council"
COUNCIL_GSS_CODE = "E06000999"
COUNCIL_ORG_ID = "GB-LAE-ANY"
COUNCIL_GRANT_PREFIX = "360G-anytown"
TOWN = "Anytown"
# Every demo account signs in with this password (demo settings only; shown on the sign-in page).
DEMO_PASSWORD = "anytown-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    role: str
    email: str
    full_name: str
    job_title: str = ""
    # Base32 secret of the confirmed authenticator, for the roles that need two-factor authentication.
    totp_secret: str = ""


# Fixed secrets, documented in the README, so evaluators can add them to an authenticator app.
DEMO_USERS = [
    DemoUser(Role.OFFICER, "officer@anytown.example", "Priya Castellano", "Community partnerships officer", "ANYTOWNOFFICERDEMOTWOFACTORSEEDA"),
    DemoUser(Role.COUNCILLOR, "councillor@anytown.example", "", "Ward councillor"),
    DemoUser(Role.INVESTIGATOR, "investigator@anytown.example", "Declan Wickham", "Counter-fraud investigator", "ANYTOWNINVESTIGATORDEMOTWOFACTOR"),
    DemoUser(Role.ADMIN, "admin@anytown.example", "Ruth Osei", "Systems administrator", "ANYTOWNADMINDEMOTWOFACTORSEEDABC"),
    DemoUser(Role.STAFF, "staff@anytown.example", "Femi Lindqvist", "Library assistant"),
    DemoUser(Role.VCS, "vcs@anytown.example", "Tess Brightwell", ""),
]


@dataclass(frozen=True)
class Scale:
    name: str
    wards: int
    localities: int
    organisations: int
    postcodes_per_ward: int
    # Pairs of each kind of deliberate duplicate (same charity number; near-identical name at one postcode).
    duplicate_pairs: int
    # Avoid repeating a name exactly where the word lists allow it (not at national scale: memory stays flat).
    unique_names: bool = True
    batch_size: int = 2000
    # Funding agreements over the last five financial years (with their returns, payments and decommissionings).
    agreements: int = 0


SCALES = {
    # For the test suite only: small enough to build in a fraction of a second.
    "tiny": Scale("tiny", wards=4, localities=2, organisations=40, postcodes_per_ward=4, duplicate_pairs=2, agreements=60),
    "council": Scale("council", wards=20, localities=4, organisations=600, postcodes_per_ward=12, duplicate_pairs=3, agreements=1500),
    "city": Scale("city", wards=70, localities=8, organisations=8000, postcodes_per_ward=12, duplicate_pairs=10, agreements=30_000),
    # The national scale benchmarks the register: funding stays at the council's size.
    "national": Scale(
        "national",
        wards=9000,
        localities=400,
        organisations=400_000,
        postcodes_per_ward=4,
        duplicate_pairs=50,
        unique_names=False,
        batch_size=5000,
        agreements=1500,
    ),
}
PUBLIC_SCALES = ["council", "city", "national"]


@dataclass
class DemoContext:
    """What the steps build, for the steps after them."""

    scale: Scale
    seed: int
    today: datetime.date
    password_hash: str = ""
    council: Council | None = None
    wards: list[Ward] = field(default_factory=list)
    ward_postcodes: dict[int, list[str]] = field(default_factory=dict)
    areas_of_work: dict[str, AreaOfWork] = field(default_factory=dict)
    # The first batch of organisations, kept for later steps (memberships, claims, agreements…).
    sample_organisations: list[Organisation] = field(default_factory=list)
    # (original pk, duplicate pk, kind) of the deliberate duplicates.
    duplicate_pairs: list[tuple[int, int, str]] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    # The organisation the demo `vcs` user leads.
    vcs_organisation: Organisation | None = None
    # Accountable officers besides the demo officer, and what the funding steps need of each agreement.
    officers: list[User] = field(default_factory=list)
    agreements: list[AgreementInfo] = field(default_factory=list)


Step = Callable[[random.Random, Scale, DemoContext], None]


def demo_council_exists() -> bool:
    return Council.objects.filter(gss_code=COUNCIL_GSS_CODE).exists()


def totp_key_hex(secret: str) -> str:
    """The hex key django-otp stores for a base32 secret."""
    return binascii.hexlify(base64.b32decode(secret)).decode()


# ---------------------------------------------------------------- places


def ward_names(rng: random.Random, count: int) -> list[str]:
    """`count` different invented place names, such as "Millbrook" or "St Anne's"."""
    bases = [stem + ending for stem in words.PLACE_STEMS for ending in words.PLACE_ENDINGS]
    bases += [f"St {saint}'s" for saint in words.SAINTS]
    rng.shuffle(bases)
    # Saints first in small councils too, so every scale has a "St Anne's"-style ward.
    saints = [name for name in bases if name.startswith("St ")]
    others = [name for name in bases if not name.startswith("St ")]
    ordered = saints[:2] + others + saints[2:]
    names = [name + qualifier for qualifier in words.PLACE_QUALIFIERS for name in ordered]
    if count > len(names):
        raise ValueError(f"The word lists make {len(names)} ward names; {count} were asked for")
    chosen = names[:count]
    rng.shuffle(chosen)
    return chosen


_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # as Royal Mail: no C, I, K, M, O or V in the inward code


def postcode_at(district: int, position: int) -> str:
    """The `position`th postcode of district AT`district`, scattered across its sectors."""
    index = (position * 37) % 4000  # 37 is prime to 4000: a permutation, so no repeats
    sector, letters = divmod(index, 400)
    return f"AT{district} {sector}{_INWARD_LETTERS[letters // 20]}{_INWARD_LETTERS[letters % 20]}"


def _ward_postcodes(scale: Scale, ward_index: int) -> list[str]:
    """Neighbouring wards share a postcode district, as they do in a real town."""
    districts = min(99, max(1, scale.wards // 2))
    district = ward_index * districts // scale.wards
    first_in_district = -(-district * scale.wards // districts)  # ceiling division
    position = ward_index - first_in_district
    start = position * scale.postcodes_per_ward
    return [postcode_at(district + 1, start + offset) for offset in range(scale.postcodes_per_ward)]


def _locality_names(count: int) -> list[str]:
    base = words.LOCALITY_NAMES
    return [base[i] if i < len(base) else f"{base[i % len(base)]} {i // len(base) + 1}" for i in range(count)]


def seed_places(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """The council, its localities, wards, postcodes and councillors."""
    ctx.council = Council.objects.create(name=COUNCIL_NAME, gss_code=COUNCIL_GSS_CODE, org_id=COUNCIL_ORG_ID, grant_prefix=COUNCIL_GRANT_PREFIX)
    localities = Locality.objects.bulk_create([Locality(name=name, description=f"Neighbourhood area: {name}") for name in _locality_names(scale.localities)])
    names = ward_names(rng, scale.wards)
    wards = [
        Ward(gss_code=f"E05{900000 + index:06d}", name=name, locality=localities[index * scale.localities // scale.wards]) for index, name in enumerate(names)
    ]
    ctx.wards = []
    for batch in _batches(wards, scale.batch_size):
        ctx.wards.extend(Ward.objects.bulk_create(batch))
    postcodes: list[Postcode] = []
    for index, ward in enumerate(ctx.wards):
        ctx.ward_postcodes[ward.pk] = _ward_postcodes(scale, index)
        postcodes.extend(Postcode(postcode=code, ward=ward) for code in ctx.ward_postcodes[ward.pk])
    for batch in _batches(postcodes, scale.batch_size):
        Postcode.objects.bulk_create(batch)
    _seed_councillors(rng, scale, ctx)


def _seed_councillors(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    # All-out elections every four years, with the odd by-election since.
    election = datetime.date(2023, 5, 4)
    councillors: list[Councillor] = []
    for ward in ctx.wards:
        for _seat in range(rng.choice((2, 3, 3))):
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            start = election if rng.random() < 0.9 else election + datetime.timedelta(days=rng.randint(200, 900))
            councillors.append(
                Councillor(
                    name=f"{first} {last}",
                    ward=ward,
                    party=rng.choices(words.PARTIES, weights=(30, 25, 18, 10, 12, 5))[0],
                    email=f"cllr.{_slug(first)}.{_slug(last)}@anytown.example",
                    term_start=start,
                    term_end=datetime.date(2027, 5, 6),
                )
            )
    for batch in _batches(councillors, scale.batch_size):
        Councillor.objects.bulk_create(batch)


# ---------------------------------------------------------------- organisations


def seed_areas_of_work(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """The managed list of areas of work (kept if an administrator already made it)."""
    for name in words.AREAS_OF_WORK:
        ctx.areas_of_work[name], _ = AreaOfWork.objects.get_or_create(name=name)


@dataclass
class _Numbers:
    """Identifier numbers that never repeat within one run: a fixed stride through each range from a random start."""

    charity: int
    company: int
    mutual: int
    counts: dict[str, int] = field(default_factory=lambda: {"charity": 0, "company": 0, "mutual": 0})

    def next(self, kind: str) -> str:
        n = self.counts[kind]
        self.counts[kind] += 1
        if kind == "charity":
            return str(1_000_000 + (self.charity + n * 7919) % 900_000)
        if kind == "company":
            return f"{9_000_000 + (self.company + n * 7919) % 9_000_000:08d}"
        return f"{10_000 + (self.mutual + n * 7919) % 90_000}R"


_IDENTIFIER_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    LegalForm.CHARITY: ((IdentifierScheme.CHC, "charity"),),
    LegalForm.CIO: ((IdentifierScheme.CHC, "charity"),),
    LegalForm.CHARITABLE_COMPANY: ((IdentifierScheme.CHC, "charity"), (IdentifierScheme.COH, "company")),
    LegalForm.CIC: ((IdentifierScheme.COH, "company"),),
    LegalForm.CLG: ((IdentifierScheme.COH, "company"),),
    LegalForm.CBS: ((IdentifierScheme.MPR, "mutual"),),
    LegalForm.COOPERATIVE: ((IdentifierScheme.MPR, "mutual"),),
    LegalForm.MUTUAL: ((IdentifierScheme.MPR, "mutual"),),
}
_STATUSES = (OrganisationStatus.ACTIVE, OrganisationStatus.DORMANT, OrganisationStatus.DISSOLVED, OrganisationStatus.REMOVED)
_STATUS_WEIGHTS = (85, 8, 5, 2)


@dataclass
class _PlannedOrganisation:
    organisation: Organisation
    identifiers: list[tuple[str, str]]
    wards_served: list[int]
    areas: list[str]
    contacts: list[Contact]


class _OrganisationPlanner:
    """Draws one organisation at a time from the seeded Random."""

    def __init__(self, rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
        self.rng, self.scale, self.ctx = rng, scale, ctx
        self.numbers = _Numbers(rng.randrange(900_000), rng.randrange(9_000_000), rng.randrange(90_000))
        self.used_names: set[str] = set()

    def name(self, ward: Ward) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        rng = self.rng
        for _attempt in range(12):
            pattern, forms, areas = rng.choice(words.ORGANISATION_PATTERNS)
            roll = rng.random()
            place = ward.name if roll < 0.6 else TOWN if roll < 0.7 else rng.choice(self.ctx.wards).name if roll < 0.85 else self.street_place()
            name = pattern.format(place=place, street=rng.choice(words.STREET_STEMS), person=rng.choice(words.LAST_NAMES))
            if not self.scale.unique_names or name not in self.used_names:
                break
        if self.scale.unique_names:
            self.used_names.add(name)
        return name, forms, areas

    def street_place(self) -> str:
        return f"{self.rng.choice(words.STREET_STEMS)} {self.rng.choice(words.STREET_ENDINGS)}"

    def plan(self) -> _PlannedOrganisation:
        rng = self.rng
        ward = rng.choice(self.ctx.wards)
        name, forms, areas = self.name(ward)
        legal_form = rng.choice(forms)
        organisation = Organisation(
            name=name,
            name_key=name_key(name),
            legal_form=legal_form,
            status=rng.choices(_STATUSES, weights=_STATUS_WEIGHTS)[0],
            postcode=rng.choice(self.ctx.ward_postcodes[ward.pk]),
            ward=ward,
            address=f"{rng.randint(1, 180)} {self.street_place()}\n{TOWN}",
            description=f"{name} works with people in and around {ward.name}: {', '.join(areas).lower()}.",
            date_registered=self.ctx.today - datetime.timedelta(days=rng.randint(200, 40 * 365)),
        )
        self.contact_details(organisation)
        self.income(organisation)
        if rng.random() < 0.08:
            organisation.other_names = f"{ward.name} {rng.choice(('Community Association', 'Network', 'Project'))}"
        identifiers = [(scheme, self.numbers.next(kind)) for scheme, kind in _IDENTIFIER_KINDS.get(legal_form, ())]
        served = {ward.pk, *(rng.choice(self.ctx.wards).pk for _ in range(rng.choice((0, 0, 1, 2))))}
        chosen_areas = list(areas) + ([rng.choice(words.AREAS_OF_WORK)] if rng.random() < 0.3 else [])
        contacts = [self.contact(organisation) for _ in range(rng.choice((0, 0, 0, 1, 1, 2)))]
        return _PlannedOrganisation(organisation, identifiers, sorted(served), sorted(set(chosen_areas)), contacts)

    def contact_details(self, organisation: Organisation) -> None:
        rng = self.rng
        domain = _slug(organisation.name).replace("-", "")[:40] + ".example"
        if rng.random() < 0.45:
            organisation.website = f"https://www.{domain}/"
        if rng.random() < 0.6:
            organisation.email = f"hello@{domain}"
        if rng.random() < 0.5:
            # Ofcom keeps 01632 960000–960999 for drama: never a real number.
            organisation.phone = f"01632 960{rng.randint(0, 999):03d}"

    def income(self, organisation: Organisation) -> None:
        rng = self.rng
        if organisation.legal_form == LegalForm.UNINCORPORATED and rng.random() < 0.5:
            return
        income = rng.lognormvariate(10.3, 1.4)
        organisation.latest_income = Decimal(int(income // 100) * 100)
        year = self.ctx.today.year - (1 if self.ctx.today.month > 3 else 2)
        organisation.latest_income_year_end = datetime.date(year, 3, 31)

    def contact(self, organisation: Organisation) -> Contact:
        rng = self.rng
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        consent = self.ctx.today - datetime.timedelta(days=rng.randint(20, 900))
        return Contact(
            organisation=organisation,
            name=f"{first} {last}",
            role=rng.choice(words.CONTACT_ROLES),
            email=f"{_slug(first)}.{_slug(last)}@mail.example",
            phone=f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.5 else "",  # Ofcom drama mobile range
            purpose=rng.choice(words.CONTACT_PURPOSES),
            consent_given_on=consent,
            retain_until=consent + datetime.timedelta(days=3 * 365),
        )


def seed_organisations(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """The register: organisations with identifiers, wards served, areas of work and contacts, in batches."""
    planner = _OrganisationPlanner(rng, scale, ctx)
    # The deliberate duplicates make up the rest of the total (there are always enough of each kind in the first batch).
    remaining = scale.organisations - 2 * scale.duplicate_pairs
    while remaining > 0:
        size = min(scale.batch_size, remaining)
        plans = [planner.plan() for _ in range(size)]
        _write_batch(plans, ctx)
        if not ctx.sample_organisations:
            ctx.sample_organisations = [plan.organisation for plan in plans]
        remaining -= size
    _seed_duplicates(rng, scale, ctx, planner)


def _write_batch(plans: list[_PlannedOrganisation], ctx: DemoContext) -> None:
    organisations = Organisation.objects.bulk_create([plan.organisation for plan in plans])
    served_model = Organisation.wards_served.through
    areas_model = Organisation.areas_of_work.through
    identifiers, served, areas, contacts = [], [], [], []
    for plan, organisation in zip(plans, organisations, strict=True):
        identifiers += [OrganisationIdentifier(organisation=organisation, scheme=scheme, value=value, source="Demo data") for scheme, value in plan.identifiers]
        served += [served_model(organisation_id=organisation.pk, ward_id=ward_id) for ward_id in plan.wards_served]
        areas += [areas_model(organisation_id=organisation.pk, areaofwork_id=ctx.areas_of_work[name].pk) for name in plan.areas]
        for contact in plan.contacts:
            contact.organisation = organisation
            contacts.append(contact)
    OrganisationIdentifier.objects.bulk_create(identifiers)
    served_model.objects.bulk_create(served)
    areas_model.objects.bulk_create(areas)
    Contact.objects.bulk_create(contacts)


_NEAR_NAME_CHANGES: list[Callable[[str], str]] = [
    lambda name: name.replace(" and ", " & ") if " and " in name else name + " Ltd",
    lambda name: name.replace("'", "") if "'" in name else name.upper(),
    lambda name: re.sub(r"(\w)(\w)(\w)(\w*)$", r"\1\3\2\4", name),  # two letters swapped in the last word, as typed in a hurry
]


def _seed_duplicates(rng: random.Random, scale: Scale, ctx: DemoContext, planner: _OrganisationPlanner) -> None:
    """Records duplicate detection should find: the same charity number twice, and near-identical names at one postcode."""
    charities = [organisation for organisation in ctx.sample_organisations if organisation.legal_form in (LegalForm.CHARITY, LegalForm.CIO)]
    charity_pks = {organisation.pk for organisation in charities}
    others = [organisation for organisation in ctx.sample_organisations if organisation.pk not in charity_pks]
    same_number = rng.sample(charities, min(scale.duplicate_pairs, len(charities)))
    originals = same_number + rng.sample(others, min(scale.duplicate_pairs, len(others)))
    plans = []
    for index, original in enumerate(originals):
        plan = planner.plan()
        copy = plan.organisation
        copy.legal_form, copy.ward = original.legal_form, original.ward
        plan.wards_served = [original.ward_id]  # type: ignore[list-item]
        if index < len(same_number):
            # Registered again from an old address, under the charity's formal name.
            copy.name = f"The {original.name}" if original.name.endswith(" Trust") else f"The {original.name} Trust"
            plan.identifiers = list(original.identifiers.values_list("scheme", "value"))
            copy.postcode = rng.choice(ctx.ward_postcodes[original.ward_id])  # type: ignore[index]
        else:
            copy.name = rng.choice(_NEAR_NAME_CHANGES)(original.name)
            copy.postcode, copy.address = original.postcode, original.address
            plan.identifiers = []
        copy.name_key = name_key(copy.name)
        plans.append(plan)
    _write_batch(plans, ctx)
    kinds = ["same charity number"] * len(same_number) + ["near-identical name at one postcode"] * (len(originals) - len(same_number))
    ctx.duplicate_pairs = [(original.pk, plan.organisation.pk, kind) for original, plan, kind in zip(originals, plans, kinds, strict=True)]


# ---------------------------------------------------------------- users


def seed_users(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """One demo user per role; the councillor is a ward councillor, the vcs user leads one organisation."""
    ctx.password_hash = ctx.password_hash or make_password(DEMO_PASSWORD)
    councillor = Councillor.objects.filter(ward=ctx.wards[0]).order_by("pk").first()
    assert councillor is not None
    for demo in DEMO_USERS:
        full_name = demo.full_name or councillor.name
        user = User.objects.create(
            email=demo.email, full_name=full_name, role=demo.role, job_title=demo.job_title, password=ctx.password_hash, service_area=_service_area(demo.role)
        )
        ctx.users[demo.role] = user
        if demo.totp_secret:
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True, key=totp_key_hex(demo.totp_secret))
    councillor.user = ctx.users[Role.COUNCILLOR]
    councillor.email = ctx.users[Role.COUNCILLOR].email
    councillor.save(update_fields=["user", "email", "updated_at"])
    ctx.vcs_organisation = demo_vcs_organisation(ctx)
    Membership.objects.create(user=ctx.users[Role.VCS], organisation=ctx.vcs_organisation, role=Membership.MemberRole.LEAD)


_SERVICE_AREAS: dict[str, str] = {
    Role.OFFICER: "Communities and partnerships",
    Role.INVESTIGATOR: "Internal audit and counter-fraud",
    Role.ADMIN: "Digital services",
    Role.STAFF: "Libraries",
}


def _service_area(role: str) -> str:
    return _SERVICE_AREAS.get(role, "")


def demo_vcs_organisation(ctx: DemoContext) -> Organisation:
    """The organisation the demo `vcs` user leads: the first active registered charity generated."""
    for organisation in ctx.sample_organisations:
        if organisation.status == OrganisationStatus.ACTIVE and organisation.legal_form in (LegalForm.CHARITY, LegalForm.CIO):
            return organisation
    return ctx.sample_organisations[0]


_CLAIMANTS = [("Kofi Mensah", "Treasurer"), ("Agnieszka Nowak", "Secretary"), ("Gareth Fenwick", "Founder and co-ordinator")]


def seed_claims(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """Three claims waiting for an officer: two for existing organisations, one proposing a new one."""
    taken = demo_vcs_organisation(ctx)
    candidates = [organisation for organisation in ctx.sample_organisations if organisation.pk != taken.pk and organisation.status == OrganisationStatus.ACTIVE]
    claimed = rng.sample(candidates, 2)
    ward = rng.choice(ctx.wards)
    for index, (full_name, role) in enumerate(_CLAIMANTS):
        first, last = full_name.split()
        user = User.objects.create(email=f"{_slug(first)}.{_slug(last)}@mail.example", full_name=full_name, role=Role.VCS, password=ctx.password_hash)
        if index < len(claimed):
            organisation = claimed[index]
            claim = OrganisationClaim(
                user=user,
                organisation=organisation,
                role_in_organisation=role,
                evidence=f"I am listed as {role.lower()} in our latest annual report; our chair can confirm on {organisation.phone or '01632 960123'}.",
            )
        else:
            postcode = ctx.ward_postcodes[ward.pk][0]
            claim = OrganisationClaim(
                user=user,
                proposed_name=f"{ward.name} Repair Café",
                proposed_details={
                    "legal_form": LegalForm.UNINCORPORATED.value,
                    "address": f"The Old Library, {rng.choice(words.STREET_STEMS)} Street\n{TOWN}",
                    "postcode": postcode,
                    "email": f"{_slug(ward.name)}-repair@mail.example",
                    "description": "Volunteers mend household items once a month so they are not thrown away.",
                },
                role_in_organisation=role,
                evidence="We started in the spring; the community centre manager can vouch for us.",
            )
        claim.full_clean()
        claim.save()
        OrganisationClaim.objects.filter(pk=claim.pk).update(created_at=claim.created_at - datetime.timedelta(days=2 * (len(_CLAIMANTS) - index)))


# ---------------------------------------------------------------- running


STEPS: list[Step] = [
    seed_places,
    seed_areas_of_work,
    seed_organisations,
    seed_users,
    seed_claims,
    seed_agreements,
    seed_returns_and_payments,
    seed_decommissioning,
    seed_compact,
]


def generate(scale: Scale | str, seed: int, *, today: datetime.date | None = None, steps: list[Step] | None = None) -> DemoContext:
    """Build the demo council in one transaction. `today` anchors dates (the real date by default)."""
    chosen = SCALES[scale] if isinstance(scale, str) else scale
    ctx = DemoContext(scale=chosen, seed=seed, today=today or datetime.date.today())
    with transaction.atomic():
        for step in steps or STEPS:
            # Each step has its own stream, so adding a step never changes the others' output.
            step(random.Random(f"{seed}:{step.__name__}"), chosen, ctx)
    return ctx


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
