"""Shared fixtures: a user per role, signed-in clients, and a base set of objects."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
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


def demo_for_the_module(today: datetime.date, *, scale: str = "tiny", seed: int = 7) -> Any:
    """A module-scoped fixture: the demo council generated once for all of a module's tests, in a transaction
    rolled back after its last test. Each test still runs in its own savepoint inside it (mark the module
    `django_db`), so what one test writes is undone before the next. Generating even the tiny demo takes about
    a second on PostgreSQL: once per test, the demo modules spent most of their time on it.

    While the fixture is up its records are in the database for every test that runs, so a module that uses
    it must use it in every test (a test that generates a council of its own belongs in another module).
    """

    @pytest.fixture(scope="module")
    def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
        from lightbulb.demo import generator

        outer = transaction.atomic()
        with django_db_blocker.unblock():
            outer.__enter__()
            try:
                context = generator.generate(scale, seed, today=today)
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        yield context
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    return demo
