"""The permission matrix's rows for concerns, run on their own: no officer, councillor, administrator or organisation reaches a concern."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.security.routes import ALL, LOGIN
from tests.security.routes_concerns import ROUTES
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


def test_every_concerns_route_answers_each_identity_as_its_row_says():
    world = build_world()
    failures = []
    for name, route in sorted(ROUTES.items()):
        url = reverse(name, kwargs=route.kwargs(world) or None) + route.query
        for who in ALL:
            client = Client()
            if who != "anon":
                sign_in(client, world.users[who])
            response = client.get(url)
            expected = route.expect[who]
            ok = (response.status_code == 302 and "/account/sign-in" in response["Location"]) if expected == LOGIN else response.status_code == expected
            if not ok:
                failures.append(f"{name} as {who}: expected {expected}, got {response.status_code}")
    assert failures == []


def test_concern_pages_let_in_investigators_only():
    concern_pages = [
        name
        for name in ROUTES
        if not name.startswith(("concerns:risk", "concerns:report", "concerns:status", "concerns:raise", "concerns:portal_raise", "concerns:settings"))
    ]
    assert len(concern_pages) == 10
    for name in concern_pages:
        expect = ROUTES[name].expect
        assert {who for who, outcome in expect.items() if outcome == 200} == {"investigator"}, name
