"""Shared fixtures: a user per role, signed-in clients, and a base set of objects."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import User
from lightbulb.core.roles import Role
from tests import db_template
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

db_template.install()

ROLES = [role.value for role in Role]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, as a fresh process would."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client: Client, user: User) -> Client:
    """Sign `user` in on `client`, passing two-factor authentication for the roles that need it."""
    client.force_login(user)
    if user.needs_two_factor:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test", defaults={"confirmed": True})
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(role: str = Role.OFFICER, **kwargs) -> User:
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def users(db) -> dict[str, User]:
    """One user per role; the `vcs` user is a member of `own_organisation`."""
    return {role: UserFactory(role=role, email=f"{role}@example.org", full_name=f"{role.title()} Person") for role in ROLES}


@pytest.fixture
def own_organisation(users):
    organisation = OrganisationFactory(name="Riverside Food Bank")
    MembershipFactory(user=users[Role.VCS], organisation=organisation)
    return organisation


@pytest.fixture
def other_organisation(db):
    """An organisation the `vcs` user does not belong to, with its own member."""
    organisation = OrganisationFactory(name="Hilltop Youth Club")
    MembershipFactory(user=UserFactory(role=Role.VCS, email="outsider@example.org"), organisation=organisation)
    return organisation


@pytest.fixture
def client_for(users) -> Callable[[str | None], Client]:
    """A test client signed in as the user of `role` (None: signed out)."""

    def make(role: str | None) -> Client:
        client = Client()
        if role is None:
            return client
        return sign_in(client, users[role])

    return make


@pytest.fixture
def officer_client(client_for) -> Client:
    return client_for(Role.OFFICER)
