"""The register: organisations, their identifiers, areas of work, contacts and deliberate duplicates (demo generator steps)."""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lightbulb.demo import words
from lightbulb.demo.generator.bulk import bulk_insert, insert_rows
from lightbulb.demo.generator.context import TOWN
from lightbulb.demo.rows import slug
from lightbulb.organisations.models import (
    AreaOfWork,
    Contact,
    IdentifierScheme,
    LegalForm,
    Organisation,
    OrganisationIdentifier,
    OrganisationStatus,
)
from lightbulb.organisations.normalise import search_key
from lightbulb.organisations.services import name_key
from lightbulb.places.models import Ward

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale


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
        domain = slug(organisation.name).replace("-", "")[:40] + ".example"
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
            email=f"{slug(first)}.{slug(last)}@mail.example",
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
    for plan in plans:
        # Bulk writes skip save(): fill the keys register search reads.
        plan.organisation.name_key = name_key(plan.organisation.name)
        plan.organisation.search_key = search_key(plan.organisation.name, plan.organisation.other_names)
    organisations = bulk_insert([plan.organisation for plan in plans])
    # Plain rows rather than model instances for the rows nothing reads back: far less work per row.
    identifiers: list[dict[str, Any]] = []
    served: list[dict[str, Any]] = []
    areas: list[dict[str, Any]] = []
    contacts: list[Contact] = []
    for plan, organisation in zip(plans, organisations, strict=True):
        identifiers += [{"organisation_id": organisation.pk, "scheme": scheme, "value": value, "source": "Demo data"} for scheme, value in plan.identifiers]
        served += [{"organisation_id": organisation.pk, "ward_id": ward_id} for ward_id in plan.wards_served]
        areas += [{"organisation_id": organisation.pk, "areaofwork_id": ctx.areas_of_work[name].pk} for name in plan.areas]
        for contact in plan.contacts:
            contact.organisation = organisation
            contacts.append(contact)
    insert_rows(OrganisationIdentifier, identifiers)
    insert_rows(Organisation.wards_served.through, served)
    insert_rows(Organisation.areas_of_work.through, areas)
    bulk_insert(contacts)


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
