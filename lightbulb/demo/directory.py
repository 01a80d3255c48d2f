"""The `seed_directory` step: services organisations run, described for the open directory (Open Referral UK).

A share of the sample organisations describe one to three services each, classified from the
taxonomy Lightbulb ships, serving their own ward and a neighbour, delivered at a hall or centre
with an address (and a position near its ward's centre, once the ward has a boundary), running
once or twice a week; most agreed to publish them, some have not. The demo `vcs` user's organisation has
a published service and a draft it has not agreed to publish yet.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from lightbulb.directory.models import Service, ServiceLocation, ServiceSchedule, ServiceStatus, TaxonomyTerm
from lightbulb.opendata.openreferral import boundary_centre
from lightbulb.organisations.models import Organisation
from lightbulb.places.models import Ward

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

# (name, what it offers, kinds of service, ages)
SERVICES = [
    ("Community pantry", "Low-cost food for anyone on a low income: fresh fruit, vegetables and store-cupboard food each week.", ["food"], (None, None)),
    ("Benefits and debt advice", "Free, confidential help with benefits, debts and bills, by appointment or at a drop-in.", ["advice"], (18, None)),
    (
        "Lunch club",
        "A hot two-course meal and company for older people every week, with transport for those who need it.",
        ["older-people", "food"],
        (60, None),
    ),
    ("Youth club", "Games, sport, music and a safe space for young people, with trained youth workers.", ["children-families", "sport-leisure"], (11, 18)),
    ("Stay and play", "Play sessions for babies and toddlers with their parents and carers.", ["children-families"], (0, 4)),
    ("Walking group", "Gentle led walks in local parks for people who want to get active and meet others.", ["sport-leisure", "mental-health"], (None, None)),
    ("Peer support group", "A friendly group for people living with anxiety or low mood, led by people who have been there.", ["mental-health"], (16, None)),
    ("Digital drop-in", "Help with phones, tablets and getting online, from setting up e-mail to booking appointments.", ["digital"], (None, None)),
    ("Community garden", "Grow fruit and vegetables together; no experience needed, tools provided.", ["environment", "volunteering"], (None, None)),
    ("Dial-a-ride", "Door-to-door minibus for people who cannot use buses, for shopping and appointments.", ["transport", "older-people"], (None, None)),
    ("Job club", "Help with CVs, applications and interviews, and links to local training.", ["employment"], (16, None)),
    ("Carers' café", "A break and a chat for unpaid carers, with information about support available.", ["health", "mental-health"], (None, None)),
]
PLACES = ["Community Centre", "Church Hall", "Library", "Youth Centre", "Family Hub", "Sports Pavilion"]
STREETS = ["High Street", "Church Lane", "Station Road", "Park Avenue", "Mill Road", "Victoria Street", "Queens Road"]


def _service(rnd: random.Random, organisation: Organisation, index: int) -> Service:
    name, description, _kinds, (low, high) = SERVICES[index % len(SERVICES)]
    return Service(
        organisation=organisation,
        name=name,
        description=description,
        status=ServiceStatus.ACTIVE if rnd.random() > 0.08 else ServiceStatus.TEMPORARILY_CLOSED,
        fees=rnd.choice(["Free", "Free", "£2 a session", "Pay what you can", ""]),
        minimum_age=low,
        maximum_age=high,
        contact_name=rnd.choice(["Sam Patel", "Jo Williams", "Chris Okafor", "Alex Green", ""]),
        contact_title=rnd.choice(["Coordinator", "Volunteer lead", "Project worker"]),
    )


def _agreed(service: Service, by: object, now: datetime.datetime) -> Service:
    service.publish, service.publish_agreed_by, service.publish_agreed_at = True, by, now  # type: ignore[assignment]
    return service


def _plans(rnd: random.Random, ctx: DemoContext) -> list[tuple[Service, list[str]]]:
    """The services to describe, with their kinds: a share of the sample organisations', then the demo member's two."""
    vcs_pk = getattr(ctx.vcs_organisation, "pk", None)
    organisations = [org for org in ctx.sample_organisations if org.pk != vcs_pk]
    now = timezone.now()
    plans: list[tuple[Service, list[str]]] = []
    for organisation in organisations[: max(6, len(organisations) // 2)]:
        for _ in range(rnd.choice([1, 1, 2, 3])):
            index = rnd.randrange(len(SERVICES))
            service = _service(rnd, organisation, index)
            if rnd.random() < 0.85:
                _agreed(service, ctx.users.get("officer"), now)
            plans.append((service, SERVICES[index][2]))
    if ctx.vcs_organisation is not None:
        plans.append((_agreed(_service(rnd, ctx.vcs_organisation, 0), ctx.users.get("vcs"), now), SERVICES[0][2]))
        plans.append((_service(rnd, ctx.vcs_organisation, 7), SERVICES[7][2]))
    return plans


# Sessions a service may run: (opens, closes).
SESSIONS = [(datetime.time(9, 30), datetime.time(12, 0)), (datetime.time(13, 0), datetime.time(15, 30)), (datetime.time(18, 0), datetime.time(20, 0))]


def _schedules(service: Service) -> list[ServiceSchedule]:
    """One or two weekly sessions, drawn from the service's own seed so the other steps' draws are unchanged."""
    own = random.Random(f"{service.organisation.name}|{service.name}")
    opens, closes = own.choice(SESSIONS)
    days = sorted(own.sample(range(1, 7), own.choice([1, 1, 2])))
    return [ServiceSchedule(service=service, weekday=day, opens_at=opens, closes_at=closes) for day in days]


def _position(place: ServiceLocation, centre: tuple[float, float] | None) -> ServiceLocation:
    """Within a few hundred metres of the ward's centre, from the place's own seed."""
    if centre is not None:
        own = random.Random(f"{place.name}|{place.address_1}")
        place.latitude = Decimal(f"{centre[0] + own.uniform(-0.003, 0.003):.6f}")
        place.longitude = Decimal(f"{centre[1] + own.uniform(-0.005, 0.005):.6f}")
    return place


def _place(rnd: random.Random, service: Service, ctx: DemoContext, served: list[Any], centres: dict[int, Any]) -> ServiceLocation | None:
    """Serve the organisation's own ward and a neighbour (rows added to `served`), delivered at a hall in its ward."""
    wards = ctx.wards
    home = getattr(service.organisation, "ward", None) or (rnd.choice(wards) if wards else None)
    if home is None:
        return None
    ward_ids = sorted({home.pk, rnd.choice(wards).pk if wards else home.pk})
    served += [Service.wards.through(service_id=service.pk, ward_id=ward_id) for ward_id in ward_ids]
    place = ServiceLocation(
        service=service,
        name=f"{home.name} {rnd.choice(PLACES)}",
        address_1=f"{rnd.randint(1, 120)} {rnd.choice(STREETS)}",
        city="Anytown",
        postcode=rnd.choice(ctx.ward_postcodes.get(home.pk) or ["AT1 1AA"]),
    )
    return _position(place, centres.get(home.pk))


def seed_directory(rnd: random.Random, scale: Scale, ctx: DemoContext) -> None:
    terms = {term.code: term for term in TaxonomyTerm.objects.all()}
    plans = _plans(rnd, ctx)
    Service.objects.bulk_create([service for service, _kinds in plans])
    places: list[ServiceLocation] = []
    # The services' kinds and wards go in as through rows in bulk: one write per table, not two per service.
    classified: list[Any] = []
    served: list[Any] = []
    schedules: list[ServiceSchedule] = []
    centres = {pk: boundary_centre(boundary) for pk, boundary in Ward.objects.exclude(boundary=None).values_list("pk", "boundary")}
    for service, kinds in plans:
        classified += [Service.terms.through(service_id=service.pk, taxonomyterm_id=terms[code].pk) for code in dict.fromkeys(kinds) if code in terms]
        place = _place(rnd, service, ctx, served, centres)
        if place is not None:
            places.append(place)
        schedules += _schedules(service)
    Service.terms.through.objects.bulk_create(classified)
    Service.wards.through.objects.bulk_create(served)
    ServiceLocation.objects.bulk_create(places)
    ServiceSchedule.objects.bulk_create(schedules)
