"""The `seed_directory` step: services organisations run, described for the open directory (Open Referral UK).

A share of the sample organisations describe one to three services each, classified from the
taxonomy Lightbulb ships, serving their own ward and a neighbour, delivered at a hall or centre
with an address; most agreed to publish them, some have not. The demo `vcs` user's organisation has
a published service and a draft it has not agreed to publish yet.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from django.utils import timezone

from lightbulb.directory.models import Service, ServiceLocation, ServiceStatus, TaxonomyTerm
from lightbulb.organisations.models import Organisation

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


def seed_directory(rnd: random.Random, scale: Scale, ctx: DemoContext) -> None:
    terms = {term.code: term for term in TaxonomyTerm.objects.all()}
    wards = ctx.wards
    organisations = [org for org in ctx.sample_organisations if org.pk != getattr(ctx.vcs_organisation, "pk", None)]
    chosen = organisations[: max(6, len(organisations) // 2)]
    officer = ctx.users.get("officer")
    member = ctx.users.get("vcs")
    now = timezone.now()
    plans: list[tuple[Service, list[str], bool]] = []
    for organisation in chosen:
        for _ in range(rnd.choice([1, 1, 2, 3])):
            index = rnd.randrange(len(SERVICES))
            service = _service(rnd, organisation, index)
            publish = rnd.random() < 0.85
            if publish:
                service.publish, service.publish_agreed_by, service.publish_agreed_at = True, officer, now
            plans.append((service, SERVICES[index][2], publish))
    if ctx.vcs_organisation is not None:
        for index, publish in ((0, True), (7, False)):
            service = _service(rnd, ctx.vcs_organisation, index)
            if publish:
                service.publish, service.publish_agreed_by, service.publish_agreed_at = True, member, now
            plans.append((service, SERVICES[index][2], publish))
    Service.objects.bulk_create([service for service, _kinds, _publish in plans])
    places = []
    for service, kinds, _publish in plans:
        service.terms.set([terms[code] for code in kinds if code in terms])
        home = getattr(service.organisation, "ward", None) or (rnd.choice(wards) if wards else None)
        if home is not None:
            neighbour = rnd.choice(wards) if wards else home
            service.wards.set({home, neighbour})
            postcodes = ctx.ward_postcodes.get(home.pk) or ["AT1 1AA"]
            places.append(
                ServiceLocation(
                    service=service,
                    name=f"{home.name} {rnd.choice(PLACES)}",
                    address_1=f"{rnd.randint(1, 120)} {rnd.choice(STREETS)}",
                    city="Anytown",
                    postcode=rnd.choice(postcodes),
                )
            )
    ServiceLocation.objects.bulk_create(places)
