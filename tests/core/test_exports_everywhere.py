"""Every list page offers its download: a walk over every route in the permission matrix.

A page that shows a list of records (a table in the `stacked` pattern) on a route of its own, with
no record in its address, must carry the download buttons of a list registered in
`registry.exports` whose own page it is. Pages that only sum up lists found elsewhere say why.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from lightbulb.core.registry import registry
from tests.conftest import sign_in
from tests.security.routes import ALL, ROUTES
from tests.security.world import build_world

# Pages with tables that are not lists of their own, each with the place its records are listed in full.
NOT_LISTS = {
    # Each role's home: panels of a few records each, every one linking to its full list.
    "core:home": "panels summing up lists found elsewhere",
    # Someone's own organisations' home in the portal: the same summaries, each linking to its list.
    "organisations:portal_home": "panels summing up the member's lists",
    "funding:portal_returns": "an organisation's own returns, a year at a time, each linking to the return",
    "compact:compact": "the Compact's commitments as a document, not records",
    "compact:manage": "the Compact's commitments being edited, not records",
}
STACKED = "lb-table--stacked"
EXPORT_FORM = re.compile(r'<form method="post" action="/downloads/" class="lb-export" data-export="([a-z_]+)"')


def _list_routes() -> list[tuple[str, str]]:
    """(route, a role that may open it) for every matrix route with no record in its address."""
    routes = []
    for name, route in sorted(ROUTES.items()):
        if route.query or name in NOT_LISTS:
            continue
        who = next((who for who in ALL[1:] if route.expect[who] == 200), None)
        if who is not None:
            routes.append((name, who))
    return routes


@pytest.mark.django_db
def test_every_list_page_has_its_download():
    world = build_world()
    missing, wrong, seen = [], [], set()
    clients: dict[str, Client] = {}
    for name, who in _list_routes():
        if ROUTES[name].kwargs(world):
            continue
        client = clients.get(who) or clients.setdefault(who, sign_in(Client(), world.users[who]))
        response = client.get(reverse(name))
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if STACKED not in html:
            continue
        found = EXPORT_FORM.findall(html)
        if not found:
            missing.append(f"{name} (as {who})")
        for list_name in found:
            spec = registry.exports.get(list_name)
            if spec is None or spec.url_name != name:
                wrong.append(f"{name} offers {list_name!r}, which is not its own list")
            seen.add(list_name)
    assert missing == [], "list pages without their CSV and XLSX download:\n" + "\n".join(missing)
    assert wrong == []
    # Every registered list is offered on its page (none is registered and forgotten).
    # A list on a record's page (a survey's answers: it has its own way back) is tested in its module.
    offered_elsewhere = {name for name, spec in registry.exports.items() if spec.back_url is not None or ROUTES[spec.url_name].kwargs(world)}
    assert sorted(set(registry.exports) - seen - offered_elsewhere) == []
