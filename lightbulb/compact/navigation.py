"""Service navigation entries for the Compact and consultations."""

from __future__ import annotations

from lightbulb.compact.selectors import compact_enabled
from lightbulb.core.registry import NavItem, registry
from lightbulb.core.roles import REGISTER_READERS, Role


def _compact_in_menu(role: str) -> bool:
    """Officers always see the Compact (to set one up); others only while one is switched on."""
    return role == Role.OFFICER or compact_enabled()


registry.add_nav(
    NavItem(
        label="Compact",
        url_name="compact:compact",
        roles=frozenset({Role.OFFICER, Role.COUNCILLOR, Role.ADMIN}),
        order=60,
        prefix="/compact/",
        visible=_compact_in_menu,
    )
)
registry.add_nav(
    NavItem(label="Consultations", url_name="compact:consultation_list", roles=frozenset(REGISTER_READERS), order=61, prefix="/compact/consultations/")
)
registry.add_nav(NavItem(label="Consultations", url_name="compact:portal_consultations", roles=frozenset({Role.VCS}), order=61, prefix="/compact/portal/"))
