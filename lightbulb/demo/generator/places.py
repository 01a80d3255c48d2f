"""The council, its localities, wards, postcodes and councillors (a demo generator step)."""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from lightbulb.demo import words
from lightbulb.demo.generator.context import COUNCIL_GRANT_PREFIX, COUNCIL_GSS_CODE, COUNCIL_NAME, COUNCIL_ORG_ID
from lightbulb.demo.rows import batches, slug
from lightbulb.places.models import Council, Councillor, Locality, Postcode, Ward

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale


def demo_council_exists() -> bool:
    return Council.objects.filter(gss_code=COUNCIL_GSS_CODE).exists()


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
    for batch in batches(wards, scale.batch_size):
        ctx.wards.extend(Ward.objects.bulk_create(batch))
    postcodes: list[Postcode] = []
    for index, ward in enumerate(ctx.wards):
        ctx.ward_postcodes[ward.pk] = _ward_postcodes(scale, index)
        postcodes.extend(Postcode(postcode=code, ward=ward) for code in ctx.ward_postcodes[ward.pk])
    for batch in batches(postcodes, scale.batch_size):
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
                    email=f"cllr.{slug(first)}.{slug(last)}@anytown.example",
                    term_start=start,
                    term_end=datetime.date(2027, 5, 6),
                )
            )
    for batch in batches(councillors, scale.batch_size):
        Councillor.objects.bulk_create(batch)
