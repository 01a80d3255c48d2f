"""One demo user per role, the vcs user's organisation, and the claims waiting for an officer (demo generator steps)."""

from __future__ import annotations

import base64
import binascii
import datetime
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import Membership, User
from lightbulb.core.roles import Role
from lightbulb.demo import words
from lightbulb.demo.generator.context import TOWN
from lightbulb.demo.rows import slug
from lightbulb.organisations.models import LegalForm, Organisation, OrganisationClaim, OrganisationStatus
from lightbulb.places.models import Councillor

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

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


def totp_key_hex(secret: str) -> str:
    """The hex key django-otp stores for a base32 secret."""
    return binascii.hexlify(base64.b32decode(secret)).decode()


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
        user = User.objects.create(email=f"{slug(first)}.{slug(last)}@mail.example", full_name=full_name, role=Role.VCS, password=ctx.password_hash)
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
                    "email": f"{slug(ward.name)}-repair@mail.example",
                    "description": "Volunteers mend household items once a month so they are not thrown away.",
                },
                role_in_organisation=role,
                evidence="We started in the spring; the community centre manager can vouch for us.",
            )
        claim.full_clean()
        claim.save()
        OrganisationClaim.objects.filter(pk=claim.pk).update(created_at=claim.created_at - datetime.timedelta(days=2 * (len(_CLAIMANTS) - index)))
