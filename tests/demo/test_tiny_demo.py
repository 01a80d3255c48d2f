"""The tiny demo council, generated once for every check here (tests.conftest.demo_for_the_module): valid
identifiers, duplicates only where planted, organisations in their postcodes' wards, the demo users and their
authenticators, and the claims queue."""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import Membership, User
from lightbulb.core.roles import Role
from lightbulb.core.rules import TWO_FACTOR_ROLES
from lightbulb.demo import generator
from lightbulb.organisations.identifiers import parse_identifier
from lightbulb.organisations.models import Organisation, OrganisationClaim, OrganisationIdentifier
from lightbulb.organisations.services import name_key
from lightbulb.places.models import Councillor, Postcode
from tests.conftest import demo_for_the_module
from tests.demo.test_generator import DEMO_EMAILS, TODAY, generated_organisations

pytestmark = pytest.mark.django_db
tiny = demo_for_the_module(TODAY)


def test_every_demo_identifier_is_valid(tiny):
    identifiers = list(OrganisationIdentifier.objects.all())
    assert identifiers
    for identifier in identifiers:
        parsed = parse_identifier(identifier.org_id)
        assert (parsed.scheme, parsed.value) == (identifier.scheme, identifier.value)


def test_identifiers_repeat_only_where_a_duplicate_was_planted(tiny):
    values = list(OrganisationIdentifier.objects.values_list("scheme", "value"))
    repeated = len(values) - len(set(values))
    planted = sum(1 for _o, _c, kind in tiny.duplicate_pairs if kind == "same charity number")
    assert planted > 0
    assert repeated >= planted
    assert repeated <= planted * 2  # a charitable company carries a company number as well


def test_every_organisation_is_in_the_ward_of_its_postcode_with_its_name_key(tiny):
    wards = dict(Postcode.objects.values_list("postcode", "ward_id"))
    for organisation in Organisation.objects.all():
        assert organisation.postcode.startswith("AT")
        assert wards[organisation.postcode] == organisation.ward_id, organisation.name
        assert organisation.name_key == name_key(organisation.name)
    for organisation in generated_organisations():
        assert organisation.wards_served.filter(pk=organisation.ward_id).exists()
        assert organisation.areas_of_work.exists()


def test_the_demo_users_have_their_roles_and_sign_in_with_the_demo_password(tiny):
    for role, email in DEMO_EMAILS.items():
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.full_name
        assert user.check_password(generator.DEMO_PASSWORD)
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        assert devices.exists() == (role in TWO_FACTOR_ROLES)
    councillor = User.objects.get(email=DEMO_EMAILS[Role.COUNCILLOR])
    assert Councillor.objects.get(user=councillor).name == councillor.full_name
    membership = Membership.objects.get(user__email=DEMO_EMAILS[Role.VCS])
    assert membership.role == Membership.MemberRole.LEAD


def test_the_documented_authenticator_secrets_give_the_codes_the_devices_accept(tiny):
    for demo in generator.DEMO_USERS:
        if not demo.totp_secret:
            continue
        assert len(demo.totp_secret) == 32  # 160 bits, what authenticator apps expect
        device = TOTPDevice.objects.get(user__email=demo.email)
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        assert device.verify_token(str(code).zfill(device.digits))


def test_the_claims_queue_has_an_existing_and_a_proposed_organisation(tiny):
    claims = list(OrganisationClaim.objects.all())
    assert len(claims) == 3
    assert sum(1 for claim in claims if claim.organisation_id) == 2
    proposed = next(claim for claim in claims if claim.organisation_id is None)
    assert proposed.proposed_name.endswith("Repair Café")
    assert proposed.proposed_details["postcode"] in set(Postcode.objects.values_list("postcode", flat=True))
    vcs_user = User.objects.get(email=DEMO_EMAILS[Role.VCS])
    assert all(claim.user != vcs_user for claim in claims)
