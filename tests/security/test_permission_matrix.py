"""Every route × every role against the table in routes.py, and the URLconf walker."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lightbulb.core.access import ACCESS_ATTR
from tests.conftest import sign_in
from tests.security.routes import ALL, LOGIN, ROUTES
from tests.security.world import build_world

# Third-party routes that are not ours to declare (none are mounted today).
THIRD_PARTY_NAMESPACES: set[str] = {"oidc"}


def _walk(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, entry.callback


def _routes():
    return [(name, callback) for name, callback in _walk(get_resolver().url_patterns) if (name or "").split(":")[0] not in THIRD_PARTY_NAMESPACES]


def test_every_view_declares_its_access():
    undeclared = [name or repr(callback) for name, callback in _routes() if not getattr(callback, ACCESS_ATTR, None)]
    assert undeclared == [], f"views without @public, @signed_in or @roles_required: {undeclared}"


def test_every_route_has_a_row():
    names = {name for name, _ in _routes()}
    unnamed = [repr(callback) for name, callback in _routes() if name is None]
    assert unnamed == [], "every route needs a name"
    missing = sorted(names - set(ROUTES))
    assert missing == [], f"routes without a row in tests/security/routes.py: {missing}"
    stale = sorted(set(ROUTES) - names)
    assert stale == [], f"rows for routes that no longer exist: {stale}"


def test_every_row_covers_every_role():
    incomplete = {name: sorted(set(ALL) - set(route.expect)) for name, route in ROUTES.items() if set(route.expect) != set(ALL)}
    assert incomplete == {}


# The matrix is checked in parts, so that the suite's workers share its few thousand requests.
PARTS = 4


@pytest.mark.django_db
@pytest.mark.parametrize("part", range(PARTS))
def test_permission_matrix(part):
    world = build_world()
    failures = []
    for name, route in sorted(ROUTES.items())[part::PARTS]:
        url = reverse(name, kwargs=route.kwargs(world) or None) + route.query
        for who in ALL:
            client = Client()
            if who != "anon":
                sign_in(client, world.users[who])
            response = client.get(url)
            expected = route.expect[who]
            if expected == LOGIN:
                ok = response.status_code == 302 and "/account/sign-in" in response["Location"]
            else:
                ok = response.status_code == expected
            if not ok:
                failures.append(f"{name} as {who}: expected {expected}, got {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_each_row_agrees_with_the_predicate_its_view_declares():
    """The matrix is written by hand; the view asks a named predicate. They must say the same thing."""
    from lightbulb.core.rules import roles_allowed

    disagreements = []
    checked = 0
    for name, callback in _routes():
        predicate = getattr(callback, "lightbulb_predicate", None)
        if predicate is None or name not in ROUTES:
            continue
        checked += 1
        expect = ROUTES[name].expect
        in_matrix = {who for who in ALL[1:] if who != "vcs_other" and expect[who] != 403}
        by_predicate = set(roles_allowed(predicate))
        if in_matrix != by_predicate:
            disagreements.append(f"{name}: matrix lets in {sorted(in_matrix)}, {predicate.name} lets in {sorted(by_predicate)}")
    assert disagreements == []
    # Every route that needs more than "signed in" declares a predicate: the comparison covers nearly all of them.
    assert checked > 80
